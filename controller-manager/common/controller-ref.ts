// Upstream's ControllerRefManager as a pure decision: which objects an owner controls, which
// matching orphans it adopts (by adding its controller reference) and which of its own it releases
// because their labels no longer match its selector. The caller applies the adoptions and
// releases; the rules say which objects may be adopted or released, since controllers differ
// there (a ReplicaSet adopts only active pods, a Job also finished ones, to count them).
import type { KObject, LabelSelector, Pod } from '../../lib/api/types';
import { selectorMatches } from '../../lib/api/labels';
import { controllerRefOf, isPodActive } from './pod-utils';

export interface Claim<T> {
  /** Objects this owner controls that still match (adopted ones not included). */
  owned: T[];
  /** Orphans that match the selector: adopt by adding our controller reference. */
  adopt: T[];
  /** Objects we control that no longer match: release by removing our reference. */
  release: T[];
}

export interface ClaimRules<T> {
  /** A matching orphan may be adopted (the owner is never being deleted here). */
  adoptable: (o: T) => boolean;
  /** An owned object that stopped matching may be released. */
  releasable: (o: T) => boolean;
}

export interface SelectorOwner extends KObject {
  spec: { selector?: LabelSelector };
}

/** ClaimObjects: by controller reference uid, adopting and releasing by selector (same namespace only). */
export function claimByControllerRef<T extends KObject>(owner: KObject, selector: LabelSelector | undefined, objects: T[], rules: ClaimRules<T>): Claim<T> {
  const out: Claim<T> = { owned: [], adopt: [], release: [] };
  const uid = owner.metadata.uid;
  for (const o of objects) {
    if (o.metadata.namespace !== owner.metadata.namespace) continue;
    const ref = controllerRefOf(o);
    const matches = selectorMatches(selector, o.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) out.owned.push(o);
      else if (rules.releasable(o)) out.release.push(o);
      continue;
    }
    // Never adopt for an owner that is itself being deleted.
    if (matches && !owner.metadata.deletionTimestamp && rules.adoptable(o)) out.adopt.push(o);
  }
  return out;
}

export type PodClaim = Claim<Pod>;

/** The ReplicaSet's rules: only active pods are adopted; pods on their way out are not released. */
export const REPLICASET_CLAIM_RULES: ClaimRules<Pod> = {
  adoptable: isPodActive,
  releasable: (p) => !p.metadata.deletionTimestamp,
};

/** The ReplicaSet's claim (also used by the StatefulSet before its own member check). */
export const claimPods = (owner: SelectorOwner, pods: Pod[]): PodClaim => claimByControllerRef(owner, owner.spec.selector, pods, REPLICASET_CLAIM_RULES);
