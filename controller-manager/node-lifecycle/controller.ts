// node-lifecycle: watches node Leases (kube-node-lease) and node heartbeats; a node whose signal
// has not changed for the grace period, as seen on this process's clock, is marked Ready=Unknown
// and tainted unreachable:NoSchedule; the taint is removed once the kubelet reports Ready again.
// Pods are not evicted in this slice.
import type { Lease, Node } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { heartbeatSignal, planNodeHealth } from './health';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export class NodeLifecycleController {
  private readonly log = componentLogger('node-lifecycle-controller');
  private readonly queue = new WorkQueue({ name: 'node-lifecycle' });
  private readonly observed = new Map<string, { signal: string; at: number }>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly client: ApiClient,
    private readonly nodes: Informer<Node>,
    private readonly leases: Informer<Lease>,
    private readonly recorder: EventRecorder,
    private readonly gracePeriodMs: number,
    private readonly monitorPeriodMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.nodes.addHandler({
      onAdd: (n) => this.queue.add(keyOf(n)),
      onUpdate: (_o, n) => this.queue.add(keyOf(n)),
      onDelete: (n) => this.observed.delete(n.metadata.name!),
    });
    this.leases.addHandler({ onAdd: (l) => this.queue.add(l.metadata.name!), onUpdate: (_o, l) => this.queue.add(l.metadata.name!) });
    // Staleness is the absence of events, so it needs a clock of its own.
    this.timer = setInterval(() => {
      for (const n of this.nodes.list()) this.queue.add(n.metadata.name!);
    }, this.monitorPeriodMs);
    this.timer.unref?.();
    this.queue.run(1, (k) => this.reconcile(k));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue.shutdown();
  }

  async reconcile(name: string): Promise<void> {
    const node = this.nodes.get(undefined, name);
    if (!node) return;
    const lease = this.leases.get(NODE_LEASE_NAMESPACE, name);
    const signal = heartbeatSignal(node, lease?.spec?.renewTime);
    const t = this.now();
    const prev = this.observed.get(name);
    // A restarted controller gives every node a full grace period before judging it.
    if (!prev || prev.signal !== signal) this.observed.set(name, { signal, at: t });
    const stale = t - (this.observed.get(name)!.at) >= this.gracePeriodMs;
    const plan = planNodeHealth(node, stale, new Date(t).toISOString());
    let current = node;
    try {
      if (plan.conditions) {
        current = await this.client.updateStatus(Resources.nodes, { ...current, status: { ...current.status, conditions: plan.conditions } });
        this.log.warn({ node: name }, 'node stopped heartbeating, marked unknown');
        this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        // Our own write changed the Ready heartbeat signal; it is not the kubelet coming back.
        this.observed.set(name, { signal: heartbeatSignal(current, lease?.spec?.renewTime), at: this.observed.get(name)!.at });
      }
      if (plan.taints) {
        await this.client.patch(Resources.nodes, undefined, name, 'merge', {
          metadata: { resourceVersion: current.metadata.resourceVersion },
          spec: { taints: plan.taints },
        });
        this.log.info({ node: name, tainted: stale }, stale ? 'tainted unreachable node' : 'node recovered, taint removed');
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    // Re-check when the grace period would run out, without waiting for the monitor tick.
    if (!stale) this.queue.addAfter(name, Math.max(100, this.gracePeriodMs - (t - this.observed.get(name)!.at) + 10));
  }
}
