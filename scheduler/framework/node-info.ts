// Builds NodeInfo snapshots: what each node offers and what the pods placed on it already ask for.
// Requests follow Kubernetes: the sum over app containers, or the largest init container if that
// is bigger, since init containers run one at a time before the app containers. Sidecars (init
// containers with restartPolicy Always) keep running beside everything that starts after them,
// so they add to the app containers and to each later init container.
import type { Container, Node, Pod } from '../../lib/api/types';
import { bytesOf, countOf, cpuMillis } from '../../lib/api/quantity';
import { aggregatePodAmounts, numberAmountOps } from '../../lib/api/pod-resources';
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
  const total = aggregatePodAmounts(pod.spec, (c) => {
    const r = containerRequests(c, nonZero);
    return { milliCpu: r.milliCpu, memory: r.memory };
  }, numberAmountOps);
  return { milliCpu: total.milliCpu ?? 0, memory: total.memory ?? 0, pods: 1 };
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

/** Adds a pod and its requests; throws (changing nothing) when its requests do not parse. */
export function addPod(info: NodeInfo, pod: Pod): void {
  const requested = podRequests(pod);
  const nonZero = podRequests(pod, true);
  info.pods.push(pod);
  info.requested = add(info.requested, requested);
  info.nonZeroRequested = add(info.nonZeroRequested, nonZero);
}

/** Something buildNodeInfos could not read and what it did about it. */
export interface Unreadable {
  kind: 'Node' | 'Pod';
  /** Name of a node, namespace/name of a pod. */
  name: string;
  reason: string;
}

/** A pod whose requests cannot be read still takes a pod slot on its node, with no cpu or memory. */
function addUnreadablePod(info: NodeInfo, pod: Pod): void {
  info.pods.push(pod);
  info.requested = add(info.requested, { milliCpu: 0, memory: 0, pods: 1 });
  info.nonZeroRequested = add(info.nonZeroRequested, { milliCpu: 0, memory: 0, pods: 1 });
}

/**
 * One NodeInfo per node; pods are grouped by spec.nodeName (terminal pods ignored). One object
 * that cannot be read must not stop every scheduling attempt: a node whose allocatable does not
 * parse is left out (nothing can be placed on it), a pod whose requests do not parse counts as a
 * pod without requests. Both are added to `unreadable` for the caller to report.
 */
export function buildNodeInfos(nodes: Node[], pods: Pod[], unreadable: Unreadable[] = []): Map<string, NodeInfo> {
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n || typeof n !== 'string' || isTerminal(p)) continue;
    let list = byNode.get(n);
    if (!list) byNode.set(n, (list = []));
    list.push(p);
  }
  const out = new Map<string, NodeInfo>();
  for (const node of nodes) {
    const name = node.metadata.name!;
    let info: NodeInfo;
    try {
      info = newNodeInfo(node);
    } catch (e) {
      unreadable.push({ kind: 'Node', name, reason: (e as Error).message });
      continue;
    }
    for (const p of byNode.get(name) ?? []) {
      try {
        addPod(info, p);
      } catch (e) {
        addUnreadablePod(info, p);
        unreadable.push({ kind: 'Pod', name: `${p.metadata.namespace}/${p.metadata.name}`, reason: (e as Error).message });
      }
    }
    out.set(name, info);
  }
  return out;
}
