// Which taints the node-lifecycle controller wants on a node, as plain values. NoSchedule taints
// mirror the node's conditions and spec.unschedulable (upstream's TaintNodesByCondition); the
// NoExecute not-ready/unreachable taint mirrors Ready=False/Unknown and is what evicts pods
// (TaintBasedEvictions), the two kept mutually exclusive as the Ready condition is.
import type { Node } from '../../lib/api/types';
import {
  sameTaint, taintsOf, TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, type Taint,
} from '../../lib/api/taints';

export const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NOT_READY, effect: 'NoExecute' };
export const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };

/** nodeConditionToTaintKeyStatusMap: condition type → status → NoSchedule taint key. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};

/** The taint keys this controller owns as NoSchedule taints (others are left alone). */
const OWNED_NO_SCHEDULE = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);

export const readyStatus = (node: Node): string | undefined => node.status?.conditions?.find((c) => c?.type === 'Ready')?.status;

/** The NoSchedule taints the node's conditions and spec.unschedulable call for. */
export function wantedNoScheduleTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c?.type]?.[c?.status];
    if (key && !out.some((t) => t.key === key)) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable === true) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/** doNoScheduleTaintingPass: what to add and remove so the owned NoSchedule taints are exactly the wanted ones. */
export function noScheduleTaintChanges(node: Node): { add: Taint[]; remove: Taint[] } {
  const wanted = wantedNoScheduleTaints(node);
  const owned = taintsOf(node).filter((t) => t.effect === 'NoSchedule' && OWNED_NO_SCHEDULE.has(t.key));
  return {
    add: wanted.filter((w) => !owned.some((t) => sameTaint(t, w))),
    remove: owned.filter((t) => !wanted.some((w) => sameTaint(t, w))),
  };
}

export type NoExecuteStep =
  | { kind: 'swap'; add: Taint; remove: Taint }
  | { kind: 'queue' }
  | { kind: 'reachable' }
  | { kind: 'none' };

/**
 * processTaintBaseEviction: a node whose Ready condition moved between False and Unknown while it
 * carries the opposite NoExecute taint swaps it at once; a newly not-ready or unreachable node
 * waits in its zone's rate-limited queue; a Ready node loses both NoExecute taints. A node that
 * already has the right taint is left alone (upstream queues it again, and a restarted controller
 * would spend the zone's rate on nodes it has nothing to do for).
 */
export function noExecuteStep(node: Node): NoExecuteStep {
  const has = (t: Taint) => taintsOf(node).some((x) => sameTaint(x, t));
  switch (readyStatus(node)) {
    case 'False':
      if (has(UNREACHABLE_NO_EXECUTE)) return { kind: 'swap', add: NOT_READY_NO_EXECUTE, remove: UNREACHABLE_NO_EXECUTE };
      return has(NOT_READY_NO_EXECUTE) ? { kind: 'none' } : { kind: 'queue' };
    case 'Unknown':
      if (has(NOT_READY_NO_EXECUTE)) return { kind: 'swap', add: UNREACHABLE_NO_EXECUTE, remove: NOT_READY_NO_EXECUTE };
      return has(UNREACHABLE_NO_EXECUTE) ? { kind: 'none' } : { kind: 'queue' };
    case 'True':
      return { kind: 'reachable' };
    default:
      return { kind: 'none' };
  }
}

/** What a queued node gets when its turn comes (doNoExecuteTaintingPass); undefined once it is Ready again. */
export function queuedNoExecuteTaint(node: Node): { add: Taint; remove: Taint } | undefined {
  switch (readyStatus(node)) {
    case 'False':
      return { add: NOT_READY_NO_EXECUTE, remove: UNREACHABLE_NO_EXECUTE };
    case 'Unknown':
      return { add: UNREACHABLE_NO_EXECUTE, remove: NOT_READY_NO_EXECUTE };
    default:
      return undefined;
  }
}

/**
 * SwapNodeControllerTaint on a list: removes the taints matching `remove` (key and effect), adds
 * the missing ones of `add` stamped with timeAdded. Undefined when nothing changes.
 */
export function swapTaints(current: Taint[], add: Taint[], remove: Taint[], now: string): Taint[] | undefined {
  const kept = current.filter((t) => !remove.some((r) => sameTaint(t, r)));
  const added = add.filter((a) => !kept.some((t) => sameTaint(t, a))).map((a) => ({ ...a, timeAdded: now }));
  if (kept.length === current.length && added.length === 0) return undefined;
  return [...kept, ...added];
}
