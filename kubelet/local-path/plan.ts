// The pure side of the node-local provisioner: which claims this node provisions (those of a
// local-path class the scheduler selected this node for), the PersistentVolume each gets, and
// which released volumes' directories this node reclaims. The provisioner runs in the kubelet
// because the node owns the disk: only its kubelet knows its state directory and can create and
// remove directories in it (k3s' local-path-provisioner reaches the node through helper pods for
// the same reason).
import * as path from 'node:path';
import type { KObject, Pod } from '../../lib/api/types';
import {
  LOCAL_PATH_PROVISIONER,
  PROVISIONED_BY_ANNOTATION,
  SELECTED_NODE_ANNOTATION,
  type StorageClass,
} from '../../lib/api/storage';

/** The node whose directory backs a provisioned volume (the node affinity says the same). */
export const LOCAL_PATH_NODE_ANNOTATION = 'k8ts.io/local-path-node';

export interface Claim extends KObject {
  spec: { accessModes?: string[]; resources?: { requests?: Record<string, string> }; storageClassName?: string | null; volumeName?: string; volumeMode?: string };
  status?: { phase?: string };
}

export interface Volume extends KObject {
  spec: {
    capacity?: Record<string, string>;
    hostPath?: { path: string; type?: string };
    persistentVolumeReclaimPolicy?: string;
    claimRef?: { apiVersion?: string; kind?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
    [k: string]: unknown;
  };
  status?: { phase?: string };
}

export const volumeNameFor = (claim: Claim) => `pvc-${claim.metadata.uid}`;

/** k3s' directory naming, so a directory says which claim it was for: pvc-<uid>_<namespace>_<name>. */
export const directoryFor = (baseDir: string, claim: Claim) => path.join(baseDir, `${volumeNameFor(claim)}_${claim.metadata.namespace}_${claim.metadata.name}`);

/** Whether this node must provision a volume for the claim now. */
export function needsVolume(claim: Claim, cls: StorageClass | undefined, nodeName: string, volumes: Volume[]): boolean {
  if (claim.metadata.deletionTimestamp || claim.spec.volumeName || claim.status?.phase === 'Bound') return false;
  if (!cls || cls.provisioner !== LOCAL_PATH_PROVISIONER) return false;
  if (claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] !== nodeName) return false;
  if ((claim.spec.volumeMode ?? 'Filesystem') !== 'Filesystem') return false;
  return !volumes.some((v) => v.metadata.name === volumeNameFor(claim));
}

/** The volume for the claim: a hostPath directory under baseDir, on this node only, pre-bound to the claim. */
export function volumeFor(claim: Claim, cls: StorageClass, nodeName: string, hostnameLabel: string, baseDir: string): Volume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeNameFor(claim),
      annotations: { [PROVISIONED_BY_ANNOTATION]: LOCAL_PATH_PROVISIONER, [LOCAL_PATH_NODE_ANNOTATION]: nodeName },
    },
    spec: {
      capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
      accessModes: claim.spec.accessModes?.length ? claim.spec.accessModes : ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
      storageClassName: cls.metadata.name,
      volumeMode: 'Filesystem',
      ...(cls.mountOptions?.length ? { mountOptions: cls.mountOptions } : {}),
      hostPath: { path: directoryFor(baseDir, claim), type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [hostnameLabel] }] }] } },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
        resourceVersion: claim.metadata.resourceVersion,
      },
    },
  };
}

export type Reclaim = { volume: Volume; dir: string } | { volume: Volume; refuse: string };

/** Claims (namespace/name) that a pod on this node still mounts and that is not finished. */
export function claimsInUse(pods: Pod[]): Set<string> {
  const out = new Set<string>();
  for (const p of pods) {
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    for (const v of (p.spec.volumes ?? []) as { persistentVolumeClaim?: { claimName?: string } }[])
      if (v.persistentVolumeClaim?.claimName) out.add(`${p.metadata.namespace}/${v.persistentVolumeClaim.claimName}`);
  }
  return out;
}

/**
 * What to reclaim: released volumes of this provisioner on this node whose policy is Delete and
 * whose directory no running pod here still mounts. A directory outside baseDir is never removed
 * (the volume says so instead): the kubelet deletes only what a provisioner of its own made.
 */
export function reclaimPlan(volumes: Volume[], nodeName: string, baseDir: string, inUse: Set<string>): Reclaim[] {
  const out: Reclaim[] = [];
  for (const v of volumes) {
    const a = v.metadata.annotations ?? {};
    if (a[PROVISIONED_BY_ANNOTATION] !== LOCAL_PATH_PROVISIONER || a[LOCAL_PATH_NODE_ANNOTATION] !== nodeName) continue;
    if (v.status?.phase !== 'Released' || v.spec.persistentVolumeReclaimPolicy !== 'Delete' || v.metadata.deletionTimestamp) continue;
    const ref = v.spec.claimRef;
    if (ref && inUse.has(`${ref.namespace}/${ref.name}`)) continue;
    const dir = v.spec.hostPath?.path ?? '';
    const rel = path.relative(baseDir, dir);
    if (!dir || !path.isAbsolute(dir) || rel === '' || rel.startsWith('..') || rel.includes(path.sep)) out.push({ volume: v, refuse: `path ${JSON.stringify(dir)} is not a directory of this node's local-path dir ${baseDir}` });
    else out.push({ volume: v, dir });
  }
  return out;
}
