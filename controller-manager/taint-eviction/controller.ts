// The taint eviction controller (upstream's taint-eviction-controller, once the NoExecute taint
// manager): pods on a node with NoExecute taints they do not tolerate are deleted at once, pods
// that tolerate them for tolerationSeconds are deleted when that runs out, pods that tolerate them
// forever stay. Before deleting it marks the pod DisruptionTarget (DeletionByTaintManager) and
// records TaintManagerEviction Events; a scheduled deletion is cancelled when the taints go, the
// pod's tolerations change or the pod goes.
import type { Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { processMetrics } from '../../lib/metrics/prometheus';
import { noExecuteTaints, taintsOf, tolerationsOf, type Taint } from '../../lib/api/taints';
import { DISRUPTION_TARGET, withPodCondition } from '../../lib/api/pod-conditions';
import { canonicalJson, podsOnNode, usePodNodeIndex } from '../common/pod-utils';
import { evictionDecision } from './plan';
import { TimedQueue } from './timed-queue';

const DELETE_ATTEMPTS = 5;

const deletions = processMetrics.counter('taint_eviction_controller_pod_deletions_total', 'Total number of Pods deleted by TaintEvictionController since its start.');

export class TaintEvictionController {
  private readonly log = componentLogger('taint-eviction-controller');
  private readonly nodeQueue = new WorkQueue({ name: 'noexec_taint_node' });
  private readonly podQueue = new WorkQueue({ name: 'noexec_taint_pod' });
  /** node → its NoExecute taints, for the nodes that have some. */
  private readonly tainted = new Map<string, Taint[]>();
  private readonly evictions: TimedQueue;

  constructor(
    private readonly client: ApiClient,
    private readonly pods: Informer<Pod>,
    private readonly nodes: Informer<Node>,
    private readonly recorder: EventRecorder,
    private readonly now: () => number = Date.now,
  ) {
    usePodNodeIndex(pods);
    this.evictions = new TimedQueue((key) => this.deletePod(key), now);
  }

  start(): void {
    const noExec = (n: Node) => canonicalJson(noExecuteTaints(taintsOf(n)).map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })));
    this.nodes.addHandler({
      onAdd: (n) => this.nodeQueue.add(n.metadata.name!),
      onUpdate: (o, n) => {
        if (noExec(o) !== noExec(n)) this.nodeQueue.add(n.metadata.name!);
      },
      onDelete: (n) => this.nodeQueue.add(n.metadata.name!),
    });
    const tolerations = (p: Pod) => canonicalJson(tolerationsOf(p));
    this.pods.addHandler({
      onAdd: (p) => this.podQueue.add(keyOf(p)),
      onUpdate: (o, p) => {
        if (o.spec?.nodeName !== p.spec?.nodeName || tolerations(o) !== tolerations(p)) this.podQueue.add(keyOf(p));
      },
      onDelete: (p) => this.podQueue.add(keyOf(p)),
    });
    this.nodeQueue.run(1, (k) => this.handleNode(k));
    this.podQueue.run(1, (k) => this.handlePod(k));
  }

  async stop(): Promise<void> {
    await Promise.all([this.nodeQueue.shutdown(), this.podQueue.shutdown()]);
    await this.evictions.stop();
  }

  async handleNode(name: string): Promise<void> {
    const node = this.nodes.get(undefined, name);
    if (!node) {
      this.tainted.delete(name);
      return;
    }
    const taints = noExecuteTaints(taintsOf(node));
    if (taints.length) this.tainted.set(name, taints);
    else this.tainted.delete(name);
    const pods = podsOnNode(this.pods, name);
    if (taints.length === 0) {
      for (const p of pods) this.cancel(keyOf(p));
      return;
    }
    const now = this.now();
    for (const p of pods) this.processPod(p, name, taints, now);
  }

  async handlePod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    if (!pod) {
      this.cancel(key);
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const taints = this.tainted.get(nodeName);
    // Not tainted (or gone): whatever was scheduled was cancelled when the taints went.
    if (!taints) return;
    this.processPod(pod, nodeName, taints, this.now());
  }

  private processPod(pod: Pod, nodeName: string, taints: Taint[], now: number): void {
    const key = keyOf(pod);
    const scheduled = this.evictions.get(key);
    const d = evictionDecision(tolerationsOf(pod), taints, now, scheduled ?? undefined);
    switch (d.kind) {
      case 'cancel':
        this.cancel(key);
        return;
      case 'evict-now':
        this.log.info({ pod: key, node: nodeName }, 'pod does not tolerate the node\'s NoExecute taints, deleting it');
        this.cancel(key);
        this.evictions.add(key, now, now);
        return;
      case 'keep':
        return;
      case 'schedule':
        if (scheduled) this.cancel(key);
        this.evictions.add(key, d.createdAt, d.fireAt);
        this.log.info({ pod: key, node: nodeName, inSeconds: Math.round((d.fireAt - now) / 1000) }, 'pod tolerates the node\'s NoExecute taints for a while, deletion scheduled');
    }
  }

  private cancel(key: string): void {
    if (!this.evictions.cancel(key)) return;
    const { namespace, name } = splitKey(key);
    this.log.info({ pod: key }, 'scheduled deletion cancelled');
    this.recorder.event(podRef(namespace!, name), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /** deletePodHandler: the Event, then up to five tries at marking the pod DisruptionTarget and deleting it. */
  private async deletePod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    this.log.info({ pod: key }, 'deleting pod');
    this.recorder.event(podRef(namespace!, name), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    let last: unknown;
    for (let i = 0; i < DELETE_ATTEMPTS; i++) {
      try {
        await this.markAndDelete(namespace!, name);
        deletions.inc();
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        last = err;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    this.log.warn({ pod: key, err: (last as Error)?.message }, 'deleting pod failed');
    throw last;
  }

  private async markAndDelete(namespace: string, name: string): Promise<void> {
    const pod = await this.client.get<Pod>(Resources.pods, namespace, name);
    const { status, changed } = withPodCondition(
      pod.status,
      { type: DISRUPTION_TARGET, status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' },
      this.now(),
    );
    if (changed) await this.client.updateStatus(Resources.pods, { ...pod, status });
    await this.client.delete(Resources.pods, namespace, name, { preconditions: { uid: pod.metadata.uid } });
  }
}

/** The Event's object: a pod reference without uid, as upstream's recorder gets it. */
const podRef = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name } });
