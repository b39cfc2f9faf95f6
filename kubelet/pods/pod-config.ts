// Pure builders of the CRI sandbox and container configs for a pod.
import * as path from 'node:path';
import type { Container, Pod } from '../../lib/api/types';
import type { ContainerConfig, PodSandboxConfig } from '../cri/types';
import { LABEL_CONTAINER_NAME, LABEL_MANAGED, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from './cri-state';

export interface PodConfigContext {
  rootDir: string;
  /** cgroup root relative to each hierarchy, e.g. /k8ts */
  cgroupRoot: string;
}

export const podLogDir = (rootDir: string, pod: Pod): string =>
  path.join(rootDir, 'pods', `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);

export const podCgroupParent = (cgroupRoot: string, uid: string): string =>
  `${cgroupRoot.replace(/\/+$/, '')}/pod${uid}`;

export function podLabels(pod: Pod): Record<string, string> {
  return {
    ...(pod.metadata.labels ?? {}),
    [LABEL_POD_NAME]: pod.metadata.name!,
    [LABEL_POD_NAMESPACE]: pod.metadata.namespace!,
    [LABEL_POD_UID]: pod.metadata.uid!,
    [LABEL_MANAGED]: 'true',
  };
}

export function sandboxConfigOf(pod: Pod, attempt: number, ctx: PodConfigContext): PodSandboxConfig {
  const portMappings = pod.spec.containers
    .flatMap((c) => c.ports ?? [])
    .filter((p) => p.hostPort)
    .map((p) => ({ protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort }));
  return {
    metadata: { name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid!, attempt },
    hostname: (pod.spec.hostname ?? pod.metadata.name!).slice(0, 63),
    logDirectory: podLogDir(ctx.rootDir, pod),
    portMappings,
    labels: podLabels(pod),
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      cgroupParent: podCgroupParent(ctx.cgroupRoot, pod.metadata.uid!),
      securityContext: { namespaceOptions: { network: pod.spec.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD' } },
    },
  };
}

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEM = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T|k)?$/;
const MEM_MULT: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

export function millicores(q: string | undefined): number | undefined {
  const m = q ? CPU.exec(q) : null;
  if (!m) return undefined;
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

export function bytesOf(q: string | undefined): number | undefined {
  const m = q ? MEM.exec(q) : null;
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * MEM_MULT[m[2] ?? '']);
}

export function containerConfigOf(pod: Pod, c: Container, attempt: number): ContainerConfig {
  const env = (c.env ?? []).filter((e) => e.value !== undefined || !e.valueFrom).map((e) => ({ key: e.name, value: e.value ?? '' }));
  const cpuLimit = millicores(c.resources?.limits?.cpu);
  const cpuRequest = millicores(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  const memLimit = bytesOf(c.resources?.limits?.memory);
  const resources: NonNullable<NonNullable<ContainerConfig['linux']>['resources']> = {
    cpuShares: cpuRequest ? Math.max(2, Math.floor((cpuRequest * 1024) / 1000)) : 2,
  };
  if (cpuLimit) {
    resources.cpuPeriod = 100_000;
    resources.cpuQuota = Math.max(1000, Math.floor((cpuLimit * 100_000) / 1000));
  }
  if (memLimit) resources.memoryLimitInBytes = memLimit;
  return {
    metadata: { name: c.name, attempt },
    image: { image: c.image },
    command: c.command ?? [],
    args: c.args ?? [],
    workingDir: c.workingDir ?? '',
    envs: env,
    labels: {
      [LABEL_POD_NAME]: pod.metadata.name!,
      [LABEL_POD_NAMESPACE]: pod.metadata.namespace!,
      [LABEL_POD_UID]: pod.metadata.uid!,
      [LABEL_CONTAINER_NAME]: c.name,
      [LABEL_MANAGED]: 'true',
    },
    annotations: {},
    logPath: `${c.name}/${attempt}.log`,
    linux: { resources },
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
