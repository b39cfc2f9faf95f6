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

/**
 * [allocatable, requested-with-the-pod] for one resource on the node; [0, 0] means "leave this
 * resource out of the score" (an extended resource the pod does not ask for, or the node lacks).
 */
export function allocatableAndRequested(nodeInfo: NodeInfo, name: string, podRequest: number, useRequested: boolean): [number, number] {
  if (podRequest === 0 && isScalarResourceName(name)) return [0, 0];
  const requested = useRequested ? nodeInfo.requested : nodeInfo.nonZeroRequested;
  if (name === CPU) return [nodeInfo.allocatable.milliCpu, requested.milliCpu + podRequest];
  if (name === MEMORY) return [nodeInfo.allocatable.memory, requested.memory + podRequest];
  if (name === EPHEMERAL_STORAGE) return [nodeInfo.allocatable.ephemeralStorage, nodeInfo.requested.ephemeralStorage + podRequest];
  if (name in nodeInfo.allocatable.scalar) return [nodeInfo.allocatable.scalar[name], (nodeInfo.requested.scalar[name] ?? 0) + podRequest];
  return [0, 0];
}

/** The requested and allocatable vectors a scorer function reads. */
export function allocationVectors(nodeInfo: NodeInfo, resources: readonly ResourceSpec[], podRequestsList: readonly number[], useRequested: boolean): { requested: number[]; allocatable: number[] } {
  const requested = new Array<number>(resources.length).fill(0);
  const allocatable = new Array<number>(resources.length).fill(0);
  for (let i = 0; i < resources.length; i++) {
    const [alloc, req] = allocatableAndRequested(nodeInfo, resources[i].name, podRequestsList[i], useRequested);
    if (alloc === 0) continue;
    allocatable[i] = alloc;
    requested[i] = req;
  }
  return { requested, allocatable };
}
