// The /etc/hosts the kubelet manages for every container of a pod, kept at
// <root-dir>/pods/<uid>/etc-hosts (as upstream) and bind-mounted over the runtime's copy of the
// node's file. The content is decided in pod-hostname.ts; this file only writes and removes it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pod } from '../../lib/api/types';
import { podDir } from '../volumes/prepare';
import { ContainerConfigError } from './env';
import { hostNetworkHostsFile, managedHostsFile, podHostname } from './pod-hostname';

export const ETC_HOSTS = '/etc/hosts';
export const podHostsFilePath = (rootDir: string, uid: string): string => path.join(podDir(rootDir, uid), 'etc-hosts');

/**
 * Writes the pod's hosts file and returns its path; undefined while the pod has no IP yet (as
 * upstream, no managed file then: the runtime's copy stays). `nodeHostsFile` is read for
 * host-network pods. A failure is the container's configuration error, retried by the next sync.
 */
export function writePodHostsFile(rootDir: string, pod: Pod, podIPs: string[], clusterDomain: string, nodeHostsFile = ETC_HOSTS): string | undefined {
  if (!podIPs.length) return undefined;
  const file = podHostsFilePath(rootDir, pod.metadata.uid!);
  try {
    const content = pod.spec.hostNetwork ? hostNetworkHostsFile(pod, fs.readFileSync(nodeHostsFile, 'utf8')) : managedHostsFile(pod, podIPs, podHostname(pod, clusterDomain));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed: a container starting meanwhile never mounts half a file.
    fs.writeFileSync(`${file}.tmp`, content, { mode: 0o644 });
    fs.renameSync(`${file}.tmp`, file);
  } catch (e) {
    throw new ContainerConfigError(`cannot write the pod's hosts file: ${(e as Error).message}`);
  }
  return file;
}

/** Removes the hosts file, and the pod's directory once nothing else is left in it. */
export function removePodHostsFile(rootDir: string, uid: string): void {
  fs.rmSync(podHostsFilePath(rootDir, uid), { force: true });
  try {
    fs.rmdirSync(podDir(rootDir, uid));
  } catch {
    // Not empty (volumes still there) or already gone: either way not ours to remove.
  }
}

/** The hosts mount, unless the container mounts something at /etc/hosts itself. */
export function hostsMount(file: string | undefined, mounts: { containerPath: string }[]): { containerPath: string; hostPath: string; readonly: boolean }[] {
  if (!file || mounts.some((m) => path.normalize(m.containerPath) === ETC_HOSTS)) return [];
  return [{ containerPath: ETC_HOSTS, hostPath: file, readonly: false }];
}
