// Deciding what a delete does, as a plain value: remove the object now, or mark it (deletionTimestamp,
// finalizers) and keep it until the kubelet or a finalizer's owner finishes the job.
import type { KObject, Pod } from '../../lib/api/types';
import { apiError } from '../../lib/errors';
import type { DeleteQuery } from './types';
import { deepCopy } from './object-meta';

export type DeletePlan =
  | { action: 'remove' }
  | { action: 'mark'; object: KObject }
  | { action: 'none'; object: KObject };

const ts = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function checkPreconditions(obj: KObject, q: DeleteQuery, qualified: string): void {
  const p = q.preconditions;
  if (p?.uid && p.uid !== obj.metadata.uid)
    throw apiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${obj.metadata.name}": Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid}`);
  if (p?.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion)
    throw apiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${obj.metadata.name}": Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in meta: ${obj.metadata.resourceVersion}`);
}

/** Grace period for a pod delete: 0 for pods no kubelet runs (unbound or finished). */
function podGrace(pod: Pod, q: DeleteQuery): number {
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  const g = q.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, g);
}

export function planDelete(resource: string, stored: KObject, q: DeleteQuery, now: Date): DeletePlan {
  const finalizers = [...(stored.metadata.finalizers ?? [])];
  const policy = q.propagationPolicy;
  const addFinalizer = policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;

  if (stored.metadata.deletionTimestamp) {
    // Already being deleted: a pod's kubelet confirms with gracePeriodSeconds=0.
    if (resource === 'pods' && q.gracePeriodSeconds === 0 && finalizers.length === 0) return { action: 'remove' };
    if (resource === 'pods' && q.gracePeriodSeconds !== undefined && q.gracePeriodSeconds > 0) {
      const cur = stored.metadata.deletionGracePeriodSeconds ?? 0;
      if (q.gracePeriodSeconds < cur) {
        const next = deepCopy(stored);
        next.metadata.deletionGracePeriodSeconds = q.gracePeriodSeconds;
        next.metadata.deletionTimestamp = ts(new Date(now.getTime() + q.gracePeriodSeconds * 1000));
        return { action: 'mark', object: next };
      }
    }
    return { action: 'none', object: stored };
  }

  if (addFinalizer && !finalizers.includes(addFinalizer)) finalizers.push(addFinalizer);
  const grace = resource === 'pods' ? podGrace(stored as Pod, q) : 0;
  if (finalizers.length === 0 && grace === 0) return { action: 'remove' };

  const next = deepCopy(stored);
  next.metadata.finalizers = finalizers.length ? finalizers : undefined;
  if (!next.metadata.finalizers) delete next.metadata.finalizers;
  next.metadata.deletionTimestamp = ts(new Date(now.getTime() + grace * 1000));
  next.metadata.deletionGracePeriodSeconds = grace;
  return { action: 'mark', object: next };
}
