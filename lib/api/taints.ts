// Taints and tolerations as Kubernetes matches them (core/v1 Toleration.ToleratesTaint and
// GetMatchingTolerations), shared by the scheduler's filters and the controllers that evict pods
// from NoExecute-tainted nodes.
import type { Pod } from './types';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect | string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number | null;
}

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** The pod's tolerations, leaving out entries that are not objects. */
export function tolerationsOf(pod: Pod): Toleration[] {
  const list = (pod.spec as { tolerations?: unknown } | undefined)?.tolerations;
  return Array.isArray(list) ? list.filter((t): t is Toleration => !!t && typeof t === 'object') : [];
}

/**
 * ToleratesTaint: an empty effect matches every effect, an empty key every key; Exists ignores the
 * value, Equal (or no operator) compares it. Any other operator tolerates nothing.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export const isTolerated = (pod: Pod, taint: Taint): boolean => tolerationsOf(pod).some((t) => toleratesTaint(t, taint));

/**
 * GetMatchingTolerations: whether every taint is tolerated, and for each taint the first toleration
 * that tolerates it (the ones whose tolerationSeconds then count).
 */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): { allTolerated: boolean; used: Toleration[] } {
  if (taints.length === 0) return { allTolerated: true, used: [] };
  if (tolerations.length === 0) return { allTolerated: false, used: [] };
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => toleratesTaint(x, taint));
    if (!t) return { allTolerated: false, used: [] };
    used.push(t);
  }
  return { allTolerated: true, used };
}

/**
 * getMinTolerationTime, in seconds: 0 when nothing is tolerated or a toleration's time is not
 * positive, -1 when every used toleration is forever (no tolerationSeconds), else the smallest.
 */
export function minTolerationSeconds(used: Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    const s = t.tolerationSeconds;
    if (s === undefined || s === null) continue;
    if (s <= 0) return 0;
    if (s < min) min = s;
  }
  return min === Infinity ? -1 : min;
}

/** The NoExecute taints of a list (what the taint eviction controller acts on). */
export const noExecuteTaints = (taints: Taint[]): Taint[] => taints.filter((t) => t.effect === 'NoExecute');

/** The node's taints, leaving out entries that are not objects. */
export function taintsOf(node: { spec?: { taints?: unknown } }): Taint[] {
  const list = node.spec?.taints;
  return Array.isArray(list) ? list.filter((t): t is Taint => !!t && typeof t === 'object' && typeof (t as Taint).key === 'string') : [];
}

/** MatchTaint: the same key and effect (the value may differ). */
export const sameTaint = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;
