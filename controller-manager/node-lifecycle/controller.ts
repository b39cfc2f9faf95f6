// node-lifecycle: watches node Leases (kube-node-lease) and node heartbeats, and keeps each node's
// taints in step with its health, as upstream's node lifecycle controller does:
// - a node whose signal has not changed for the grace period, on this process's clock, is marked
//   Unknown (and its pods NotReady, so Services stop sending them traffic);
// - NoSchedule taints follow the conditions and spec.unschedulable (TaintNodesByCondition);
// - the NoExecute not-ready/unreachable taint follows Ready=False/Unknown (TaintBasedEvictions),
//   released per zone at --node-eviction-rate and not at all while every zone is down; the
//   taint-eviction controller then evicts the pods that do not tolerate it.
import type { Lease, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { processMetrics } from '../../lib/metrics/prometheus';
import { taintsOf, type Taint } from '../../lib/api/taints';
import { withPodCondition } from '../../lib/api/pod-conditions';
import { podsOnNode, usePodNodeIndex } from '../common/pod-utils';
import { heartbeatSignal, staleNodeConditions } from './health';
import { NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE, noExecuteStep, noScheduleTaintChanges, queuedNoExecuteTaint, readyStatus, swapTaints } from './taints';
import { DEFAULT_DISRUPTION_PARAMS, EXCLUDE_DISRUPTION_LABEL, planDisruption, zoneKey, type DisruptionParams, type ZoneState } from './zones';
import { RateLimitedQueue, type TryResult } from './rate-limited-queue';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** NodeEvictionPeriod: how often the zones' queues of nodes to taint NoExecute are looked at. */
const TAINT_PASS_MS = 100;
const TAINT_ATTEMPTS = 5;

const metrics = {
  evictions: processMetrics.counter('node_collector_evictions_total', 'Number of Node evictions (NoExecute taints) that happened since current instance of NodeController started.'),
  zoneHealth: processMetrics.gauge('node_collector_zone_health', 'Gauge measuring percentage of healthy nodes per zone.'),
  zoneSize: processMetrics.gauge('node_collector_zone_size', 'Gauge measuring number of registered Nodes per zones.'),
  unhealthy: processMetrics.gauge('node_collector_unhealthy_nodes_in_zone', 'Gauge measuring number of not Ready Nodes per zones.'),
};

export interface NodeLifecycleOptions {
  /** --node-monitor-grace-period. */
  gracePeriodMs: number;
  /** --node-monitor-period: how often every node is looked at even without events. */
  monitorPeriodMs?: number;
  disruption?: Partial<DisruptionParams>;
  now?: () => number;
}

export class NodeLifecycleController {
  private readonly log = componentLogger('node-lifecycle-controller');
  private readonly queue = new WorkQueue({ name: 'node-lifecycle' });
  private readonly observed = new Map<string, { signal: string; at: number }>();
  /** Zone → nodes waiting for their NoExecute taint. */
  private readonly tainters = new Map<string, RateLimitedQueue>();
  private zoneStates = new Map<string, ZoneState>();
  /** Ready statuses the last zone judgement saw, to judge again when one changes. */
  private readonly judgedReady = new Map<string, string | undefined>();
  /** Nodes this controller marked Unknown whose pods still have to be marked NotReady. */
  private readonly podsToMark = new Set<string>();
  private readonly params: DisruptionParams;
  private readonly gracePeriodMs: number;
  private readonly monitorPeriodMs: number;
  private readonly now: () => number;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly client: ApiClient,
    private readonly nodes: Informer<Node>,
    private readonly leases: Informer<Lease>,
    private readonly pods: Informer<Pod>,
    private readonly recorder: EventRecorder,
    opts: NodeLifecycleOptions,
  ) {
    this.gracePeriodMs = opts.gracePeriodMs;
    this.monitorPeriodMs = opts.monitorPeriodMs ?? 5000;
    this.params = { ...DEFAULT_DISRUPTION_PARAMS, ...opts.disruption };
    this.now = opts.now ?? Date.now;
    usePodNodeIndex(pods);
  }

  start(): void {
    this.nodes.addHandler({
      onAdd: (n) => this.queue.add(n.metadata.name!),
      onUpdate: (_o, n) => this.queue.add(n.metadata.name!),
      onDelete: (n) => this.forget(n),
    });
    this.leases.addHandler({ onAdd: (l) => this.queue.add(l.metadata.name!), onUpdate: (_o, l) => this.queue.add(l.metadata.name!) });
    // Staleness is the absence of events, so it needs a clock of its own.
    const monitor = setInterval(() => {
      for (const n of this.nodes.list()) this.queue.add(n.metadata.name!);
      this.judgeZones();
    }, this.monitorPeriodMs);
    const taintPass = setInterval(() => void this.noExecuteTaintingPass(), TAINT_PASS_MS);
    this.timers = [monitor, taintPass];
    for (const t of this.timers) t.unref?.();
    this.judgeZones();
    this.queue.run(1, (k) => this.reconcile(k));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.queue.shutdown();
  }

  private forget(n: Node): void {
    const name = n.metadata.name!;
    this.observed.delete(name);
    this.podsToMark.delete(name);
    this.judgedReady.delete(name);
    for (const q of this.tainters.values()) q.remove(name);
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
    const since = this.observed.get(name)!.at;
    const stale = t - since >= this.gracePeriodMs;
    let current = node;
    try {
      const conditions = staleNodeConditions(node, stale, new Date(t).toISOString());
      if (conditions) {
        current = await this.client.updateStatus(Resources.nodes, { ...current, status: { ...current.status, conditions } });
        this.log.warn({ node: name }, 'node stopped heartbeating, marked unknown');
        if (readyStatus(node) === 'True') {
          this.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
          this.podsToMark.add(name);
        }
        // Our own write changed the Ready heartbeat signal; it is not the kubelet coming back.
        this.observed.set(name, { signal: heartbeatSignal(current, lease?.spec?.renewTime), at: since });
      }
      if (this.judgedReady.get(name) !== readyStatus(current)) this.judgeZones(current);
      const noSchedule = noScheduleTaintChanges(current);
      if (noSchedule.add.length || noSchedule.remove.length) {
        current = await this.swapTaints(current, noSchedule.add, noSchedule.remove);
        this.log.info({ node: name, added: noSchedule.add.map((x) => x.key), removed: noSchedule.remove.map((x) => x.key) }, 'node NoSchedule taints updated');
      }
      current = await this.processTaintBasedEviction(current);
      if (this.podsToMark.has(name)) {
        if (readyStatus(current) === 'True') this.podsToMark.delete(name);
        else if (await this.markPodsNotReady(name)) this.podsToMark.delete(name);
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    // Re-check when the grace period would run out, without waiting for the monitor tick.
    if (!stale) this.queue.addAfter(name, Math.max(100, this.gracePeriodMs - (t - since) + 10));
  }

  /** processTaintBaseEviction: swap at once, queue for the zone's tainter, or clear. */
  private async processTaintBasedEviction(node: Node): Promise<Node> {
    const name = node.metadata.name!;
    const step = noExecuteStep(node);
    switch (step.kind) {
      case 'swap':
        this.log.info({ node: name, taint: step.add.key }, 'node Ready condition changed, NoExecute taint swapped');
        return this.swapTaints(node, [step.add], [step.remove]);
      case 'queue':
        if (this.tainter(zoneKey(node)).add(name)) this.log.info({ node: name, ready: readyStatus(node) }, 'node not ready, queued for its NoExecute taint');
        return node;
      case 'reachable':
        return this.markReachable(node);
      default:
        return node;
    }
  }

  /** markNodeAsReachable: no NoExecute taint of ours, and out of the tainting queue. */
  private async markReachable(node: Node): Promise<Node> {
    const name = node.metadata.name!;
    for (const q of this.tainters.values()) q.remove(name);
    const had = taintsOf(node).some((t) => t.effect === 'NoExecute' && (t.key === NOT_READY_NO_EXECUTE.key || t.key === UNREACHABLE_NO_EXECUTE.key));
    if (!had) return node;
    const out = await this.swapTaints(node, [], [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE]);
    this.log.info({ node: name }, 'node is healthy again, NoExecute taints removed');
    return out;
  }

  private tainter(zone: string): RateLimitedQueue {
    let q = this.tainters.get(zone);
    if (!q) {
      q = new RateLimitedQueue(this.params.evictionQps, this.now);
      this.tainters.set(zone, q);
    }
    return q;
  }

  /** doNoExecuteTaintingPass: each zone's due nodes, as its rate allows. */
  private async noExecuteTaintingPass(): Promise<void> {
    for (const [zone, q] of this.tainters) {
      if (q.pending === 0) continue;
      await q.try(async (name): Promise<TryResult> => {
        const node = this.nodes.get(undefined, name);
        if (!node) return { ok: true };
        const t = queuedNoExecuteTaint(node);
        if (!t) return { ok: true }; // Ready again meanwhile
        try {
          await this.swapTaints(node, [t.add], [t.remove]);
        } catch (err) {
          if (isNotFound(err)) return { ok: true };
          this.log.warn({ node: name, err: (err as Error).message }, 'tainting node failed, will retry');
          return { ok: false, retryAfterMs: 50 };
        }
        metrics.evictions.inc({ zone });
        this.log.info({ node: name, taint: t.add.key }, 'node tainted NoExecute');
        return { ok: true };
      });
    }
  }

  /**
   * handleDisruption: the zones' states from their nodes' Ready conditions, the tainting rate of
   * each, and the switch in and out of "every zone is down" (where nothing is tainted NoExecute).
   */
  private judgeZones(changed?: Node): void {
    const zones = new Map<string, (string | undefined)[]>();
    const all = this.nodes.list().map((n) => (changed && n.metadata.name === changed.metadata.name ? changed : n));
    for (const n of all) {
      this.judgedReady.set(n.metadata.name!, readyStatus(n));
      if (n.metadata.labels?.[EXCLUDE_DISRUPTION_LABEL] !== undefined) continue;
      const z = zoneKey(n);
      zones.set(z, [...(zones.get(z) ?? []), readyStatus(n)]);
    }
    for (const [z, ready] of zones) {
      const notReady = ready.filter((s) => s !== 'True').length;
      metrics.zoneSize.set({ zone: z }, ready.length);
      metrics.unhealthy.set({ zone: z }, notReady);
      metrics.zoneHealth.set({ zone: z }, (100 * (ready.length - notReady)) / ready.length);
    }
    const plan = planDisruption(this.zoneStates, zones, this.params);
    for (const [z, qps] of plan.rates) this.tainter(z).swapLimiter(qps);
    for (const [z, s] of plan.states) if (this.zoneStates.get(z) !== s && this.zoneStates.has(z)) this.log.info({ zone: z, state: s }, 'zone is in a new state');
    this.zoneStates = plan.states;
    if (plan.enterFullDisruption) {
      this.log.warn({ nodes: all.length }, 'every node is not ready: entering master disruption mode, no NoExecute taints');
      for (const n of all) {
        this.markReachable(n).catch((err) => this.log.warn({ node: n.metadata.name, err: (err as Error).message }, 'removing NoExecute taints failed'));
      }
    }
    if (plan.exitFullDisruption) {
      // Every node gets a fresh grace period, as upstream resets its probe timestamps.
      const t = this.now();
      for (const [name, o] of this.observed) this.observed.set(name, { signal: o.signal, at: t });
    }
  }

  /**
   * SwapNodeControllerTaint: the change applied on the node as it is now, retried against a fresh
   * read when another writer got there first. Returns the node as written.
   */
  private async swapTaints(node: Node, add: Taint[], remove: Taint[]): Promise<Node> {
    let base = node;
    for (let attempt = 1; ; attempt++) {
      const taints = swapTaints(taintsOf(base), add, remove, new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
      if (!taints) return base;
      try {
        return await this.client.patch<Node>(Resources.nodes, undefined, base.metadata.name!, 'merge', {
          metadata: { resourceVersion: base.metadata.resourceVersion },
          spec: { taints },
        });
      } catch (err) {
        if (!isConflict(err) || attempt >= TAINT_ATTEMPTS) throw err;
        base = await this.client.get<Node>(Resources.nodes, undefined, base.metadata.name!);
      }
    }
  }

  /** MarkPodsNotReady: the pods of a node that stopped reporting are no longer Ready. True when all were written. */
  private async markPodsNotReady(nodeName: string): Promise<boolean> {
    let ok = true;
    for (const pod of podsOnNode(this.pods, nodeName)) {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready) continue;
      const { status, changed } = withPodCondition(pod.status, { ...ready, status: 'False' }, this.now());
      if (!changed) continue;
      try {
        await this.client.updateStatus(Resources.pods, { ...pod, status });
        this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (isNotFound(err)) continue;
        this.log.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, err: (err as Error).message }, 'marking pod not ready failed');
        ok = false;
      }
    }
    if (ok) this.log.info({ node: nodeName }, 'pods of the unreachable node marked not ready');
    return ok;
  }
}
