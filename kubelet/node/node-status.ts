// The Node object a kubelet registers and the status it reports, as pure functions of the machine
// facts and the kubelet's own readiness.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Node, NodeCondition } from '../../lib/api/types';

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
}

export function nodeLabels(i: Pick<NodeStatusInputs, 'nodeName' | 'machine'>): Record<string, string> {
  return {
    'kubernetes.io/hostname': i.nodeName,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': i.machine.arch,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': i.machine.arch,
  };
}

function cond(old: NodeCondition[] | undefined, type: string, ok: boolean, reason: string, message: string, nowIso: string): NodeCondition {
  const status = ok ? 'True' : 'False';
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
  const memKi = `${Math.floor(i.machine.memoryBytes / 1024)}Ki`;
  const resources = { cpu: String(i.machine.cpus), memory: memKi, pods: String(MAX_PODS) };
  const ready = i.notReadyReason === undefined;
  return {
    capacity: { ...resources },
    allocatable: { ...resources },
    conditions: [
      cond(old?.conditions, 'MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', i.nowIso),
      cond(old?.conditions, 'DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', i.nowIso),
      cond(old?.conditions, 'PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', i.nowIso),
      cond(
        old?.conditions,
        'Ready',
        ready,
        ready ? 'KubeletReady' : 'KubeletNotReady',
        ready ? 'kubelet is posting ready status' : i.notReadyReason!,
        i.nowIso,
      ),
    ],
    addresses: [
      { type: 'InternalIP', address: i.nodeIP },
      { type: 'Hostname', address: i.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort } },
    nodeInfo: {
      machineID: i.machine.machineID,
      systemUUID: i.machine.machineID,
      bootID: i.machine.bootID,
      kernelVersion: i.machine.kernelVersion,
      osImage: i.machine.osImage,
      containerRuntimeVersion: i.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: i.machine.arch,
    },
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
