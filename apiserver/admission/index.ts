// The apiserver's mutating admission steps, run on the main resource of creates and updates after
// defaulting and before validation (as kube-apiserver's admission chain runs after decoding).
// Subresource writes (status, binding, scale, eviction) do not pass through them.
import type { KObject, Pod } from '../../lib/api/types';
import { keepPodPriority } from './priority';
import { admitDefaultTolerationSeconds, DEFAULT_TOLERATION_SECONDS, type DefaultTolerationSeconds } from './default-toleration-seconds';

export type AdmissionOperation = 'create' | 'update';

/** Mutates obj in place; throws an ApiError to refuse it. stored: the object an update replaces. */
export type Admit = (resource: string, obj: KObject, op: AdmissionOperation, stored?: KObject) => void;

export interface AdmissionConfig {
  defaultTolerationSeconds?: DefaultTolerationSeconds;
}

export function admissionChain(config: AdmissionConfig = {}): Admit {
  const tolerations = config.defaultTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS;
  return (resource, obj, op, stored) => {
    if (resource !== 'pods') return;
    // Priority's update half (its create half reads PriorityClasses: object-admission.ts).
    if (op === 'update' && stored) keepPodPriority(obj as Pod, stored as Pod);
    admitDefaultTolerationSeconds(obj as Pod, tolerations);
  };
}

export { DEFAULT_TOLERATION_SECONDS, type DefaultTolerationSeconds } from './default-toleration-seconds';
