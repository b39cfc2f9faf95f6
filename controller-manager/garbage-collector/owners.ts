// Pure ownership decisions of the garbage collector, as upstream's attemptToDeleteItem and its
// helpers make them. The controller gathers the facts (each owner reference classified against
// the cache and a live read), this decides, and the controller carries the answer out.
import type { KObject, OwnerReference } from '../../lib/api/types';
import type { ServedResource } from '../../lib/client/api-client';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/**
 * One owner reference, classified:
 * - solid: the owner exists (uid matches) and is not waiting in a foreground deletion;
 * - dangling: no object of that kind, name and uid in the dependent's namespace (or cluster-wide);
 * - waiting: the owner is being deleted in foreground (deletionTimestamp + foregroundDeletion);
 * - invalidNamespace: a cluster-scoped dependent names a namespaced kind: nowhere to look;
 * - unresolvable: the kind is not served (yet): retried, never guessed.
 */
export type OwnerState = 'solid' | 'dangling' | 'waiting' | 'invalidNamespace' | 'unresolvable';

export type DependentAction =
  | { action: 'none' }
  /** Delete with this propagation policy; `unblock` first clears blockOwnerDeletion (cycle guard). */
  | { action: 'delete'; policy: 'Background' | 'Foreground' | 'Orphan'; unblock?: boolean }
  /** Some owners are solid: keep the object, drop the references to owners gone or waiting. */
  | { action: 'dropRefs'; ownerReferences: OwnerReference[] }
  /** A reference can never be resolved from here: say so on the object and leave it. */
  | { action: 'invalidNamespace'; refs: OwnerReference[] }
  /** A reference's kind is unknown for now: try again later. */
  | { action: 'retry'; refs: OwnerReference[] };

export const hasFinalizer = (o: KObject, f: string) => (o.metadata.finalizers ?? []).includes(f);
export const isDeletingDependents = (o: KObject) => !!o.metadata.deletionTimestamp && hasFinalizer(o, FOREGROUND_FINALIZER);

export interface DependentFacts {
  obj: KObject;
  /** State of each owner reference, by uid. */
  owners: ReadonlyMap<string, OwnerState>;
  /** The object has dependents of its own in the caches. */
  hasDependents: boolean;
  /** One of its dependents is itself deleting its dependents (a possible ownership cycle). */
  dependentDeletingDependents?: boolean;
}

/** What to do with an object that is not being deleted itself, given its owners' states. */
export function planDependent(f: DependentFacts): DependentAction {
  const refs = f.obj.metadata.ownerReferences ?? [];
  if (refs.length === 0 || f.obj.metadata.deletionTimestamp) return { action: 'none' };
  const by = (s: OwnerState) => refs.filter((r) => f.owners.get(r.uid) === s);
  // Upstream stops at the first reference it cannot resolve: nothing is decided on half the facts.
  const unresolvable = by('unresolvable');
  if (unresolvable.length) return { action: 'retry', refs: unresolvable };
  const invalid = by('invalidNamespace');
  if (invalid.length) return { action: 'invalidNamespace', refs: invalid };
  const solid = refs.filter((r) => (f.owners.get(r.uid) ?? 'solid') === 'solid');
  const dangling = by('dangling');
  const waiting = by('waiting');
  if (solid.length) {
    if (!dangling.length && !waiting.length) return { action: 'none' };
    // A waiting owner must lose its reference, or its foreground deletion would wait for an
    // object that another owner keeps alive.
    return { action: 'dropRefs', ownerReferences: solid };
  }
  if (waiting.length && f.hasDependents) {
    // The owner waits for this one, and this one has dependents: it goes in foreground too, so
    // the chain unwinds bottom-up.
    return { action: 'delete', policy: 'Foreground', ...(f.dependentDeletingDependents ? { unblock: true } : {}) };
  }
  // No owner is left: collect it, honouring a deletion mode already asked for on it.
  const policy = hasFinalizer(f.obj, ORPHAN_FINALIZER) ? 'Orphan' : hasFinalizer(f.obj, FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
  return { action: 'delete', policy };
}

/** The owner references of a dependent with one owner removed (orphaning). */
export function withoutOwner(obj: KObject, ownerUid: string): OwnerReference[] {
  return (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
}

/** The references with blockOwnerDeletion cleared (upstream's cycle guard before a foreground delete). */
export function unblocked(obj: KObject): OwnerReference[] {
  return (obj.metadata.ownerReferences ?? []).map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r));
}

/** Dependents that block a foreground deletion of the owner: blockOwnerDeletion=true refs to it. */
export function blockingDependents(ownerUid: string, dependents: KObject[]): KObject[] {
  return dependents.filter((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true));
}

/** What an owner being deleted needs: orphan its dependents, or wait for / release them. */
export type OwnerAction =
  | { action: 'none' }
  | { action: 'orphan' }
  /** Foreground: dependents are sent to be collected; the finalizer goes once none blocks. */
  | { action: 'foreground'; blocking: number };

export function planDeletingOwner(owner: KObject, dependents: KObject[]): OwnerAction {
  if (!owner.metadata.deletionTimestamp) return { action: 'none' };
  if (hasFinalizer(owner, ORPHAN_FINALIZER)) return { action: 'orphan' };
  if (hasFinalizer(owner, FOREGROUND_FINALIZER)) return { action: 'foreground', blocking: blockingDependents(owner.metadata.uid!, dependents).length };
  return { action: 'none' };
}

/**
 * The served resources the collector watches: every kind that can be listed, watched and
 * deleted, as upstream's GetDeletableResources, without events (upstream ignores them too: they
 * are many, short-lived and never own anything).
 */
const IGNORED = new Set(['v1|events', 'events.k8s.io/v1|events']);
export function collectableResources(served: ServedResource[]): ServedResource[] {
  return served.filter((r) => !r.resource.includes('/') && !IGNORED.has(`${r.apiVersion}|${r.resource}`) && ['list', 'watch', 'delete'].every((v) => r.verbs.includes(v)));
}

/** The warning upstream records on a dependent whose owner reference cannot be in its namespace. */
export function invalidNamespaceMessage(ref: OwnerReference, dependentNamespace: string | undefined): string {
  return `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: ${dependentNamespace ?? ''}, name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace "${dependentNamespace ?? ''}"`;
}
