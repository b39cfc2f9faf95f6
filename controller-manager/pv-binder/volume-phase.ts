// Pure decisions about a PersistentVolume's own phase, as upstream's PV controller takes them: a
// new unclaimed volume is Available; a volume whose claim is gone (deleted, or replaced by another
// claim of the same name) is Released, which is what a provisioner's deleter waits for when the
// reclaim policy is Delete. Claims waiting for their first consumer are left to the scheduler.
import type { KObject } from '../../lib/api/types';
import { SELECTED_NODE_ANNOTATION, type StorageClass } from '../../lib/api/storage';
import type { PV, PVC } from './match';

export type ClaimLookup = (namespace: string, name: string) => PVC | undefined;

/** The phase the volume should have, or undefined when it is right as it is. */
export function volumePhase(pv: PV, claimOf: ClaimLookup): 'Available' | 'Released' | undefined {
  if (pv.metadata.deletionTimestamp) return undefined;
  const phase = pv.status?.phase;
  const ref = pv.spec.claimRef;
  if (!ref?.name || !ref.uid) return !ref && (phase === 'Pending' || !phase) ? 'Available' : undefined;
  if (phase === 'Released' || phase === 'Failed') return undefined;
  const claim = claimOf(ref.namespace ?? '', ref.name);
  if (!claim || claim.metadata.uid !== ref.uid) return 'Released';
  return undefined;
}

/** Whether the claim's class binds WaitForFirstConsumer (static volumes are then chosen by the scheduler). */
export function delayBinding(claim: PVC, classOf: (name: string) => StorageClass | undefined): boolean {
  const cls = claim.spec.storageClassName ? classOf(claim.spec.storageClassName) : undefined;
  return cls?.volumeBindingMode === 'WaitForFirstConsumer';
}

/**
 * Whether binding of the claim waits for a pod to be scheduled: its class binds
 * WaitForFirstConsumer and the scheduler has not chosen a node yet.
 */
export function waitsForFirstConsumer(claim: PVC, classOf: (name: string) => StorageClass | undefined): boolean {
  if (claim.spec.volumeName) return false;
  const cls = claim.spec.storageClassName ? classOf(claim.spec.storageClassName) : undefined;
  return cls?.volumeBindingMode === 'WaitForFirstConsumer' && !claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
}

export const classNamed = (classes: { list(): KObject[] }) => (name: string) => classes.list().find((c) => c.metadata.name === name) as StorageClass | undefined;
