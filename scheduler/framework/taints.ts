// Taints and tolerations, shared by the plugins that check them.
import type { Pod } from '../../lib/api/types';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

export function tolerationsOf(pod: Pod): Toleration[] {
  return ((pod.spec as { tolerations?: Toleration[] }).tolerations ?? []).filter(Boolean);
}

/** Kubernetes rules: empty key + Exists tolerates everything; empty effect matches every effect. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export const isTolerated = (pod: Pod, taint: Taint) => tolerationsOf(pod).some((t) => tolerates(t, taint));
