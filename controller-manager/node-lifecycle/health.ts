// Pure node-health decisions: when a node's kubelet has stopped heartbeating, its conditions go
// Unknown and it gets the unreachable NoSchedule taint; once the kubelet reports Ready=True again
// the taint comes off (the kubelet rewrites its own conditions).
import type { Node, NodeCondition } from '../../lib/api/types';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export const UNREACHABLE_TAINT_KEY = 'node.kubernetes.io/unreachable';
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface NodeHealthAction {
  /** New status.conditions to write, when they change. */
  conditions?: NodeCondition[];
  /** New spec.taints to write, when they change. */
  taints?: Taint[];
}

/** Local time of the last heartbeat signal: the Lease's renewTime and the Ready heartbeat. */
export function heartbeatSignal(node: Node, leaseRenewTime: string | undefined): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return `${leaseRenewTime ?? ''}|${ready?.lastHeartbeatTime ?? ''}|${ready?.status ?? ''}`;
}

export function planNodeHealth(node: Node, stale: boolean, now: string): NodeHealthAction {
  const taints = (node.spec?.taints ?? []) as Taint[];
  const hasTaint = taints.some((t) => t.key === UNREACHABLE_TAINT_KEY && t.effect === 'NoSchedule');
  const conds = node.status?.conditions ?? [];
  const ready = conds.find((c) => c.type === 'Ready');
  const out: NodeHealthAction = {};
  if (stale) {
    if (!ready || ready.status !== 'Unknown') {
      const next: NodeCondition[] = conds.map((c) =>
        KUBELET_CONDITIONS.includes(c.type) && c.status !== 'Unknown'
          ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now }
          : c,
      );
      if (!ready) next.push({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: now, lastTransitionTime: now });
      out.conditions = next;
    }
    if (!hasTaint) out.taints = [...taints, { key: UNREACHABLE_TAINT_KEY, effect: 'NoSchedule', timeAdded: now }];
  } else if (hasTaint && ready?.status === 'True') {
    out.taints = taints.filter((t) => t.key !== UNREACHABLE_TAINT_KEY);
  }
  return out;
}
