// storage.k8s.io/v1 StorageClass (cluster-scoped): the provisioner and policies that dynamic
// provisioning gives a claim's volume. Upstream's defaults (reclaimPolicy Delete, volumeBindingMode
// Immediate), rules (qualified provisioner name, the two reclaim policies, the two binding modes,
// the fields fixed after creation) and kubectl's columns, with "(default)" after the default class.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN, jsonEqual } from './common';
import { kindSchema, Str, Bool, StrMap, opt, obj, list } from './schemas';
import { forbidden, immutable, invalid, notSupported, qualifiedName, required, tooLong, type FieldError } from './validation';

type SC = KObject & {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  mountOptions?: string[];
  allowVolumeExpansion?: boolean;
  volumeBindingMode?: string;
  allowedTopologies?: unknown[];
};

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** Whether the class is marked default (the GA or the beta annotation, "true" only, as upstream). */
export function isDefaultClass(o: KObject): boolean {
  const a = o.metadata.annotations ?? {};
  return a[DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

const RECLAIM = ['Delete', 'Retain'];
const BINDING = ['Immediate', 'WaitForFirstConsumer'];
/** Upstream's bound on the parameters' total size (keys and values), 256 KiB. */
const MAX_PARAMETERS_BYTES = 256 * 1024;
const MAX_PARAMETERS = 512;

function validateStorageClass(o: KObject): FieldError[] {
  const sc = o as SC;
  const errs: FieldError[] = [];
  if (!sc.provisioner) errs.push(required('provisioner'));
  else errs.push(...qualifiedName('provisioner', sc.provisioner.toLowerCase()));
  const params = sc.parameters ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(params)) {
    if (!k) errs.push(invalid('parameters', k, 'field can not be empty.'));
    size += k.length + String(v).length;
  }
  if (Object.keys(params).length > MAX_PARAMETERS) errs.push(invalid('parameters', Object.keys(params).length, `must have at most ${MAX_PARAMETERS} parameters`));
  if (size > MAX_PARAMETERS_BYTES) errs.push(tooLong('parameters', MAX_PARAMETERS_BYTES));
  if (sc.reclaimPolicy !== undefined && !RECLAIM.includes(sc.reclaimPolicy)) errs.push(notSupported('reclaimPolicy', sc.reclaimPolicy, RECLAIM));
  if (!sc.volumeBindingMode) errs.push(required('volumeBindingMode'));
  else if (!BINDING.includes(sc.volumeBindingMode)) errs.push(notSupported('volumeBindingMode', sc.volumeBindingMode, BINDING));
  return errs;
}

function validateStorageClassUpdate(o: KObject, old: KObject): FieldError[] {
  const a = old as SC;
  const b = o as SC;
  const errs: FieldError[] = [];
  if (!jsonEqual(a.parameters ?? {}, b.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (a.provisioner !== b.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (a.reclaimPolicy !== b.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (a.volumeBindingMode !== b.volumeBindingMode) errs.push(immutable('volumeBindingMode', b.volumeBindingMode));
  return errs;
}

const TopologySelectorTerm = obj(
  {
    matchLabelExpressions: opt(
      list(obj({ key: opt(Str, 'The label key that the selector applies to.'), values: opt(list(Str), 'An array of string values; one must match the label.') }, 'A topology selector requirement.')),
      'A list of topology selector requirements by labels.',
    ),
  },
  'A topology term: the requirements are ANDed.',
);

export const storageclasses = defineResource({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  resource: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  schema: kindSchema(
    {
      provisioner: opt(Str, 'The name of the volume plugin (provisioner) that provisions volumes of this class. Required.'),
      parameters: opt(StrMap, 'Parameters for the provisioner that should create volumes of this storage class.'),
      reclaimPolicy: opt(Str, 'The reclaim policy of dynamically provisioned PersistentVolumes: Delete (default) or Retain.'),
      mountOptions: opt(list(Str), 'Mount options of dynamically provisioned PersistentVolumes, e.g. ["ro", "soft"]; not validated.'),
      allowVolumeExpansion: opt(Bool, 'Whether the storage class allows volume expansion.'),
      volumeBindingMode: opt(Str, 'When claims are provisioned and bound: Immediate (default) or WaitForFirstConsumer (once a pod using the claim is scheduled).'),
      allowedTopologies: opt(list(TopologySelectorTerm), 'Restricts the node topologies where volumes can be dynamically provisioned.'),
    },
    'StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Provisioner', 'string', 'Indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'string', 'Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy.'),
    col('VolumeBindingMode', 'string', 'Indicates how PersistentVolumeClaims should be provisioned and bound.'),
    col('AllowVolumeExpansion', 'string', 'Shows whether the storage class allow volume expand.'),
    AGE_COLUMN,
  ],
  printRow: (o) => {
    const sc = o as SC;
    return [
      isDefaultClass(sc) ? `${sc.metadata.name} (default)` : sc.metadata.name,
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      String(sc.allowVolumeExpansion ?? false),
      objAge(sc),
    ];
  },
  defaults: (o) => {
    const sc = o as SC;
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
});
