// Resource amounts as the scheduler counts them, in integer units: millicores, bytes, pods, and
// every other resource (extended resources such as example.com/gpu, hugepages-*) by its name in
// `scalar`. Requests follow Kubernetes: the sum over app containers, or the largest init container
// if that is bigger (sidecars — init containers with restartPolicy Always — add to both), plus the
// pod's overhead.
import type { Container, Node, Pod } from '../../lib/api/types';
import { bytesOf, cpuMillis, countOf } from '../../lib/api/quantity';
import { aggregatePodAmounts, numberAmountOps } from '../../lib/api/pod-resources';
import type { Resources } from './types';

/** Defaults the scorers use for containers without requests, so empty pods still spread. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const CPU = 'cpu';
const MEMORY = 'memory';
const EPHEMERAL = 'ephemeral-storage';
const PODS = 'pods';

export const emptyResources = (): Resources => ({ milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: {} });

/** One resource name's quantity in the scheduler's unit for it. */
function amount(name: string, q: string | number): number {
  if (name === CPU) return cpuMillis(q);
  if (name === PODS) return countOf(q);
  // memory, ephemeral-storage, hugepages-*: bytes; extended resources are whole numbers.
  return bytesOf(q);
}

function amounts(list: Record<string, string | number> | undefined, nonZero: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(list ?? {})) out[k] = amount(k, v);
  if (nonZero) {
    if (list?.[CPU] === undefined) out[CPU] = DEFAULT_MILLI_CPU_REQUEST;
    if (list?.[MEMORY] === undefined) out[MEMORY] = DEFAULT_MEMORY_REQUEST;
  }
  return out;
}

function fromAmounts(a: Record<string, number>, pods: number): Resources {
  const r = emptyResources();
  r.pods = pods;
  for (const [k, v] of Object.entries(a)) {
    if (k === CPU) r.milliCpu = v;
    else if (k === MEMORY) r.memory = v;
    else if (k === EPHEMERAL) r.ephemeralStorage = v;
    else if (k !== PODS) r.scalar[k] = v;
  }
  return r;
}

/**
 * What the pod asks for (pods: 1). With nonZero, containers without a cpu or memory request
 * count with the defaults above (the scorers' view). Throws QuantityParseError on an unreadable
 * quantity.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const total = aggregatePodAmounts(pod.spec, (c: Container) => amounts(c.resources?.requests as Record<string, string>, nonZero), numberAmountOps);
  const overhead = amounts((pod.spec as { overhead?: Record<string, string> }).overhead, false);
  return fromAmounts(numberAmountOps.add(total, overhead), 1);
}

/** What the node offers: allocatable (capacity when it reports none). pods: Infinity when absent. */
export function nodeAllocatable(node: Node): Resources {
  const a = (node.status?.allocatable ?? node.status?.capacity ?? {}) as Record<string, string>;
  const r = fromAmounts(amounts(a, false), a[PODS] === undefined ? Infinity : countOf(a[PODS]));
  return r;
}

export function addResources(into: Resources, r: Resources, sign = 1): void {
  into.milliCpu += sign * r.milliCpu;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.pods += sign * r.pods;
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = (into.scalar[k] ?? 0) + sign * v;
}

export const cloneResources = (r: Resources): Resources => ({ ...r, scalar: { ...r.scalar } });

/** A pod that finished no longer holds resources. */
export const isTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
