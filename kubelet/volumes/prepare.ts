// Volume setup: prepareVolumes() makes every volume of a pod exist on the host and
// returns where each one is, for the container configs to bind-mount; cleanupVolumes() removes
// them (unmounting tmpfs first) when the pod is gone. Re-running prepareVolumes is the resync:
// configMap/secret/downwardAPI contents are rewritten in place only when they changed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KObject, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { bytesOf } from '../../lib/api/quantity';
import type { ApiClient } from '../../lib/client/api-client';
import { isNotFound } from '../../lib/errors';
import { writeAtomically } from './atomic-writer';
import { LOCAL_PATH_PROVISIONER, PROVISIONED_BY_ANNOTATION } from '../../lib/api/storage';
import { prepareHostPath } from './host-path';
import { mountTmpfs, unmountAllUnder } from './mounts';
import { configMapPayload, downwardAPIPayload, secretPayload, type ConfigMapLike, type NodeAllocatable, type SecretLike } from './payload';
import { PLUGIN_DIRS, VolumeSetupError, type VolumeSource } from './types';


export interface VolumeDeps {
  client: ApiClient;
  rootDir: string;
  /** Defaults for resourceFieldRef limits a container leaves unset; the machine's when absent. */
  nodeAllocatable?: NodeAllocatable;
  /** Tests without root skip tmpfs (Memory emptyDir and secrets then live on disk). */
  useTmpfs?: boolean;
}

export interface VolumeMount {
  hostPath: string;
  readOnly: boolean;
}

export interface PreparedVolumes {
  mounts: Map<string, VolumeMount>;
  /** One message per volume that could not be set up; containers using it must not start. */
  errors: string[];
}

export const podDir = (rootDir: string, uid: string) => path.join(rootDir, 'pods', uid);
export const podVolumesDir = (rootDir: string, uid: string) => path.join(podDir(rootDir, uid), 'volumes');
export const volumeDir = (rootDir: string, uid: string, plugin: string, name: string) => path.join(podVolumesDir(rootDir, uid), plugin, name);

function machineAllocatable(): NodeAllocatable {
  return { cpu: String(os.cpus().length), memory: String(os.totalmem()) };
}

async function getOptional<T extends KObject>(client: ApiClient, rt: (typeof Resources)[keyof typeof Resources], ns: string | undefined, name: string): Promise<T | undefined> {
  try {
    return await client.get<T>(rt, ns, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

interface PVLike extends KObject {
  spec: { hostPath?: { path: string; type?: string }; claimRef?: { name?: string; namespace?: string; uid?: string } };
}
interface PVCLike extends KObject {
  spec: { volumeName?: string };
  status?: { phase?: string };
}

/** claim → spec.volumeName → PV.hostPath; an unbound claim is an error (the pod waits for the binder). */
async function resolveClaim(v: VolumeSource, pod: Pod, deps: VolumeDeps): Promise<string> {
  const claimName = v.persistentVolumeClaim!.claimName;
  const pvc = await getOptional<PVCLike>(deps.client, Resources.persistentvolumeclaims, pod.metadata.namespace, claimName);
  if (!pvc) throw new VolumeSetupError(v.name, `persistentvolumeclaim "${claimName}" not found`);
  if (!pvc.spec.volumeName) throw new VolumeSetupError(v.name, `persistentvolumeclaim "${claimName}" is not bound`);
  const pv = await getOptional<PVLike>(deps.client, Resources.persistentvolumes, undefined, pvc.spec.volumeName);
  if (!pv) throw new VolumeSetupError(v.name, `persistentvolume "${pvc.spec.volumeName}" not found`);
  if (!pv.spec.hostPath) throw new VolumeSetupError(v.name, `persistentvolume "${pvc.spec.volumeName}" is not a hostPath volume`);
  // A local-path volume's directory is made at its first mount, writable by any user as k3s'
  // provisioner makes it (containers need not run as root to use their claim).
  if (pv.metadata.annotations?.[PROVISIONED_BY_ANNOTATION] === LOCAL_PATH_PROVISIONER && !fs.existsSync(pv.spec.hostPath.path)) {
    fs.mkdirSync(pv.spec.hostPath.path, { recursive: true });
    fs.chmodSync(pv.spec.hostPath.path, 0o777);
  }
  const err = prepareHostPath(pv.spec.hostPath.path, pv.spec.hostPath.type || 'DirectoryOrCreate');
  if (err) throw new VolumeSetupError(v.name, err);
  return pv.spec.hostPath.path;
}

async function prepareOne(v: VolumeSource, pod: Pod, deps: VolumeDeps): Promise<VolumeMount | undefined> {
  const uid = pod.metadata.uid!;
  const ns = pod.metadata.namespace;
  const tmpfs = deps.useTmpfs ?? true;
  if (v.emptyDir) {
    const dir = volumeDir(deps.rootDir, uid, PLUGIN_DIRS.emptyDir, v.name);
    if (v.emptyDir.medium === 'Memory' && tmpfs) mountTmpfs(dir, v.emptyDir.sizeLimit ? bytesOf(v.emptyDir.sizeLimit) : undefined);
    else fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
    fs.chmodSync(dir, 0o777);
    return { hostPath: dir, readOnly: false };
  }
  if (v.hostPath) {
    const err = prepareHostPath(v.hostPath.path, v.hostPath.type);
    if (err) throw new VolumeSetupError(v.name, err);
    return { hostPath: v.hostPath.path, readOnly: false };
  }
  if (v.configMap) {
    const cm = await getOptional<KObject & ConfigMapLike>(deps.client, Resources.configmaps, ns, v.configMap.name);
    const dir = volumeDir(deps.rootDir, uid, PLUGIN_DIRS.configMap, v.name);
    writeAtomically(dir, configMapPayload(v, cm));
    return { hostPath: dir, readOnly: true };
  }
  if (v.secret) {
    const secret = await getOptional<KObject & SecretLike>(deps.client, Resources.secrets, ns, v.secret.secretName);
    const payload = secretPayload(v, secret);
    const dir = volumeDir(deps.rootDir, uid, PLUGIN_DIRS.secret, v.name);
    // Secrets never touch the disk: the volume is its own tmpfs.
    if (tmpfs) mountTmpfs(dir);
    writeAtomically(dir, payload);
    return { hostPath: dir, readOnly: true };
  }
  if (v.downwardAPI) {
    const dir = volumeDir(deps.rootDir, uid, PLUGIN_DIRS.downwardAPI, v.name);
    writeAtomically(dir, downwardAPIPayload(v, pod, deps.nodeAllocatable ?? machineAllocatable()));
    return { hostPath: dir, readOnly: true };
  }
  if (v.persistentVolumeClaim) {
    return { hostPath: await resolveClaim(v, pod, deps), readOnly: !!v.persistentVolumeClaim.readOnly };
  }
  return undefined;
}

/** Sets up every volume of the pod that can be; errors are collected per volume, not thrown. */
export async function prepareVolumes(pod: Pod, deps: VolumeDeps): Promise<PreparedVolumes> {
  const mounts = new Map<string, VolumeMount>();
  const errors: string[] = [];
  for (const v of (pod.spec.volumes ?? []) as VolumeSource[]) {
    try {
      const m = await prepareOne(v, pod, deps);
      if (m) mounts.set(v.name, m);
      else errors.push(`volume "${v.name}": unsupported volume type`);
    } catch (e) {
      errors.push(e instanceof VolumeSetupError ? e.message : `volume "${v.name}": ${(e as Error).message}`);
    }
  }
  return { mounts, errors };
}

export class VolumeCleanupError extends Error {
  readonly code = 'VOLUME_CLEANUP_FAILED';
  constructor(readonly mountPoints: string[]) {
    super(`cannot unmount ${mountPoints.join(', ')}`);
    this.name = 'VolumeCleanupError';
  }
}

/** Unmounts and removes the pod's volume directories; hostPath and PV data are left alone. */
export function cleanupVolumes(rootDir: string, podUid: string): void {
  const dir = podVolumesDir(rootDir, podUid);
  if (!fs.existsSync(dir)) return;
  const stuck = unmountAllUnder(dir);
  // Never delete through a mount that would not come off.
  if (stuck.length > 0) throw new VolumeCleanupError(stuck);
  fs.rmSync(dir, { recursive: true, force: true });
}

