// N hollow nodes in one process: each is the kubelet's own NodeAgent (registration, node status
// checked every 10 s and written on change or every 5 minutes, the Lease renewed every 10 s — the
// real schedule and the real writes), and one pod controller serves all of them (hollow-pods.ts).
// No container runtime, no CNI, no kubelet server: a pod bound to a hollow node is reported Running
// without anything running.
import * as os from 'node:os';
import type { Node } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { Informer } from '../lib/client/informer';
import { isNotFound } from '../lib/errors';
import { componentLogger } from '../lib/log';
import { isIPv4Cidr } from '../lib/api/checks/metadata';
import { LEASE_NAMESPACE, NodeAgent } from '../kubelet/node/node-agent';
import type { MachineInfo, NodeStatusInputs } from '../kubelet/node/node-status';
import { bytesOf, cpuMillis } from '../lib/api/quantity';
import { FALLBACK_CIDRS, fallbackPodCIDR, hollowNodeIP } from './fake-addresses';
import { HollowPods } from './hollow-pods';
import { HOLLOW_ID_PREFIX } from './hollow-pod-status';
import { HOLLOW_DEFAULTS } from './flags';

/** Every hollow node carries this label (value "true"): scale tests select or avoid them by it. */
export const HOLLOW_LABEL = 'k8ts.io/hollow';
export const HOLLOW_RUNTIME_VERSION = `${HOLLOW_ID_PREFIX}1.0`;

export interface HollowNodesConfig {
  kubeconfig?: string;
  apiserverGrpc?: string;
  /** Tests and benches pass a client instead of a kubeconfig (not closed on stop). */
  client?: ApiClient;
  nodes: number;
  namePrefix: string;
  firstIndex: number;
  cpu: string;
  memory: string;
  maxPods: number;
  registerConcurrency: number;
  writeConcurrency: number;
  podStartMs: number;
  leaseRenewMs: number;
  statusCheckMs: number;
  deleteNodesOnStop: boolean;
}

export { HOLLOW_DEFAULTS };

export interface HollowNodes {
  nodeNames: string[];
  /** Wall time of registering every node (ms). */
  registerMs: number;
  stop(): Promise<void>;
}

const log = componentLogger('hollow-node');

/** Runs fn over items with at most `limit` in flight; the first failure is thrown once all settled. */
export async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** Pure: what a hollow node reports, as the kubelet's status inputs. */
export function hollowStatusInputs(name: string, index: number, c: Pick<HollowNodesConfig, 'cpu' | 'memory' | 'maxPods'>, nowIso: string): NodeStatusInputs {
  const machine: MachineInfo = {
    cpus: cpuMillis(c.cpu) / 1000,
    memoryBytes: bytesOf(c.memory),
    kernelVersion: os.release(),
    osImage: 'k8ts hollow node (no containers)',
    arch: 'amd64',
    machineID: `hollow-${name}`,
    bootID: `hollow-${name}`,
    systemUUID: `hollow-${name}`,
  };
  return {
    nodeName: name,
    nodeIP: hollowNodeIP(index),
    hostname: name,
    machine,
    runtimeVersion: HOLLOW_RUNTIME_VERSION,
    kubeletPort: 10250,
    nowIso,
    maxPods: c.maxPods,
    extraLabels: { [HOLLOW_LABEL]: 'true' },
  };
}

export async function startHollowNodes(config: Partial<HollowNodesConfig> & Pick<HollowNodesConfig, 'nodes'>): Promise<HollowNodes> {
  const cfg: HollowNodesConfig = { ...HOLLOW_DEFAULTS, ...config };
  const owned = !cfg.client;
  const client = cfg.client ?? new GrpcApiClient(grpcOptionsFromKubeconfig(cfg.kubeconfig!, cfg.apiserverGrpc));
  const names = Array.from({ length: cfg.nodes }, (_, i) => `${cfg.namePrefix}${cfg.firstIndex + i}`);
  const indexOf = new Map(names.map((n, i) => [n, cfg.firstIndex + i]));

  // One watch of the hollow Nodes for everyone: the podCIDR the controller-manager allocates (pod
  // addresses come from it) as soon as it is written, not at the node's next status check.
  const nodes = new Informer<Node>(client, Resources.nodes, { name: 'hollow-node-nodes', component: 'hollow-node', labelSelector: `${HOLLOW_LABEL}=true` });
  const podCIDROf = (node: string): string | undefined => {
    const cidr = nodes.get(undefined, node)?.spec?.podCIDR;
    if (typeof cidr === 'string' && isIPv4Cidr(cidr)) return cidr;
    const i = indexOf.get(node);
    // Past the 16,384 fake /24s a pod waits for its node's real podCIDR (a later reconcile).
    return i === undefined || i >= FALLBACK_CIDRS ? undefined : fallbackPodCIDR(i);
  };
  const pods = new HollowPods(client, {
    nodes: new Map(names.map((n) => [n, hollowNodeIP(indexOf.get(n)!)])),
    podCIDROf,
    startMs: cfg.podStartMs,
    workers: cfg.writeConcurrency,
  });
  const agents = names.map(
    (name) =>
      new NodeAgent(client, {
        statusInputs: () => hollowStatusInputs(name, indexOf.get(name)!, cfg, new Date().toISOString()),
        leaseRenewMs: cfg.leaseRenewMs,
        statusCheckMs: cfg.statusCheckMs,
      }),
  );

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const a of agents) a.stop();
    await pods.stop();
    nodes.stop();
    if (cfg.deleteNodesOnStop) {
      await forEachLimited(names, cfg.registerConcurrency, async (name) => {
        for (const [rt, ns] of [[Resources.leases, LEASE_NAMESPACE], [Resources.nodes, undefined]] as const) {
          await client.delete(rt, ns, name).catch((e) => {
            if (!isNotFound(e)) throw e;
          });
        }
      }).catch((e) => log.warn({ err: (e as Error).message }, 'node deletion failed'));
    }
    if (owned) client.close();
    log.info({ nodes: names.length }, 'hollow nodes stopped');
  };

  try {
    await nodes.start();
    const t0 = performance.now();
    await forEachLimited(agents, cfg.registerConcurrency, (a) => a.start());
    const registerMs = Math.round(performance.now() - t0);
    log.info({ nodes: names.length, registerMs }, 'hollow nodes registered');
    await pods.start();
    return { nodeNames: names, registerMs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
