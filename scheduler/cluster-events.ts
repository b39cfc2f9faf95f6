// Which kind of cluster change an informer update is, as upstream's event handlers classify them:
// the queue retries an unschedulable pod only for changes a plugin that rejected it registered.
import type { Node, Pod } from '../lib/api/types';
import { isTerminal, podRequests } from './framework/resources';
import { ActionType } from './framework/types';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The ActionType bits of a node update (0: nothing a plugin cares about, e.g. a heartbeat). */
export function nodeUpdateActions(o: Node, n: Node): number {
  let bits = 0;
  if (!same(o.status?.allocatable, n.status?.allocatable)) bits |= ActionType.UpdateNodeAllocatable;
  if (!same(o.metadata.labels, n.metadata.labels)) bits |= ActionType.UpdateNodeLabel;
  const spec = (x: Node) => x.spec as { taints?: unknown; unschedulable?: unknown } | undefined;
  if (!same(spec(o)?.taints, spec(n)?.taints) || !!spec(o)?.unschedulable !== !!spec(n)?.unschedulable) bits |= ActionType.UpdateNodeTaint;
  const conds = (x: Node) => (x.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).sort().join(',');
  if (conds(o) !== conds(n)) bits |= ActionType.UpdateNodeCondition;
  if (!same(o.metadata.annotations, n.metadata.annotations)) bits |= ActionType.UpdateNodeAnnotation;
  return bits;
}

/** The ActionType bits of an assigned pod's update that may help other pods fit. */
export function assignedPodUpdateActions(o: Pod, n: Pod): number {
  let bits = 0;
  if (!same(o.metadata.labels, n.metadata.labels)) bits |= ActionType.UpdatePodLabel;
  try {
    const a = podRequests(o);
    const b = podRequests(n);
    if (b.milliCpu < a.milliCpu || b.memory < a.memory || b.ephemeralStorage < a.ephemeralStorage) bits |= ActionType.UpdatePodScaleDown;
  } catch {
    // unreadable requests: no scale-down signal
  }
  return bits;
}

/** Whether this scheduler (one of its profiles) is responsible for placing the pod now. */
export function needsScheduling(pod: Pod, schedulerNames: Set<string>): boolean {
  if (pod.spec.nodeName || pod.metadata.deletionTimestamp) return false;
  if (isTerminal(pod)) return false;
  return schedulerNames.has(pod.spec.schedulerName || 'default-scheduler');
}
