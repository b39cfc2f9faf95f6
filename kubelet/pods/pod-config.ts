// Pure builders of the CRI sandbox and container configs for a pod.
import * as path from 'node:path';
import type { Container, Pod } from '../../lib/api/types';
import type { ContainerConfig, PodSandboxConfig } from '../cri/types';
import { bytesOf, cpuMillis } from '../../lib/api/quantity';
import { ANNOTATION_BACKOFF_STEP, ANNOTATION_CONTAINER_KIND, LABEL_CONTAINER_NAME, LABEL_MANAGED, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from './cri-state';
import { ContainerConfigError } from './env';
import { asX, podSecurityContext } from './spec-types';
import { podCgroupPath } from './pod-cgroups';
import type { DnsConfig } from './pod-dns';
import { sandboxHostname } from './pod-hostname';

export interface PodConfigContext {
  rootDir: string;
  /** cgroup root relative to each hierarchy, e.g. /k8ts */
  cgroupRoot: string;
  /** --cluster-domain: the FQDN of a pod with a subdomain (setHostnameAsFQDN) ends in it. */
  clusterDomain?: string;
}

export const podLogDir = (rootDir: string, pod: Pod): string =>
  path.join(rootDir, 'pods', `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);

/** The sandbox's cgroup parent: the pod cgroup in its QoS tier (see pod-cgroups.ts). */
export const podCgroupParent = (cgroupRoot: string, pod: Pod): string => podCgroupPath(cgroupRoot, pod);

export function podLabels(pod: Pod): Record<string, string> {
  return {
    ...(pod.metadata.labels ?? {}),
    [LABEL_POD_NAME]: pod.metadata.name!,
    [LABEL_POD_NAMESPACE]: pod.metadata.namespace!,
    [LABEL_POD_UID]: pod.metadata.uid!,
    [LABEL_MANAGED]: 'true',
  };
}

/**
 * `dns` is the pod's resolver config (pod-dns.ts); containerd writes it as the sandbox's
 * resolv.conf, and copies the node's when it is absent or empty.
 */
export function sandboxConfigOf(pod: Pod, attempt: number, ctx: PodConfigContext, dns?: DnsConfig): PodSandboxConfig {
  const ps = podSecurityContext(pod);
  const portMappings = pod.spec.containers
    .flatMap((c) => c.ports ?? [])
    .filter((p) => p.hostPort)
    .map((p) => ({ protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort }));
  return {
    metadata: { name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid!, attempt },
    // A host-network pod keeps the node's UTS namespace: runc refuses to set a hostname there.
    hostname: pod.spec.hostNetwork ? '' : sandboxHostname(pod, ctx.clusterDomain ?? ''),
    logDirectory: podLogDir(ctx.rootDir, pod),
    ...(dns ? { dnsConfig: dns } : {}),
    portMappings,
    labels: podLabels(pod),
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      cgroupParent: podCgroupParent(ctx.cgroupRoot, pod),
      securityContext: {
        namespaceOptions: { network: pod.spec.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' },
        ...(hasPrivilegedContainer(pod) ? { privileged: true } : {}),
        ...(ps.runAsUser !== undefined ? { runAsUser: { value: ps.runAsUser } } : {}),
        ...(ps.runAsGroup !== undefined ? { runAsGroup: { value: ps.runAsGroup } } : {}),
      },
    },
  };
}

export interface ResolvedContainer {
  envs: { key: string; value: string }[];
  command: string[];
  args: string[];
  mounts: { containerPath: string; hostPath: string; readonly: boolean }[];
  backoffStep: number;
  init: boolean;
}

/** CPU and memory as CRI LinuxContainerResources (cgroup v1 shares, CFS quota, memory limit). */
export function linuxResourcesOf(c: Container): NonNullable<NonNullable<ContainerConfig['linux']>['resources']> {
  const cpuLimit = cpuMillis(c.resources?.limits?.cpu);
  const cpuRequest = cpuMillis(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  const memLimit = bytesOf(c.resources?.limits?.memory);
  const resources: NonNullable<NonNullable<ContainerConfig['linux']>['resources']> = {
    cpuShares: cpuRequest ? Math.max(2, Math.floor((cpuRequest * 1024) / 1000)) : 2,
  };
  if (cpuLimit) {
    resources.cpuPeriod = 100_000;
    resources.cpuQuota = Math.max(1000, Math.floor((cpuLimit * 100_000) / 1000));
  }
  if (memLimit) resources.memoryLimitInBytes = memLimit;
  return resources;
}

/** Whether any container (init or app) asks for privileged mode; the sandbox must then be privileged too. */
export const hasPrivilegedContainer = (pod: Pod): boolean =>
  [...(pod.spec.initContainers ?? []), ...pod.spec.containers].some((c) => !!asX(c).securityContext?.privileged);

/** Container securityContext over the pod's, as CRI wants it. */
export function securityContextOf(pod: Pod, c: Container): NonNullable<NonNullable<ContainerConfig['linux']>['securityContext']> {
  const ps = podSecurityContext(pod);
  const cs = asX(c).securityContext ?? {};
  const runAsUser = cs.runAsUser ?? ps.runAsUser;
  const runAsGroup = cs.runAsGroup ?? ps.runAsGroup;
  const out: NonNullable<NonNullable<ContainerConfig['linux']>['securityContext']> = {
    namespaceOptions: { network: pod.spec.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' },
  };
  if (runAsUser !== undefined) out.runAsUser = { value: runAsUser };
  if (runAsGroup !== undefined) out.runAsGroup = { value: runAsGroup };
  if ((cs.runAsNonRoot ?? ps.runAsNonRoot) && runAsUser === 0) throw new ContainerConfigError('container\'s runAsUser breaks non-root policy');
  // containerd only admits a privileged container into a privileged sandbox (sandboxConfigOf).
  // It then gets every capability in the node's bounding set (here without CAP_SYS_RESOURCE).
  if (cs.privileged) out.privileged = true;
  if (cs.readOnlyRootFilesystem) out.readonlyRootfs = true;
  const caps = cs.capabilities;
  if (caps?.add?.length || caps?.drop?.length) {
    // CRI names carry no CAP_ prefix: containerd adds it (a prefixed name would become CAP_CAP_X).
    const norm = (x: string) => x.toUpperCase().replace(/^CAP_/, '');
    out.capabilities = { addCapabilities: (caps.add ?? []).map(norm), dropCapabilities: (caps.drop ?? []).map(norm) };
  }
  return out;
}

export function containerConfigOf(pod: Pod, c: Container, attempt: number, r: ResolvedContainer): ContainerConfig {
  return {
    metadata: { name: c.name, attempt },
    image: { image: c.image },
    command: r.command,
    args: r.args,
    workingDir: c.workingDir ?? '',
    envs: r.envs,
    mounts: r.mounts,
    labels: {
      [LABEL_POD_NAME]: pod.metadata.name!,
      [LABEL_POD_NAMESPACE]: pod.metadata.namespace!,
      [LABEL_POD_UID]: pod.metadata.uid!,
      [LABEL_CONTAINER_NAME]: c.name,
      [LABEL_MANAGED]: 'true',
    },
    annotations: { [ANNOTATION_BACKOFF_STEP]: String(r.backoffStep), [ANNOTATION_CONTAINER_KIND]: r.init ? 'init' : 'app' },
    logPath: `${c.name}/${attempt}.log`,
    // What kubectl attach (and kubectl run -it) joins: the main process's stdin and terminal.
    stdin: asX(c).stdin === true,
    stdinOnce: asX(c).stdinOnce === true,
    tty: asX(c).tty === true,
    linux: { resources: linuxResourcesOf(c), securityContext: securityContextOf(pod, c) },
  };
}

/** Normalises an image reference the way containerd names it (docker.io/library/..., :latest). */
export function normalizeImage(ref: string): string {
  let r = ref;
  const lastSlash = r.lastIndexOf('/');
  if (!r.slice(lastSlash + 1).includes(':') && !r.includes('@')) r += ':latest';
  const first = r.split('/')[0];
  const hasHost = r.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasHost) r = (r.includes('/') ? 'docker.io/' : 'docker.io/library/') + r;
  return r;
}
