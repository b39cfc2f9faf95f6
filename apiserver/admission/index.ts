// The apiserver's mutating admission steps, run on the main resource of creates and updates after
// defaulting and before validation (as kube-apiserver's admission chain runs after decoding).
// Subresource writes (status, binding, scale, eviction) do not pass through them.
import type { KObject, Pod } from '../../lib/api/types';
import { admitDefaultTolerationSeconds, DEFAULT_TOLERATION_SECONDS, type DefaultTolerationSeconds } from './default-toleration-seconds';

export type AdmissionOperation = 'create' | 'update';

/** Mutates obj in place; throws an ApiError to refuse it. */
export type Admit = (resource: string, obj: KObject, op: AdmissionOperation) => void;

export interface AdmissionConfig {
  defaultTolerationSeconds?: DefaultTolerationSeconds;
}

export function admissionChain(config: AdmissionConfig = {}): Admit {
  const tolerations = config.defaultTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS;
  return (resource, obj) => {
    if (resource === 'pods') admitDefaultTolerationSeconds(obj as Pod, tolerations);
  };
}

export { DEFAULT_TOLERATION_SECONDS, type DefaultTolerationSeconds } from './default-toleration-seconds';
