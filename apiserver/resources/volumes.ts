// core/v1 PersistentVolume (cluster-scoped) and PersistentVolumeClaim: defaults, the rules on
// capacity, access modes and volume sources, claim immutability, and kubectl's columns.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN, jsonEqual } from './common';
import { kindSchema, Str, Time, opt, obj, list, opaque, ResourceList, ObjectReference, NodeSelector, PersistentVolumeClaimSpec, PersistentVolumeClaimStatus } from './schemas';
import { HostPathVolumeSource, LEGACY_SOURCES, NFSVolumeSource } from './volume-schema';
import { forbidden, invalid, required, type FieldError } from './validation';
import { claimSpec, claimStatus, volumeSpecRules } from './validation-claims';
import { noBacksteps } from './validation-volumes';

type Obj = Record<string, any>;
type V = KObject & { spec?: Obj; status?: Obj };

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
// Fields of a PV spec that are not its volume source.
const PV_NON_SOURCE = new Set(['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'volumeMode', 'nodeAffinity', 'volumeAttributesClassName']);

/** kubectl's "RWO,ROX" short form, in the fixed order kubectl uses. */
export function accessModesShort(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  return Object.keys(ACCESS_MODES).filter((m) => list.includes(m)).map((m) => ACCESS_MODES[m]).join(',');
}

function validatePv(o: KObject): FieldError[] {
  const spec = (o as V).spec;
  if (!spec) return [required('spec')];
  const errs = volumeSpecRules(spec);
  const sources = Object.keys(spec).filter((k) => !PV_NON_SOURCE.has(k) && spec[k] && typeof spec[k] === 'object');
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  if (sources.length > 1) errs.push(forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath) {
    if (!spec.hostPath.path) errs.push(required('spec.hostPath.path'));
    else errs.push(...noBacksteps(String(spec.hostPath.path), 'spec.hostPath.path'));
  }
  if (spec.local) {
    if (!spec.local.path) errs.push(required('spec.local.path'));
    else errs.push(...noBacksteps(String(spec.local.path), 'spec.local.path'));
  }
  if (spec.nfs) {
    if (!spec.nfs.server) errs.push(required('spec.nfs.server'));
    if (!spec.nfs.path) errs.push(required('spec.nfs.path'));
    if (!String(spec.nfs.path ?? '').startsWith('/')) errs.push(invalid('spec.nfs.path', String(spec.nfs.path ?? ''), 'must be an absolute path'));
  }
  return errs;
}

const PersistentVolumeSpec = obj(
  {
    capacity: opt(ResourceList, "A description of the persistent volume's resources and capacity."),
    accessModes: opt(list(Str), 'The ways the volume can be mounted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.'),
    claimRef: opt(ObjectReference, 'Part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    persistentVolumeReclaimPolicy: opt(Str, 'What happens to the volume when released from its claim: Retain (default), Delete or Recycle.'),
    storageClassName: opt(Str, 'The name of the StorageClass this volume belongs to.'),
    mountOptions: opt(list(Str), 'Mount options, e.g. ["ro", "soft"]; not validated.'),
    volumeMode: opt(Str, 'Whether the volume is used with a formatted filesystem or as a raw block device. Defaults to Filesystem.'),
    nodeAffinity: opt(obj({ required: opt(NodeSelector, 'The nodes this volume can be accessed from.') }, 'The constraints that limit what nodes this volume can be accessed from.'), 'The nodes this volume can be accessed from.'),
    volumeAttributesClassName: opt(Str, 'The VolumeAttributesClass this volume belongs to.'),
    hostPath: opt(HostPathVolumeSource, 'A directory on the host, for single-node testing only.'),
    local: opt(
      obj({ path: opt(Str, 'The full path to the volume on the node: a directory or a block device.'), fsType: opt(Str, 'The filesystem type to mount, for block devices.') }, 'Directly-attached storage with node affinity.'),
      'Directly-attached storage with node affinity.',
    ),
    nfs: opt(NFSVolumeSource, 'An NFS mount on the host.'),
    csi: opt(opaque('Storage handled by an external CSI driver (fields kept as sent).')),
    ...Object.fromEntries(LEGACY_SOURCES.map((n) => [n, opt(opaque(`The ${n} volume source (not implemented by k8ts; fields kept as sent).`))])),
  },
  'The specification of a persistent volume.',
);

export const persistentvolumes = defineResource({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  subresources: ['status'],
  hasStatus: true,
  schema: kindSchema(
    {
      spec: PersistentVolumeSpec,
      status: obj(
        {
          phase: opt(Str, 'The current phase of the volume: Pending, Available, Bound, Released or Failed.'),
          message: opt(Str, 'A human-readable message indicating details about why the volume is in this state.'),
          reason: opt(Str, 'A brief CamelCase string that describes any failure.'),
          lastPhaseTransitionTime: opt(Time, 'The time the phase last changed.'),
        },
        'The current status of a persistent volume.',
      ),
    },
    'PersistentVolume (PV) is a storage resource provisioned by an administrator.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Capacity', 'string', "The persistent volume's resources and capacity."),
    col('Access Modes', 'string', 'All ways the volume can be mounted.'),
    col('Reclaim Policy', 'string', 'What happens to a persistent volume when released from its claim.'),
    col('Status', 'string', 'Phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col('Claim', 'string', 'The claim bound to this volume.'),
    col('StorageClass', 'string', 'The name of StorageClass to which this persistent volume belongs.'),
    col('VolumeAttributesClass', 'string', 'The VolumeAttributesClass to which this persistent volume belongs.'),
    col('Reason', 'string', 'A brief CamelCase string that describes any failure.'),
    AGE_COLUMN,
    col('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.', 1),
  ],
  printRow: (o) => {
    const v = o as V;
    const c = v.spec?.claimRef;
    return [
      v.metadata.name,
      String(v.spec?.capacity?.storage ?? ''),
      accessModesShort(v.spec?.accessModes),
      v.spec?.persistentVolumeReclaimPolicy ?? '',
      v.metadata.deletionTimestamp ? 'Terminating' : v.status?.phase ?? '',
      c?.name ? `${c.namespace ?? ''}/${c.name}` : '',
      v.spec?.storageClassName ?? '',
      v.spec?.volumeAttributesClassName ?? '<unset>',
      v.status?.reason ?? '',
      objAge(v),
      v.spec?.volumeMode ?? '<unset>',
    ];
  },
  fieldSelectors: { 'status.phase': (o) => (o as V).status?.phase ?? '' },
  defaults: (o) => {
    const spec = (o as V).spec;
    if (!spec) return;
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
  },
  prepareForCreate: (o) => {
    (o as V).status = { phase: 'Pending' };
  },
  validate: validatePv,
});

function validatePvc(o: KObject): FieldError[] {
  const spec = (o as V).spec;
  if (!spec) return [required('spec')];
  return claimSpec(spec, 'spec');
}

function validatePvcUpdate(o: KObject, old: KObject): FieldError[] {
  const a = { ...((old as V).spec ?? {}) };
  const b = { ...((o as V).spec ?? {}) };
  // Requests may grow (expansion) and a claim may be bound to a volume once; nothing else changes.
  for (const s of [a, b]) delete s.resources;
  if (!a.volumeName) delete b.volumeName;
  delete a.volumeAttributesClassName;
  delete b.volumeAttributesClassName;
  return jsonEqual(a, b) ? [] : [forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
}

export const persistentvolumeclaims = defineResource({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  resource: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  subresources: ['status'],
  hasStatus: true,
  schema: kindSchema(
    {
      spec: PersistentVolumeClaimSpec,
      status: PersistentVolumeClaimStatus,
    },
    "PersistentVolumeClaim is a user's request for and claim to a persistent volume.",
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Status', 'string', 'Phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'string', 'VolumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'string', 'The actual resources of the underlying volume.'),
    col('Access Modes', 'string', 'The actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'string', 'The name of the StorageClass required by the claim.'),
    col('VolumeAttributesClass', 'string', 'The VolumeAttributesClass the claim uses.'),
    AGE_COLUMN,
    col('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.', 1),
  ],
  printRow: (o) => {
    const v = o as V;
    const bound = !!v.spec?.volumeName;
    return [
      v.metadata.name,
      v.metadata.deletionTimestamp ? 'Terminating' : v.status?.phase ?? '',
      v.spec?.volumeName ?? '',
      bound ? String(v.status?.capacity?.storage ?? '') : '',
      bound ? accessModesShort(v.status?.accessModes) : '',
      v.spec?.storageClassName ?? '',
      v.spec?.volumeAttributesClassName ?? '<unset>',
      objAge(v),
      v.spec?.volumeMode ?? '<unset>',
    ];
  },
  defaults: (o) => {
    const spec = (o as V).spec;
    if (spec) spec.volumeMode ??= 'Filesystem';
  },
  prepareForCreate: (o) => {
    (o as V).status = { phase: 'Pending' };
  },
  validate: validatePvc,
  validateStatus: (o) => claimStatus((o as V).status),
  validateUpdate: validatePvcUpdate,
});
