// Builds NodeInfo snapshots: what each node offers and what the pods placed on it already ask for.
// Requests follow Kubernetes: the sum over app containers, or the largest init container if that
// is bigger, since init containers run one at a time before the app containers.
import type { Container, Node, Pod } from '../../lib/api/types';
import { bytesOf, countOf, cpuMillis } from '../../lib/api/quantity';
import type { NodeInfo, Resources } from './types';

/** Defaults the scorer uses for containers without requests, so empty pods still spread. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = c.resources?.requests ?? {};
  let milliCpu = cpuMillis(r.cpu);
  let memory = bytesOf(r.memory);
  if (nonZero) {
    if (r.cpu === undefined) milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (r.memory === undefined) memory = DEFAULT_MEMORY_REQUEST;
  }
  return { milliCpu, memory, pods: 0 };
}

export function podRequests(pod: Pod, nonZero = false): Resources {
  const total: Resources = { milliCpu: 0, memory: 0, pods: 1 };
  for (const c of pod.spec.containers ?? []) {
    const r = containerRequests(c, nonZero);
    total.milliCpu += r.milliCpu;
    total.memory += r.memory;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    total.milliCpu = Math.max(total.milliCpu, r.milliCpu);
    total.memory = Math.max(total.memory, r.memory);
  }
  return total;
}

export function nodeAllocatable(node: Node): Resources {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    milliCpu: cpuMillis(a.cpu),
    memory: bytesOf(a.memory),
    pods: a.pods === undefined ? Infinity : countOf(a.pods),
  };
}

/** A pod that finished no longer holds resources. */
export const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

const add = (a: Resources, b: Resources): Resources => ({
  milliCpu: a.milliCpu + b.milliCpu,
  memory: a.memory + b.memory,
  pods: a.pods + b.pods,
});

export function newNodeInfo(node: Node, pods: Pod[] = []): NodeInfo {
  const info: NodeInfo = {
    node,
    pods: [],
    requested: { milliCpu: 0, memory: 0, pods: 0 },
    nonZeroRequested: { milliCpu: 0, memory: 0, pods: 0 },
    allocatable: nodeAllocatable(node),
  };
  for (const p of pods) addPod(info, p);
  return info;
}

export function addPod(info: NodeInfo, pod: Pod): void {
  info.pods.push(pod);
  info.requested = add(info.requested, podRequests(pod));
  info.nonZeroRequested = add(info.nonZeroRequested, podRequests(pod, true));
}

/** One NodeInfo per node; pods are grouped by spec.nodeName (terminal pods ignored). */
export function buildNodeInfos(nodes: Node[], pods: Pod[]): Map<string, NodeInfo> {
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec.nodeName;
    if (!n || isTerminal(p)) continue;
    let list = byNode.get(n);
    if (!list) byNode.set(n, (list = []));
    list.push(p);
  }
  const out = new Map<string, NodeInfo>();
  for (const node of nodes) out.set(node.metadata.name!, newNodeInfo(node, byNode.get(node.metadata.name!) ?? []));
  return out;
}
