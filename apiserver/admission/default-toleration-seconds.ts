// DefaultTolerationSeconds admission: every pod that does not already tolerate the not-ready and
// unreachable NoExecute taints gets a toleration for each, for a bounded time (300 s by default,
// --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds), so that its
// controller replaces it once its node has been gone that long.
import type { Pod } from '../../lib/api/types';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, type Toleration } from '../../lib/api/taints';

export interface DefaultTolerationSeconds {
  notReadySeconds: number;
  unreachableSeconds: number;
}

export const DEFAULT_TOLERATION_SECONDS: DefaultTolerationSeconds = { notReadySeconds: 300, unreachableSeconds: 300 };

/** A toleration that already covers key:NoExecute (an empty key or effect covers every one). */
const covers = (t: Toleration, key: string): boolean => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect);

/** The tolerations to append to the pod's: none, one or both of the defaults. */
export function missingDefaultTolerations(tolerations: unknown, o: DefaultTolerationSeconds): Toleration[] {
  const list = Array.isArray(tolerations) ? tolerations.filter((t): t is Toleration => !!t && typeof t === 'object') : [];
  const out: Toleration[] = [];
  if (!list.some((t) => covers(t, TAINT_NOT_READY))) out.push({ key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: o.notReadySeconds });
  if (!list.some((t) => covers(t, TAINT_UNREACHABLE))) out.push({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: o.unreachableSeconds });
  return out;
}

/** Adds the missing default tolerations to the pod in place (a pod whose spec is not an object is left to validation). */
export function admitDefaultTolerationSeconds(pod: Pod, o: DefaultTolerationSeconds): void {
  const spec = pod.spec as (Pod['spec'] & { tolerations?: unknown }) | undefined;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return;
  if (spec.tolerations !== undefined && spec.tolerations !== null && !Array.isArray(spec.tolerations)) return;
  const add = missingDefaultTolerations(spec.tolerations, o);
  if (add.length) spec.tolerations = [...((spec.tolerations as Toleration[] | null | undefined) ?? []), ...add];
}
