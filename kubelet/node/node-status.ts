// The Node object a kubelet registers and the status it reports, as pure functions of the machine
// facts and the kubelet's own readiness.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Node, NodeCondition, ResourceList } from '../../lib/api/types';
import { bytesOf, cpuMillis } from '../../lib/api/quantity';
import { DEFAULT_THRESHOLDS, pressureOf, type PressureThresholds, type ResourceFacts } from './node-pressure';

export const KUBELET_VERSION = 'v1.32.0-k8ts';
export const MAX_PODS = 110;

export interface MachineInfo {
  cpus: number;
  memoryBytes: number;
  kernelVersion: string;
  osImage: string;
  arch: string;
  machineID: string;
  bootID: string;
  /** SMBIOS product UUID where readable; the machine ID otherwise. */
  systemUUID?: string;
}

const goArch = (a: string) => (a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a);

function readFirst(files: string[]): string {
  for (const f of files) {
    try {
      return fs.readFileSync(f, 'utf8').trim();
    } catch {
      /* try the next */
    }
  }
  return '';
}

export function readMachineInfo(): MachineInfo {
  const osRelease = readFirst(['/etc/os-release']);
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux';
  return {
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    kernelVersion: os.release(),
    osImage: pretty,
    arch: goArch(process.arch),
    machineID: readFirst(['/etc/machine-id', '/var/lib/dbus/machine-id']),
    bootID: readFirst(['/proc/sys/kernel/random/boot_id']),
    systemUUID: readFirst(['/sys/class/dmi/id/product_uuid']).toLowerCase() || undefined,
  };
}

export interface NodeStatusInputs {
  nodeName: string;
  nodeIP: string;
  hostname: string;
  machine: MachineInfo;
  runtimeVersion: string;
  kubeletPort: number;
  /** Why the node is not ready yet, or undefined when it is. */
  notReadyReason?: string;
  nowIso: string;
  /** Memory/disk/PID facts; without them no pressure is reported and no ephemeral-storage. */
  resources?: ResourceFacts;
  thresholds?: PressureThresholds;
  /** --system-reserved plus --kube-reserved, summed. */
  reserved?: ResourceList;
  /** Images CRI lists (status.images). */
  images?: { repoTags: string[]; repoDigests: string[]; size: number }[];
  /** False until the pod network is configured (NetworkUnavailable=True). */
  networkReady?: boolean;
  /** --max-pods (default MAX_PODS). */
  maxPods?: number;
  /** Labels beyond the well-known ones (a hollow node's k8ts.io/hollow). */
  extraLabels?: Record<string, string>;
}

/** Kubernetes reports at most this many images in node status, largest first. */
export const MAX_NODE_STATUS_IMAGES = 50;

export function nodeImages(images: NonNullable<NodeStatusInputs['images']>): { names: string[]; sizeBytes: number }[] {
  return images
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }))
    .filter((i) => i.names.length > 0)
    .sort((a, b) => b.sizeBytes - a.sizeBytes || a.names[0].localeCompare(b.names[0]))
    .slice(0, MAX_NODE_STATUS_IMAGES);
}

const cpuString = (m: number) => (m % 1000 === 0 ? String(m / 1000) : `${m}m`);
const kiString = (b: number) => `${Math.floor(b / 1024)}Ki`;

/** Pure: capacity and allocatable (capacity - reserved - hard eviction thresholds), never negative. */
export function nodeResources(i: Pick<NodeStatusInputs, 'machine' | 'resources' | 'reserved' | 'thresholds' | 'maxPods'>): { capacity: ResourceList; allocatable: ResourceList } {
  const t = i.thresholds ?? DEFAULT_THRESHOLDS;
  const r = i.reserved ?? {};
  const cpu = i.machine.cpus * 1000;
  const mem = i.machine.memoryBytes;
  const pods = String(i.maxPods ?? MAX_PODS);
  const capacity: ResourceList = { cpu: cpuString(cpu), memory: kiString(mem), pods };
  const allocatable: ResourceList = {
    cpu: cpuString(Math.max(0, cpu - cpuMillis(r.cpu))),
    memory: kiString(Math.max(0, mem - bytesOf(r.memory) - (i.resources ? t.memoryAvailableBytes : 0))),
    pods,
  };
  if (i.resources && i.resources.fsCapacityBytes > 0) {
    const disk = i.resources.fsCapacityBytes;
    capacity['ephemeral-storage'] = kiString(disk);
    allocatable['ephemeral-storage'] = String(Math.max(0, Math.floor(disk - bytesOf(r['ephemeral-storage']) - (disk * t.fsAvailablePercent) / 100)));
  }
  return { capacity, allocatable };
}

export function nodeLabels(i: Pick<NodeStatusInputs, 'nodeName' | 'machine' | 'extraLabels'>): Record<string, string> {
  return {
    ...i.extraLabels,
    'kubernetes.io/hostname': i.nodeName,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': i.machine.arch,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': i.machine.arch,
  };
}

function cond(old: NodeCondition[] | undefined, type: string, isTrue: boolean, reason: string, message: string, nowIso: string): NodeCondition {
  const status = isTrue ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  return {
    type,
    status,
    lastHeartbeatTime: nowIso,
    lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : nowIso,
    reason,
    message,
  };
}

export function desiredNodeStatus(i: NodeStatusInputs, old?: Node['status']): NonNullable<Node['status']> {
  const { capacity, allocatable } = nodeResources(i);
  const ready = i.notReadyReason === undefined;
  const p = i.resources ? pressureOf(i.resources, i.thresholds) : { memory: false, disk: false, pid: false };
  const c = old?.conditions;
  const now = i.nowIso;
  const conditions: NodeCondition[] = [
    p.memory
      ? cond(c, 'MemoryPressure', true, 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available', now)
      : cond(c, 'MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', now),
    p.disk
      ? cond(c, 'DiskPressure', true, 'KubeletHasDiskPressure', 'kubelet has disk pressure', now)
      : cond(c, 'DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now),
    p.pid
      ? cond(c, 'PIDPressure', true, 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available', now)
      : cond(c, 'PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', now),
    cond(c, 'Ready', ready, ready ? 'KubeletReady' : 'KubeletNotReady', ready ? 'kubelet is posting ready status' : i.notReadyReason!, now),
  ];
  if (i.networkReady !== undefined) {
    conditions.unshift(
      i.networkReady
        ? cond(c, 'NetworkUnavailable', false, 'RouteCreated', 'pod network configured for the node podCIDR', now)
        : cond(c, 'NetworkUnavailable', true, 'NoRouteCreated', 'pod network not configured yet', now),
    );
  }
  return {
    capacity,
    allocatable,
    conditions,
    addresses: [
      { type: 'InternalIP', address: i.nodeIP },
      { type: 'Hostname', address: i.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort } },
    nodeInfo: {
      machineID: i.machine.machineID,
      systemUUID: i.machine.systemUUID ?? i.machine.machineID,
      bootID: i.machine.bootID,
      kernelVersion: i.machine.kernelVersion,
      osImage: i.machine.osImage,
      containerRuntimeVersion: i.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: i.machine.arch,
    },
    ...(i.images ? { images: nodeImages(i.images) } : {}),
  };
}

/** The status without heartbeat times, for deciding whether anything really changed. */
export function statusFingerprint(s: Node['status'] | undefined): string {
  if (!s) return '';
  const conditions = (s.conditions ?? []).map(({ lastHeartbeatTime: _h, ...rest }) => rest);
  return JSON.stringify({ ...s, conditions });
}

export function newNodeObject(i: NodeStatusInputs): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: i.nodeName, labels: nodeLabels(i) },
    spec: {},
    status: desiredNodeStatus(i),
  };
}
