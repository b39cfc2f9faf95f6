// hollow-node's flags and the typed config built from them. Loaded by main.ts before logging is
// configured: import nothing that creates a logger (the config type is a type-only import).
import { FlagError, type Parsed } from '../lib/flags';
import { quantityError } from '../lib/api/quantity';
import type { HollowNodesConfig } from './hollow-nodes';

/** Every setting but the node count and the connection, as the kubelet would have it. */
export const HOLLOW_DEFAULTS: Omit<HollowNodesConfig, 'nodes' | 'kubeconfig' | 'client' | 'apiserverGrpc'> = {
  /** Node names are <prefix><index>, index from --first-index. */
  namePrefix: 'hollow-',
  /** The first index (several processes with one prefix take disjoint ranges). */
  firstIndex: 0,
  /** Each node's capacity (allocatable is the same: a hollow node reserves nothing). */
  cpu: '4',
  memory: '32Gi',
  maxPods: 110,
  /** Registrations in flight at once. */
  registerConcurrency: 32,
  /** Pod status writes and deletes in flight at once (the pod work queue's workers). */
  writeConcurrency: 16,
  /** The simulated container start: a bound pod is Running this long after it is seen. */
  podStartMs: 200,
  /** The kubelet's schedule: Lease renewal and node status check (10 s each upstream). */
  leaseRenewMs: 10_000,
  statusCheckMs: 10_000,
  /** Delete the Nodes (and their Leases) on a clean stop, rather than leave them to go NotReady. */
  deleteNodesOnStop: false,
};

export const HOLLOW_NODE_FLAGS = {
  kubeconfig: '',
  /** The apiserver's gRPC address (default: the kubeconfig server's host, port 6444). */
  apiserverGrpc: '',
  /** How many hollow nodes this process runs. */
  nodes: 1,
  ...HOLLOW_DEFAULTS,
};

/** Parsed flags → the config: required flags checked, quantities validated. */
export function hollowNodeConfigFromFlags(f: Parsed<typeof HOLLOW_NODE_FLAGS>): HollowNodesConfig {
  if (!f.kubeconfig) throw new FlagError('--kubeconfig is required');
  const count = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new FlagError(`--${name} must be an integer ≥ ${min}`);
    return v;
  };
  for (const [name, v] of [['cpu', f.cpu], ['memory', f.memory]] as const) {
    const err = quantityError(v);
    if (err) throw new FlagError(`--${name}: ${err}`);
  }
  if (!/^[a-z0-9]([-a-z0-9.]*)?$/.test(f.namePrefix)) throw new FlagError(`--name-prefix: "${f.namePrefix}" cannot start a node name`);
  return {
    kubeconfig: f.kubeconfig,
    apiserverGrpc: f.apiserverGrpc || undefined,
    nodes: count('nodes', f.nodes, 1),
    namePrefix: f.namePrefix,
    firstIndex: count('first-index', f.firstIndex, 0),
    cpu: f.cpu,
    memory: f.memory,
    maxPods: count('max-pods', f.maxPods, 1),
    registerConcurrency: count('register-concurrency', f.registerConcurrency, 1),
    writeConcurrency: count('write-concurrency', f.writeConcurrency, 1),
    podStartMs: count('pod-start-ms', f.podStartMs, 0),
    leaseRenewMs: count('lease-renew-ms', f.leaseRenewMs, 1),
    statusCheckMs: count('status-check-ms', f.statusCheckMs, 1),
    deleteNodesOnStop: f.deleteNodesOnStop,
  };
}
