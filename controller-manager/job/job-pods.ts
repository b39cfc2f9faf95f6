// Pod facts the Job controller decides with: failed or succeeded as a Job sees it, the tracking
// finalizer, finish times for the failure backoff, and the pod a Job creates.
import type { OwnerReference, Pod } from '../../lib/api/types';
import {
  JOB_COMPLETION_INDEX, JOB_CONTROLLER_UID_LABEL, JOB_NAME_LABEL, JOB_TRACKING_FINALIZER, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL, type Job,
} from '../../lib/api/batch';
import { deepCopy, ownerRefFor } from '../common/pod-utils';
import { claimByControllerRef, type PodClaim } from '../common/controller-ref';

export const isIndexed = (j: Job): boolean => j.spec.completionMode === 'Indexed';
export const hasTrackingFinalizer = (p: Pod): boolean => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
export const isTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
/** Not finished and not on its way out. */
export const isActive = (p: Pod): boolean => !p.metadata.deletionTimestamp && !isTerminal(p);
/** Deleted but still running (its replacement waits when only failed pods are replaced). */
export const isTerminatingPod = (p: Pod): boolean => !!p.metadata.deletionTimestamp && !isTerminal(p);

/** With podReplacementPolicy Failed (always so with a podFailurePolicy) a pod must reach phase Failed. */
export const onlyReplaceFailed = (j: Job): boolean => j.spec.podReplacementPolicy === 'Failed' || !!j.spec.podFailurePolicy;

/** A failure as the Job counts it: phase Failed or, unless only failed pods are replaced, deleted before it succeeded. */
export function isPodFailed(p: Pod, j: Job): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailed(j)) return false;
  return !!p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

const ms = (t: string | undefined | null) => (t ? Date.parse(t) : NaN);

/** When a pod finished: its last container's finish, else when it stopped being ready, else when it was deleted or created. */
export function finishTime(p: Pod, now: number): number {
  let best = NaN;
  for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    const t = ms(cs.state?.terminated?.finishedAt);
    if (Number.isFinite(t) && !(t <= best)) best = t;
  }
  if (Number.isFinite(best)) return best;
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
  for (const t of [ms(ready?.lastTransitionTime), ms(p.metadata.deletionTimestamp), ms(p.metadata.creationTimestamp)]) if (Number.isFinite(t)) return t;
  return now;
}

export const JOB_OWNER = { apiVersion: 'batch/v1', kind: 'Job' } as const;

export const jobOwnerRef = (j: Job): OwnerReference => ownerRefFor(j, JOB_OWNER.apiVersion, JOB_OWNER.kind);

/** The pods this Job controls (by controller reference uid). */
export const ownedPods = (j: Job, pods: Pod[]): Pod[] =>
  pods.filter((p) => p.metadata.namespace === j.metadata.namespace && (p.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === j.metadata.uid));

/**
 * The Job's claim on its namespace's pods (upstream's getPodsForJob): finished pods are adopted
 * too, so a matching pod that already ran counts; a pod on its way out is never adopted; pods
 * that stopped matching are released (with their finalizer, see releasePatch), unless the Job is
 * being deleted.
 */
export function claimJobPods(j: Job, pods: Pod[]): PodClaim {
  // The apiserver always sets a selector; without one (a corrupt object) keep what we own rather than release it all.
  if (!j.spec.selector) return { owned: ownedPods(j, pods), adopt: [], release: [] };
  return claimByControllerRef(j, j.spec.selector, pods, {
    adoptable: (p) => !p.metadata.deletionTimestamp,
    releasable: () => !j.metadata.deletionTimestamp,
  });
}

/** The merge patch that adopts a pod: our controller reference and the tracking finalizer, guarded by resourceVersion. */
export function adoptPatch(j: Job, p: Pod): { metadata: Pick<Pod['metadata'], 'ownerReferences' | 'finalizers' | 'resourceVersion'> } {
  const others = (p.metadata.ownerReferences ?? []).filter((r) => r.uid !== j.metadata.uid);
  const finalizers = [...new Set([...(p.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER])];
  return { metadata: { ownerReferences: [...others, jobOwnerRef(j)], finalizers, resourceVersion: p.metadata.resourceVersion } };
}

/** The merge patch that releases a pod: without our reference and without the tracking finalizer. */
export function releasePatch(j: Job, p: Pod): { metadata: Pick<Pod['metadata'], 'ownerReferences' | 'finalizers' | 'resourceVersion'> } {
  const ownerReferences = (p.metadata.ownerReferences ?? []).filter((r) => r.uid !== j.metadata.uid);
  const finalizers = (p.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
  return { metadata: { ownerReferences, finalizers, resourceVersion: p.metadata.resourceVersion } };
}

/**
 * The pod the Job creates: its template with the tracking finalizer and a controller reference; an
 * Indexed Job's pod also carries its index (annotation, label, JOB_COMPLETION_INDEX in every
 * container read from the annotation) and the hostname <job>-<index>.
 */
export function podForJob(j: Job, index?: number): Pod {
  const t = deepCopy(j.spec.template);
  const name = j.metadata.name!;
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}) };
  // A manual selector may leave the template without the job labels; upstream's apiserver adds
  // them for generated selectors only, so the controller adds nothing else here.
  const annotations: Record<string, string> = { ...(t.metadata?.annotations ?? {}) };
  const spec = t.spec;
  let generateName = `${name}-`;
  if (index !== undefined) {
    annotations[JOB_COMPLETION_INDEX] = String(index);
    labels[JOB_COMPLETION_INDEX] = String(index);
    spec.hostname = `${name}-${index}`;
    generateName = `${name}-${index}-`;
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as { env?: { name: string }[] }[]) {
      if ((c.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX')) continue;
      c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } } as { name: string }];
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: j.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers: [...new Set([...(t.metadata?.finalizers ?? []), JOB_TRACKING_FINALIZER])],
      ownerReferences: [jobOwnerRef(j)],
    },
    spec,
  };
}

/** The labels the apiserver puts on a generated-selector Job's template (exported for tests and the apiserver check). */
export const jobPodLabels = (j: Job): Record<string, string> => ({
  [JOB_CONTROLLER_UID_LABEL]: j.metadata.uid!,
  [JOB_NAME_LABEL]: j.metadata.name!,
  [LEGACY_CONTROLLER_UID_LABEL]: j.metadata.uid!,
  [LEGACY_JOB_NAME_LABEL]: j.metadata.name!,
});
