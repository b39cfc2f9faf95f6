// Pure ownership decisions of the garbage collector.
import type { KObject, OwnerReference } from '../../lib/api/types';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type OwnerState = 'exists' | 'absent' | 'unknown';

export type DependentAction =
  | { action: 'none' }
  | { action: 'delete' }
  /** Some owners are gone: keep the object, drop the dangling references. */
  | { action: 'dropRefs'; ownerReferences: OwnerReference[] };

/** What to do with an object given the state of each of its owners. Unknown owners count as alive. */
export function planDependent(obj: KObject, states: Map<string, OwnerState>): DependentAction {
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0 || obj.metadata.deletionTimestamp) return { action: 'none' };
  const absent = refs.filter((r) => states.get(r.uid) === 'absent');
  if (absent.length === 0) return { action: 'none' };
  if (absent.length === refs.length) return { action: 'delete' };
  return { action: 'dropRefs', ownerReferences: refs.filter((r) => states.get(r.uid) !== 'absent') };
}

/** The owner references of a dependent with one owner removed (orphaning). */
export function withoutOwner(obj: KObject, ownerUid: string): OwnerReference[] {
  return (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
}

/** Dependents that block a foreground deletion of the owner: blockOwnerDeletion=true refs to it. */
export function blockingDependents(ownerUid: string, dependents: KObject[]): KObject[] {
  return dependents.filter((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true));
}

export const hasFinalizer = (o: KObject, f: string) => (o.metadata.finalizers ?? []).includes(f);
