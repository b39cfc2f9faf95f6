// The pure decisions of the ReplicaSet controller: which pods it owns, adopts or releases, how
// many to create, which to delete first, the pod it creates, and the status it reports.
import type { OwnerReference, Pod, ReplicaSet } from '../../lib/api/types';
import { deepCopy, isPodActive, isPodAvailable, isPodReady, ownerRefFor } from '../common/pod-utils';

// Claiming moved to common/controller-ref.ts (the Job controller shares it); re-exported for the importers here.
export { claimPods, type PodClaim } from '../common/controller-ref';

/** Rank for deletion, lower first: unscheduled < pending < not ready < ready; newer first on ties. */
export function deletionRank(p: Pod): number {
  if (!p.spec.nodeName) return 0;
  if (p.status?.phase === 'Pending' || !p.status?.phase) return 1;
  if (!isPodReady(p)) return 2;
  return 3;
}

export function sortForDeletion(pods: Pod[]): Pod[] {
  const ts = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return [...pods].sort((a, b) => deletionRank(a) - deletionRank(b) || ts(b) - ts(a) || (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

export interface ReplicaDiff {
  create: number;
  remove: Pod[];
}

/** Compares active owned pods with spec.replicas. Terminating pods do not count. */
export function replicaDiff(rs: ReplicaSet, owned: Pod[]): ReplicaDiff {
  const want = rs.spec.replicas ?? 1;
  const active = owned.filter(isPodActive);
  if (active.length < want) return { create: want - active.length, remove: [] };
  return { create: 0, remove: sortForDeletion(active).slice(0, active.length - want) };
}

export const RS_OWNER = { apiVersion: 'apps/v1', kind: 'ReplicaSet' } as const;

export function rsOwnerRef(rs: ReplicaSet): OwnerReference {
  return ownerRefFor(rs, RS_OWNER.apiVersion, RS_OWNER.kind);
}

/** The pod the RS creates: its template with a controller reference and generateName "<rs>-". */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const t = deepCopy(rs.spec.template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: t.metadata?.labels ?? {},
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [rsOwnerRef(rs)],
    },
    spec: t.spec,
  };
}

export type RSStatus = NonNullable<ReplicaSet['status']>;

export function computeRSStatus(rs: ReplicaSet, owned: Pod[], now: number): RSStatus {
  const active = owned.filter(isPodActive);
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const fullyLabeled = active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v));
  return {
    replicas: active.length,
    fullyLabeledReplicas: fullyLabeled.length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, rs.spec.minReadySeconds ?? 0, now)).length,
    observedGeneration: rs.metadata.generation ?? 0,
  };
}

export function statusEqual(a: RSStatus | undefined, b: RSStatus): boolean {
  if (!a) return false;
  return (
    (a.replicas ?? 0) === b.replicas &&
    (a.fullyLabeledReplicas ?? 0) === b.fullyLabeledReplicas &&
    (a.readyReplicas ?? 0) === b.readyReplicas &&
    (a.availableReplicas ?? 0) === b.availableReplicas &&
    (a.observedGeneration ?? 0) === b.observedGeneration
  );
}
