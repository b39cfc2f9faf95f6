// The pure history bookkeeping shared by the DaemonSet and StatefulSet controllers (upstream's
// controller/history package and the rollback half of kubectl's rollout history): the revision an
// owner's template becomes, which revisions an owner controls, adopts or releases, the next
// revision number, which old revisions a history limit lets go, and the revision `kubectl rollout
// undo` returns to.
import type { KObject, LabelSelector, OwnerReference, PodTemplateSpec } from '../../lib/api/types';
import { claimByControllerRef, type Claim, type ClaimRules } from '../common/controller-ref';
import { canonicalJson, deepCopy } from '../common/pod-utils';

/** The label carrying a revision's hash, on the revision and on the pods made from it. */
export const REVISION_HASH_LABEL = 'controller-revision-hash';
/** kubectl shows this annotation of a revision as its CHANGE-CAUSE. */
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

export interface ControllerRevision extends KObject {
  data?: unknown;
  revision: number;
}

/** A workload that keeps ControllerRevisions of its pod template (DaemonSet, StatefulSet). */
export interface RevisionOwner extends KObject {
  spec: { selector?: LabelSelector; template: PodTemplateSpec };
  status?: { collisionCount?: number };
}

/**
 * The data of the revision an owner's template becomes: a strategic merge patch that replaces
 * spec.template wholesale, which is also what `kubectl rollout undo` sends back to the owner.
 */
export function templatePatch(owner: RevisionOwner): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...deepCopy(owner.spec.template ?? {}), $patch: 'replace' } } };
}

/** The template a revision restores (its patch without the directive). */
export function templateOfRevision(r: ControllerRevision): PodTemplateSpec | undefined {
  const t = (r.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t || typeof t !== 'object') return undefined;
  const { $patch: _directive, ...rest } = t;
  return rest as unknown as PodTemplateSpec;
}

/** Upstream's EqualRevision: the same data (hash labels are never numbers, so only data decides). */
export const equalRevision = (a: ControllerRevision, b: ControllerRevision): boolean => canonicalJson(a.data) === canonicalJson(b.data);

export const findEqualRevisions = (revisions: ControllerRevision[], needle: ControllerRevision): ControllerRevision[] =>
  revisions.filter((r) => equalRevision(r, needle));

/** True when the revision holds exactly the owner's current template. */
export const revisionMatches = (owner: RevisionOwner, r: ControllerRevision): boolean => canonicalJson(r.data) === canonicalJson(templatePatch(owner));

export interface NewRevision {
  owner: RevisionOwner;
  ownerApiVersion: string;
  ownerKind: string;
  data: unknown;
  revision: number;
  hash: string;
  name: string;
  /** Copied onto the revision (upstream DaemonSets copy their own annotations: the change-cause). */
  annotations?: Record<string, string>;
}

/** A revision object ready to create: the template's labels plus the hash label, owned by the owner. */
export function newRevision(n: NewRevision): ControllerRevision {
  const ref: OwnerReference = {
    apiVersion: n.ownerApiVersion,
    kind: n.ownerKind,
    name: n.owner.metadata.name!,
    uid: n.owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: n.name,
      namespace: n.owner.metadata.namespace,
      labels: { ...(n.owner.spec.template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: n.hash },
      ...(n.annotations && Object.keys(n.annotations).length ? { annotations: { ...n.annotations } } : {}),
      ownerReferences: [ref],
    },
    data: n.data,
    revision: n.revision,
  };
}

export type RevisionClaim = Claim<ControllerRevision>;

/** Revisions being deleted are neither adopted nor released. */
const REVISION_CLAIM_RULES: ClaimRules<ControllerRevision> = { adoptable: (r) => !r.metadata.deletionTimestamp, releasable: (r) => !r.metadata.deletionTimestamp };

/** ClaimControllerRevisions: by controller reference UID, adopting and releasing by selector (an owner without one adopts nothing). */
export const claimRevisions = (owner: RevisionOwner, revisions: ControllerRevision[]): RevisionClaim =>
  claimByControllerRef(owner, owner.spec.selector, revisions, REVISION_CLAIM_RULES);

const created = (r: ControllerRevision) => Date.parse(r.metadata.creationTimestamp ?? '') || 0;

/** Ascending by revision, then creation time, then name (upstream's byRevision order). */
export function sortRevisions(revisions: ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort(
    (a, b) => (a.revision ?? 0) - (b.revision ?? 0) || created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0),
  );
}

export const maxRevision = (revisions: ControllerRevision[]): number => revisions.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);

/** One more than the highest revision; 1 for an owner without history. */
export const nextRevision = (revisions: ControllerRevision[]): number => maxRevision(revisions) + 1;

export interface HistoryLimit {
  /** revisionHistoryLimit: how many old revisions to keep. */
  limit: number;
  /** A revision still in use (a live pod's or the owner's current/update revision) is never deleted. */
  isLive: (r: ControllerRevision) => boolean;
  /**
   * DaemonSets count live old revisions against the limit (but skip deleting them); StatefulSets
   * leave them out of the count. Both as upstream.
   */
  liveCountsAgainstLimit: boolean;
}

/** The old revisions to delete, oldest first, so that at most `limit` remain besides the live ones. */
export function revisionsToDelete(old: ControllerRevision[], h: HistoryLimit): ControllerRevision[] {
  const sorted = sortRevisions(old);
  const candidates = sorted.filter((r) => !h.isLive(r));
  const excess = (h.liveCountsAgainstLimit ? sorted.length : candidates.length) - Math.max(0, h.limit);
  return excess > 0 ? candidates.slice(0, excess) : [];
}

export class RollbackError extends Error {
  constructor(readonly code: 'NO_LAST_REVISION' | 'REVISION_NOT_FOUND', message: string) {
    super(message);
    this.name = 'RollbackError';
  }
}

/**
 * The revision `kubectl rollout undo --to-revision=N` restores: N itself, or for 0 the one before
 * the newest. Wording as kubectl's errors.
 */
export function rollbackTarget(revisions: ControllerRevision[], toRevision = 0): ControllerRevision {
  if (toRevision < 0) throw new RollbackError('REVISION_NOT_FOUND', `unable to find specified revision ${toRevision} in history`);
  if (toRevision === 0) {
    if (revisions.length <= 1) throw new RollbackError('NO_LAST_REVISION', 'no last revision to roll back to');
    const sorted = sortRevisions(revisions);
    return sorted[sorted.length - 2];
  }
  const found = revisions.find((r) => r.revision === toRevision);
  if (!found) throw new RollbackError('REVISION_NOT_FOUND', `unable to find specified revision ${toRevision} in history`);
  return found;
}
