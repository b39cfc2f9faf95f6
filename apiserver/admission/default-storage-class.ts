// DefaultStorageClass admission, as upstream's plugin: a PersistentVolumeClaim created without a
// storage class (the field absent or null, not "") gets the default class's name. When several
// classes are marked default, the newest wins (name order breaks ties), as kube-apiserver does
// since 1.26 so that a new default can be introduced before the old mark is removed.
import type { KObject } from '../../lib/api/types';
import { isDefaultClass } from '../resources/storage-classes';

/** The beta annotation that names a claim's class; a claim carrying it is left alone. */
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The default class among these, or undefined. Pure. */
export function pickDefaultClass(classes: KObject[]): KObject | undefined {
  const ts = (o: KObject) => Date.parse(o.metadata.creationTimestamp ?? '') || 0;
  return classes
    .filter(isDefaultClass)
    .sort((a, b) => ts(b) - ts(a) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0))[0];
}

/** Sets spec.storageClassName in place when the claim names no class and a default exists. */
export function admitDefaultStorageClass(claim: KObject, classes: KObject[]): void {
  const spec = (claim as { spec?: { storageClassName?: string | null } }).spec;
  if (!spec || typeof spec !== 'object') return;
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (claim.metadata.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return;
  const def = pickDefaultClass(classes);
  if (def) spec.storageClassName = def.metadata.name;
}
