// Which ControllerRevisions a StatefulSet's reconcile needs (upstream's getStatefulSetRevisions),
// decided from the revisions it owns: the update revision is its current template — the newest
// revision when equal to it, an older equal revision renumbered to the next number, or a new one —
// and the current revision is the one status.currentRevision names (the update revision on a new
// set). Naming and hashing are controller-manager/history's. Pure.
import { revisionHash, revisionName } from '../history/hash';
import { findEqualRevisions, newRevision, nextRevision, sortRevisions, templatePatch, type ControllerRevision, type RevisionOwner } from '../history/revisions';
import { STS_API_VERSION, STS_KIND, type StatefulSet } from './identity';

export type UpdateRevisionStep =
  | { kind: 'existing'; revision: ControllerRevision }
  | { kind: 'renumber'; revision: ControllerRevision; to: number }
  | { kind: 'create'; revision: ControllerRevision };

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The revision the set's template would be under the given collision count. */
export function revisionFor(set: StatefulSet, number: number, collisionCount: number): ControllerRevision {
  const owner = set as unknown as RevisionOwner;
  const data = templatePatch(owner);
  const hash = revisionHash(data, collisionCount);
  const annotations = Object.fromEntries(Object.entries(set.metadata.annotations ?? {}).filter(([k]) => k !== LAST_APPLIED));
  return newRevision({ owner, ownerApiVersion: STS_API_VERSION, ownerKind: STS_KIND, data, revision: number, hash, name: revisionName(set.metadata.name!, hash), annotations });
}

export function updateRevisionStep(set: StatefulSet, owned: ControllerRevision[], collisionCount: number): UpdateRevisionStep {
  const sorted = sortRevisions(owned);
  const wanted = revisionFor(set, nextRevision(sorted), collisionCount);
  const equal = findEqualRevisions(sorted, wanted);
  const newest = sorted[sorted.length - 1];
  if (equal.length && newest && equal[equal.length - 1].metadata.name === newest.metadata.name) return { kind: 'existing', revision: newest };
  if (equal.length) return { kind: 'renumber', revision: equal[equal.length - 1], to: wanted.revision };
  return { kind: 'create', revision: wanted };
}

/** The current revision: the one status names, else the update revision. */
export function currentRevisionOf(set: StatefulSet, owned: ControllerRevision[], update: ControllerRevision): ControllerRevision {
  return owned.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
}
