// The pods of every hollow node in the process, as a controller: one pod informer (bound pods only,
// a field selector; those of other nodes are ignored), handlers that only enqueue the pod's key, a
// work queue whose workers bound the writes in flight, and one idempotent reconcile(key):
//
// - a new pod bound to a hollow node is "started" podStartMs after it is first seen: its status
//   becomes what a kubelet writes for a running pod (hollow-pod-status.ts), through the status
//   subresource, written only when it differs from the API's;
// - a pod with a deletionTimestamp is finalized as the kubelet does it: the terminal status first,
//   then the delete with gracePeriodSeconds 0 and the pod's UID as a precondition (nothing runs, so
//   there is no grace period to wait for);
// - a pod gone from the cache gives its address back.
import type { Pod } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import { Informer } from '../lib/client/informer';
import { keyOf, splitKey, WorkQueue } from '../lib/client/workqueue';
import { isConflict, isNotFound } from '../lib/errors';
import { componentLogger } from '../lib/log';
import { PodAddressPool } from './fake-addresses';
import { hollowPodStatus, statusChanged } from './hollow-pod-status';

export interface HollowPodsOptions {
  /** The hollow nodes: name → InternalIP. */
  nodes: Map<string, string>;
  /** The node's pod CIDR (its spec.podCIDR, or a fake one until it has one). */
  podCIDROf: (node: string) => string | undefined;
  /** The simulated container start (ms). */
  startMs: number;
  /** Work queue workers: the status writes and deletes in flight at once. */
  workers: number;
}

const log = componentLogger('hollow-node', { part: 'pods' });

interface Tracked {
  uid: string;
  node: string;
  /** When the pod was first seen: it is started startMs after. */
  seenAtMs: number;
}

export class HollowPods {
  private readonly informer: Informer<Pod>;
  private readonly queue = new WorkQueue({ name: 'hollow-node-pods', qps: 100, burst: 1000 });
  /** By pod key: the pod this process holds an address and a start time for. */
  private readonly tracked = new Map<string, Tracked>();
  private readonly pools = new Map<string, PodAddressPool>();

  constructor(private readonly client: ApiClient, private readonly opts: HollowPodsOptions) {
    // Every bound pod of the cluster is listed, but watched once for all hollow nodes: one watch
    // per node (as N real kubelets have) is what a hollow process exists to avoid.
    this.informer = new Informer<Pod>(client, Resources.pods, { name: 'hollow-node-pods', component: 'hollow-node', fieldSelector: 'spec.nodeName!=' });
  }

  private ours(p: Pod): boolean {
    return !!p.spec.nodeName && this.opts.nodes.has(p.spec.nodeName);
  }

  async start(): Promise<void> {
    const enqueue = (p: Pod) => {
      if (this.ours(p) || this.tracked.has(keyOf(p))) this.queue.add(keyOf(p));
    };
    this.informer.addHandler({ onAdd: enqueue, onUpdate: (_old, p) => enqueue(p), onDelete: enqueue });
    await this.informer.start();
    this.queue.run(this.opts.workers, (key) => this.reconcile(key));
  }

  async stop(): Promise<void> {
    this.informer.stop();
    await this.queue.shutdown();
  }

  /** Pods of hollow nodes this process holds (for tests and benches). */
  get size(): number {
    return this.tracked.size;
  }

  private pool(node: string): PodAddressPool | undefined {
    const cidr = this.opts.podCIDROf(node);
    if (!cidr) return undefined;
    let p = this.pools.get(node);
    // A node that got its podCIDR after its first pods: new pods draw from it; the earlier ones
    // keep their addresses (assign() takes what their status says).
    if (!p || p.range !== cidr) this.pools.set(node, (p = new PodAddressPool(cidr)));
    return p;
  }

  private forget(key: string): void {
    const t = this.tracked.get(key);
    if (!t) return;
    this.pools.get(t.node)?.release(t.uid);
    this.tracked.delete(key);
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.informer.get(namespace, name);
    const prev = this.tracked.get(key);
    // Gone, replaced by a pod of the same name (a new UID), or no longer on a hollow node.
    if (prev && (!pod || pod.metadata.uid !== prev.uid || pod.spec.nodeName !== prev.node)) this.forget(key);
    if (!pod || !this.ours(pod)) return;
    const node = pod.spec.nodeName!;
    const uid = pod.metadata.uid!;
    const nodeIP = this.opts.nodes.get(node)!;
    const plog = log.child({ pod: key, node });
    let t = this.tracked.get(key);
    if (!t) this.tracked.set(key, (t = { uid, node, seenAtMs: Date.now() }));
    const phase = pod.status?.phase;
    const startedAtMs = pod.status?.startTime ? Date.parse(pod.status.startTime) : t.seenAtMs + this.opts.startMs;

    if (pod.metadata.deletionTimestamp) {
      if (phase !== 'Succeeded' && phase !== 'Failed') {
        const status = hollowPodStatus(pod, { nodeIP, podIP: pod.status?.podIP, startedAtMs: Math.min(startedAtMs, Date.now()), nowIso: new Date().toISOString(), stopping: true });
        if (!(await this.writeStatus(pod, status))) return;
      }
      try {
        await this.client.delete(Resources.pods, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } });
        plog.info('pod deleted');
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      return;
    }
    // A terminal pod stays as it is until deleted, as with a kubelet.
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const waitMs = startedAtMs - Date.now();
    if (waitMs > 0 && !pod.status?.startTime) {
      this.queue.addAfter(key, waitMs);
      return;
    }
    const podIP = pod.spec.hostNetwork ? undefined : this.pool(node)?.assign(uid, pod.status?.podIP);
    if (!pod.spec.hostNetwork && !podIP) {
      // No address to give yet (the node's range is full, or it has neither a podCIDR nor a fake
      // one): the pod stays Pending, as with a kubelet whose CNI cannot allocate.
      this.queue.addAfter(key, 1000);
      return;
    }
    // Everything dates from the start (startTime, condition transitions, containers' startedAt),
    // so that the next reconcile computes the very same status and writes nothing.
    const status = hollowPodStatus(pod, { nodeIP, podIP, startedAtMs, nowIso: new Date(startedAtMs).toISOString() });
    if (await this.writeStatus(pod, status)) plog.debug({ phase: status.phase, podIP }, 'pod status written');
  }

  /** Writes the status when it differs; false when the pod is gone. A conflict throws: the work
   *  queue retries the key once the informer holds the newer pod. */
  private async writeStatus(pod: Pod, status: Pod['status']): Promise<boolean> {
    if (!statusChanged(pod, status!)) return true;
    try {
      await this.client.updateStatus<Pod>(Resources.pods, { ...pod, status });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }
}
