// The pure decisions of the ReplicaSet controller: which pods it owns, adopts or releases, how
// many to create, which to delete first, the pod it creates, and the status it reports.
import type { OwnerReference, Pod, ReplicaSet } from '../../lib/api/types';
import { canonicalJson, deepCopy, isPodActive, isPodAvailable, isPodReady, ownerRefFor } from '../common/pod-utils';

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

/** The kind a controller reference names: the ReplicaSet's own, or the ReplicationController's. */
export type OwnerKind = { apiVersion: string; kind: string };

export function rsOwnerRef(rs: ReplicaSet, owner: OwnerKind = RS_OWNER): OwnerReference {
  return ownerRefFor(rs, owner.apiVersion, owner.kind);
}

/** The pod the RS creates: its template with a controller reference and generateName "<rs>-". */
export function podFromTemplate(rs: ReplicaSet, owner: OwnerKind = RS_OWNER): Pod {
  const t = deepCopy(rs.spec.template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: t.metadata?.labels ?? {},
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [rsOwnerRef(rs, owner)],
    },
    spec: t.spec,
  };
}

export type RSStatus = NonNullable<ReplicaSet['status']>;
type Condition = NonNullable<RSStatus['conditions']>[number];

export const REPLICA_FAILURE = 'ReplicaFailure';

/** Why the last create or delete round failed; the ReplicaFailure condition's reason and message. */
export interface ManageFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  message: string;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The status the controller reports. ReplicaFailure (status True) is added when a round of creates
 * or deletes failed and there is none yet, and removed after a round that did not fail, as
 * upstream's calculateStatus does; other conditions are kept.
 */
export function computeRSStatus(rs: ReplicaSet, owned: Pod[], now: number, failure?: ManageFailure): RSStatus {
  const active = owned.filter(isPodActive);
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const fullyLabeled = active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v));
  let conditions: Condition[] = [...(rs.status?.conditions ?? [])];
  const existing = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (failure && !existing)
    conditions.push({ type: REPLICA_FAILURE, status: 'True', lastTransitionTime: isoSeconds(now), reason: failure.reason, message: failure.message });
  else if (!failure && existing) conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  return {
    replicas: active.length,
    fullyLabeledReplicas: fullyLabeled.length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, rs.spec.minReadySeconds ?? 0, now)).length,
    observedGeneration: rs.metadata.generation ?? 0,
    ...(conditions.length ? { conditions } : {}),
  };
}

export function statusEqual(a: RSStatus | undefined, b: RSStatus): boolean {
  if (!a) return false;
  return (
    (a.replicas ?? 0) === b.replicas &&
    (a.fullyLabeledReplicas ?? 0) === b.fullyLabeledReplicas &&
    (a.readyReplicas ?? 0) === b.readyReplicas &&
    (a.availableReplicas ?? 0) === b.availableReplicas &&
    (a.observedGeneration ?? 0) === b.observedGeneration &&
    canonicalJson(a.conditions ?? []) === canonicalJson(b.conditions ?? [])
  );
}
