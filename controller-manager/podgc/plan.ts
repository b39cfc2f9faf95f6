// Pure decisions of the pod garbage collector (upstream's PodGC): which pods to force-delete in
// one pass, and why. The controller only lists, verifies missing nodes and carries this out.
//   - terminated pods (Succeeded/Failed) beyond --terminated-pod-gc-threshold, evicted ones and
//     then the oldest first;
//   - pods bound to a node that no longer exists (once the node was missing for the whole
//     quarantine and a live read confirmed it): no kubelet will ever finish them;
//   - terminating pods that were never scheduled;
//   - terminating pods on a node that is not Ready and carries the out-of-service taint (the
//     operator declared it gone for good).
import type { Node, Pod, PodCondition } from '../../lib/api/types';

/** The taint an operator puts on a node that is shut down for good (non-graceful node shutdown). */
export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';
/** How long a node must be missing from the cache before its pods are collected (upstream: 40 s). */
export const QUARANTINE_MS = 40_000;
/** How often a pass runs (upstream: 20 s). */
export const GC_PERIOD_MS = 20_000;
/** --terminated-pod-gc-threshold's default, as upstream. */
export const DEFAULT_TERMINATED_POD_THRESHOLD = 12_500;

export type PodGcReason = 'terminated' | 'orphaned' | 'unscheduled-terminating' | 'out-of-service';

export interface PodToDelete {
  pod: Pod;
  reason: PodGcReason;
  /** A condition to add (with phase Failed) before the deletion, as upstream records it. */
  condition?: PodCondition;
}

export interface PodGcInputs {
  pods: Pod[];
  nodes: Node[];
  /** Nodes confirmed gone: missing for the whole quarantine and not found by a live read. */
  deletedNodes: ReadonlySet<string>;
  /** 0 or less: terminated pods are never collected. */
  terminatedPodThreshold: number;
}

export const isTerminated = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const isEvicted = (p: Pod): boolean => p.status?.phase === 'Failed' && p.status?.reason === 'Evicted';

/** Evicted pods first, then by creation time (oldest first), then by name: upstream's order. */
export function byEvictionAndAge(a: Pod, b: Pod): number {
  if (isEvicted(a) !== isEvicted(b)) return isEvicted(a) ? -1 : 1;
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

const nodeReady = (n: Node): boolean => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const outOfService = (n: Node): boolean => !nodeReady(n) && ((n.spec as { taints?: { key: string }[] } | undefined)?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT);

/** Node names pods are bound to that the node cache does not have (candidates for quarantine). */
export function missingNodes(pods: Pod[], nodes: Node[]): string[] {
  const known = new Set(nodes.map((n) => n.metadata.name!));
  return [...new Set(pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n && !known.has(n)))].sort();
}

/**
 * Missing nodes whose quarantine is over (to verify with a live read now), and the quarantine
 * map for the next pass: nodes back in the cache leave it, newly missing ones enter it at `nowMs`.
 */
export function quarantineStep(missing: string[], quarantine: ReadonlyMap<string, number>, nowMs: number, quarantineMs = QUARANTINE_MS): { verify: string[]; next: Map<string, number> } {
  const next = new Map<string, number>();
  const verify: string[] = [];
  for (const n of missing) {
    const since = quarantine.get(n) ?? nowMs;
    next.set(n, since);
    if (nowMs - since >= quarantineMs) verify.push(n);
  }
  return { verify, next };
}

export const DELETION_BY_POD_GC: Pick<PodCondition, 'type' | 'status' | 'reason' | 'message'> = {
  type: 'DisruptionTarget',
  status: 'True',
  reason: 'DeletionByPodGC',
  message: 'PodGC: node no longer exists',
};

export function planPodGc(i: PodGcInputs, nowIso: string): PodToDelete[] {
  const out: PodToDelete[] = [];
  const seen = new Set<string>();
  const add = (pod: Pod, reason: PodGcReason, condition?: PodCondition) => {
    if (seen.has(pod.metadata.uid!)) return;
    seen.add(pod.metadata.uid!);
    out.push({ pod, reason, ...(condition ? { condition } : {}) });
  };
  // Terminating pods on out-of-service nodes.
  const oos = new Set(i.nodes.filter(outOfService).map((n) => n.metadata.name!));
  i.pods.filter((p) => p.metadata.deletionTimestamp && p.spec.nodeName && oos.has(p.spec.nodeName)).sort(byEvictionAndAge).forEach((p) => add(p, 'out-of-service'));
  // Terminated pods beyond the threshold.
  if (i.terminatedPodThreshold > 0) {
    const terminated = i.pods.filter(isTerminated);
    const excess = terminated.length - i.terminatedPodThreshold;
    if (excess > 0) terminated.sort(byEvictionAndAge).slice(0, excess).forEach((p) => add(p, 'terminated'));
  }
  // Pods bound to nodes that are gone.
  for (const p of i.pods) {
    if (p.spec.nodeName && i.deletedNodes.has(p.spec.nodeName)) add(p, 'orphaned', { ...DELETION_BY_POD_GC, lastProbeTime: null, lastTransitionTime: nowIso });
  }
  // Terminating pods that were never scheduled.
  for (const p of i.pods) if (p.metadata.deletionTimestamp && !p.spec.nodeName) add(p, 'unscheduled-terminating');
  return out;
}

/** The status written before the deletion: phase Failed unless already terminal, plus the condition. */
export function failedStatus(pod: Pod, condition: PodCondition | undefined): Pod['status'] | undefined {
  const status = { ...(pod.status ?? {}) };
  let changed = false;
  if (!isTerminated(pod)) {
    status.phase = 'Failed';
    changed = true;
  }
  if (condition && !(status.conditions ?? []).some((c) => c.type === condition.type && c.status === condition.status && c.reason === condition.reason)) {
    status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), condition];
    changed = true;
  }
  return changed ? status : undefined;
}
