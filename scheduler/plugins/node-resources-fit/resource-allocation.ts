// What the resource scorers compare, per resource name: the node's allocatable and what would be
// requested on it with the pod placed (upstream's resourceAllocationScorer). NodeResourcesFit's
// strategies count pods without cpu/memory requests with the defaults (nonZero: 100m, 200Mi) so
// empty pods still spread; BalancedAllocation counts the actual requests (useRequested).
import type { Pod } from '../../../lib/api/types';
import type { NodeInfo } from '../../framework/node-info';
import { podRequests } from '../../framework/resources';
import type { Resources } from '../../framework/types';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';

/** cpu, memory and ephemeral-storage have their own fields; everything else is a scalar by name. */
export const isScalarResourceName = (name: string): boolean => name !== CPU && name !== MEMORY && name !== EPHEMERAL_STORAGE && name !== 'pods';

/**
 * An extended resource (example.com/gpu): a qualified name with a domain outside kubernetes.io,
 * not "requests.*". hugepages-* and other names without a domain are native.
 */
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.includes('kubernetes.io/') || name.startsWith('requests.')) return false;
  const [prefix, local, ...rest] = name.split('/');
  if (rest.length || !prefix || !local || prefix.length > 253 || local.length > 63) return false;
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix) && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(local);
}

/** One resource's amount from a Resources value. */
export function amountOf(r: Resources, name: string): number {
  if (name === CPU) return r.milliCpu;
  if (name === MEMORY) return r.memory;
  if (name === EPHEMERAL_STORAGE) return r.ephemeralStorage;
  return r.scalar[name] ?? 0;
}

/** The pod's request for each listed resource (nonZero: cpu/memory defaults for containers without). */
export function podRequestList(pod: Pod, resources: readonly ResourceSpec[], nonZero: boolean): number[] {
  const r = podRequests(pod, nonZero);
  return resources.map((s) => amountOf(r, s.name));
}

/** One resource's allocatable and requested-with-the-pod on the node; 0 allocatable: leave it out of the score. */
function fill(nodeInfo: NodeInfo, name: string, podRequest: number, useRequested: boolean, out: AllocationVectors, i: number): void {
  out.allocatable[i] = 0;
  out.requested[i] = 0;
  // An extended resource the pod does not ask for is left out.
  if (podRequest === 0 && isScalarResourceName(name)) return;
  const requested = useRequested ? nodeInfo.requested : nodeInfo.nonZeroRequested;
  // Plain assignments: this runs for every resource of every node of every cycle.
  let alloc = 0;
  let req = 0;
  if (name === CPU) {
    alloc = nodeInfo.allocatable.milliCpu;
    req = requested.milliCpu + podRequest;
  } else if (name === MEMORY) {
    alloc = nodeInfo.allocatable.memory;
    req = requested.memory + podRequest;
  } else if (name === EPHEMERAL_STORAGE) {
    alloc = nodeInfo.allocatable.ephemeralStorage;
    req = nodeInfo.requested.ephemeralStorage + podRequest;
  } else {
    const a = nodeInfo.allocatable.scalar[name];
    if (a === undefined) return;
    alloc = a;
    req = (nodeInfo.requested.scalar[name] ?? 0) + podRequest;
  }
  if (alloc === 0) return;
  out.allocatable[i] = alloc;
  out.requested[i] = req;
}

/** [allocatable, requested-with-the-pod] for one resource on the node; [0, 0]: left out of the score. */
export function allocatableAndRequested(nodeInfo: NodeInfo, name: string, podRequest: number, useRequested: boolean): [number, number] {
  const v = { requested: [0], allocatable: [0] };
  fill(nodeInfo, name, podRequest, useRequested, v, 0);
  return [v.allocatable[0], v.requested[0]];
}

export interface AllocationVectors {
  requested: number[];
  allocatable: number[];
}

/**
 * The requested and allocatable vectors a scorer function reads. `into` lets a plugin reuse one
 * pair of arrays for every node of a cycle (Score runs synchronously, node after node).
 */
export function allocationVectors(nodeInfo: NodeInfo, resources: readonly ResourceSpec[], podRequestsList: readonly number[], useRequested: boolean, into?: AllocationVectors): AllocationVectors {
  const out = into ?? { requested: new Array<number>(resources.length).fill(0), allocatable: new Array<number>(resources.length).fill(0) };
  for (let i = 0; i < resources.length; i++) fill(nodeInfo, resources[i].name, podRequestsList[i], useRequested, out, i);
  return out;
}
