// Pure node-health decisions: when a node's kubelet has stopped heartbeating (its Lease and its
// Ready condition's heartbeat both unchanged for the grace period), its kubelet-owned conditions
// go Unknown. The taints that follow from the conditions are taints.ts's business.
import type { Node, NodeCondition } from '../../lib/api/types';

const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** Local time of the last heartbeat signal: the Lease's renewTime and the Ready heartbeat. */
export function heartbeatSignal(node: Node, leaseRenewTime: string | undefined): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return `${leaseRenewTime ?? ''}|${ready?.lastHeartbeatTime ?? ''}|${ready?.status ?? ''}`;
}

/** The conditions to write for a stale node (every kubelet condition Unknown), or undefined when there is nothing to change. */
export function staleNodeConditions(node: Node, stale: boolean, now: string): NodeCondition[] | undefined {
  if (!stale) return undefined;
  const conds = node.status?.conditions ?? [];
  const ready = conds.find((c) => c.type === 'Ready');
  if (ready?.status === 'Unknown') return undefined;
  const next: NodeCondition[] = conds.map((c) =>
    KUBELET_CONDITIONS.includes(c.type) && c.status !== 'Unknown'
      ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now }
      : c,
  );
  if (!ready) next.push({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: now, lastTransitionTime: now });
  return next;
}
