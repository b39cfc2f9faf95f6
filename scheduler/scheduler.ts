// The scheduling loop (upstream's scheduleOne): informers keep the cache and the queue current;
// one loop pops the highest-priority pod, refreshes the snapshot, runs its profile's framework
// (PreFilter → Filter → PostFilter/preemption on failure → Score → Reserve → Permit), assumes the
// decision in the cache and starts the binding cycle (PreBind → Bind → PostBind) without waiting
// for it, so the next pod is placed against this one's assumption while its Binding is in flight.
// A pod that fits nowhere gets a FailedScheduling event and PodScheduled=False and waits in the
// queue for a cluster event that may help it.
import type { KObject, Pod, PodCondition } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import { keyOf } from '../lib/client/workqueue';
import { EventRecorder } from '../lib/client/event-recorder';
import { isConflict, isNotFound } from '../lib/errors';
import { componentLogger } from '../lib/log';
import { SchedulerCache, type Unreadable } from './cache/cache';
import { Snapshot } from './cache/snapshot';
import { assignedPodUpdateActions, needsScheduling, nodeUpdateActions } from './cluster-events';
import { defaultConfiguration } from './config/defaults';
import type { KubeSchedulerConfiguration } from './config/types';
import { CycleState } from './framework/cycle-state';
import { isTerminal } from './framework/resources';
import { buildFramework } from './framework/profile';
import { registry as defaultRegistry } from './framework/registry';
import type { Framework } from './framework/runtime';
import { fitErrorMessage, schedulePod, type SearchState } from './framework/schedule-one';
import { Code, isSuccess, type Status } from './framework/status';
import { ActionType, type ClusterEvent, type Handle, type PluginDefinition } from './framework/types';
import { SchedulerInformers } from './informers';
import type { SchedulerMetrics } from './metrics';
import { queueKey, SchedulingQueue, type Queued } from './queue/scheduling-queue';

/** The loop gives the informers a turn at least this often while a backlog is scheduled. */
const YIELD_EVERY_MS = 10;

export interface SchedulerOptions {
  client: ApiClient;
  metrics?: SchedulerMetrics;
  config?: KubeSchedulerConfiguration;
  registry?: Record<string, PluginDefinition>;
  /** Overrides the configuration's podInitialBackoffSeconds / podMaxBackoffSeconds (tests). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

/** The PodScheduled=False condition for an unschedulable pod, or undefined when it is already set. */
export function unschedulableCondition(pod: Pod, message: string, now: string, reason = 'Unschedulable'): PodCondition[] | undefined {
  const conds = pod.status?.conditions ?? [];
  const cur = conds.find((c) => c.type === 'PodScheduled');
  if (cur && cur.status === 'False' && cur.reason === reason && cur.message === message) return undefined;
  const next: PodCondition = { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : now };
  return [...conds.filter((c) => c.type !== 'PodScheduled'), next];
}

export class Scheduler {
  private readonly log = componentLogger('scheduler');
  readonly informers: SchedulerInformers;
  readonly cache = new SchedulerCache();
  readonly snapshot = new Snapshot();
  readonly queue: SchedulingQueue;
  readonly profiles = new Map<string, Framework>();
  private readonly recorder: EventRecorder;
  private readonly search: SearchState = { nextStartNodeIndex: 0 };
  private started = false;
  private stopping = false;
  private loop?: Promise<void>;
  /** Binding cycles in flight. */
  private readonly binding = new Set<Promise<void>>();
  /** Pods whose current state failed the pod check: not scheduled until they are valid again. */
  private readonly invalid = new Set<string>();
  /** Unreadable nodes and pods already reported, so each is logged once per reason. */
  private readonly reported = new Map<string, string>();

  constructor(private readonly opts: SchedulerOptions) {
    const config = opts.config ?? defaultConfiguration();
    this.informers = new SchedulerInformers(opts.client);
    this.recorder = new EventRecorder(opts.client, { component: 'default-scheduler' });
    const registry = opts.registry ?? defaultRegistry;
    for (const p of config.profiles) {
      let fwk: Framework | undefined;
      const handle: Handle = {
        snapshot: () => this.snapshot,
        listers: this.informers.listers,
        client: opts.client,
        nominator: { nominatedPodsForNode: (n) => this.queue.nominatedPodsForNode(n) },
        framework: () => fwk!,
        event: (obj, type, reason, message) => this.recorder.event(obj, type, reason, message),
        now: Date.now,
      };
      fwk = buildFramework(p, registry, handle, config.percentageOfNodesToScore ?? 0);
      this.profiles.set(p.schedulerName, fwk);
    }
    const first = this.profiles.values().next().value as Framework;
    const profileOf = (pod: Pod) => this.profiles.get(pod.spec.schedulerName || 'default-scheduler') ?? first;
    this.queue = new SchedulingQueue({
      less: (a, b) => first.less(a, b),
      preEnqueue: (pod) => profileOf(pod).runPreEnqueuePlugins(pod),
      hints: (pod) => profileOf(pod).eventsToRegister(),
      initialBackoffMs: opts.initialBackoffMs ?? (config.podInitialBackoffSeconds ?? 1) * 1000,
      maxBackoffMs: opts.maxBackoffMs ?? (config.podMaxBackoffSeconds ?? 10) * 1000,
    });
  }

  private namesCache?: Set<string>;
  private get names(): Set<string> {
    return (this.namesCache ??= new Set(this.profiles.keys()));
  }

  hasSynced(): boolean {
    return this.started && this.informers.hasSynced();
  }

  private move(event: ClusterEvent, oldObj?: unknown, newObj?: unknown): void {
    this.queue.moveAllToActiveOrBackoffQueue(event, oldObj, newObj);
  }

  async start(): Promise<void> {
    const inf = this.informers;
    const names = this.names;
    inf.pods.addHandler({
      onAdd: (p) => {
        this.invalid.delete(keyOf(p));
        if (p.spec.nodeName) {
          this.cache.addPod(p);
          this.queue.deleteNominatedPod(p);
          this.move({ resource: 'Pod', actionType: ActionType.Add }, undefined, p);
        } else if (needsScheduling(p, names)) {
          this.queue.add(p);
          this.queue.syncNominated(p);
        }
      },
      onUpdate: (o, p) => {
        this.invalid.delete(keyOf(p));
        if (p.spec.nodeName) {
          if (!o.spec.nodeName) {
            // Bound (by us or someone else): confirm in the cache, out of the queue.
            this.queue.delete(p);
            this.cache.addPod(p);
            return this.move({ resource: 'Pod', actionType: ActionType.Add }, undefined, p);
          }
          this.cache.updatePod(o, p);
          if (isTerminal(p) && !isTerminal(o)) return this.move({ resource: 'Pod', actionType: ActionType.Delete }, o, undefined);
          const bits = assignedPodUpdateActions(o, p);
          if (bits) this.move({ resource: 'Pod', actionType: bits }, o, p);
        } else if (needsScheduling(p, names)) {
          this.queue.update(o, p);
          this.queue.syncNominated(p);
        } else {
          this.queue.delete(p);
        }
      },
      onDelete: (p) => {
        this.invalid.delete(keyOf(p));
        if (p.spec.nodeName) {
          this.cache.removePod(p);
          this.move({ resource: 'Pod', actionType: ActionType.Delete }, p, undefined);
        } else {
          this.queue.delete(p);
          for (const f of this.profiles.values()) f.waitingPods.get(p.metadata.uid ?? '')?.reject('', 'pod deleted');
        }
      },
      onInvalid: (raw, problems, lastValid) => this.invalidPod(raw, problems, lastValid),
    });
    inf.nodes.addHandler({
      onAdd: (n) => {
        this.cache.addNode(n);
        this.move({ resource: 'Node', actionType: ActionType.Add }, undefined, n);
      },
      onUpdate: (o, n) => {
        this.cache.updateNode(o, n);
        const bits = nodeUpdateActions(o, n);
        if (bits) this.move({ resource: 'Node', actionType: bits }, o, n);
      },
      onDelete: (n) => this.cache.removeNode(n),
    });
    for (const [informer, resource] of [
      [inf.claims, 'PersistentVolumeClaim'],
      [inf.volumes, 'PersistentVolume'],
      [inf.classes, 'StorageClass'],
    ] as const) {
      informer.addHandler({
        onAdd: (x) => this.move({ resource, actionType: ActionType.Add }, undefined, x),
        onUpdate: (o, x) => this.move({ resource, actionType: ActionType.UpdateOther }, o, x),
      });
    }
    await inf.start();
    this.started = true;
    this.queue.run();
    this.loop = this.runLoop();
    this.log.info({ profiles: [...this.profiles.keys()] }, 'scheduler running');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.informers.stop();
    this.queue.close();
    for (const f of this.profiles.values()) f.waitingPods.rejectAll('scheduler stopping');
    await this.loop;
    await Promise.allSettled([...this.binding]);
  }

  private async runLoop(): Promise<void> {
    let lastYield = Date.now();
    for (;;) {
      const q = await this.queue.pop();
      if (!q || this.stopping) return;
      try {
        await this.scheduleOne(q);
      } catch (err) {
        // scheduleOne handles its own failures; this is a bug, and the pod must not be lost.
        this.log.error({ pod: q.key, err: (err as Error).message }, 'scheduling cycle failed');
        this.queue.addUnschedulableIfNotPresent(q, new Set(), true);
        this.queue.done(q.key);
      }
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
  }

  private reportUnreadable(list: Unreadable[]): void {
    for (const u of list.splice(0)) {
      const id = `${u.kind}/${u.name}`;
      if (this.reported.get(id) === u.reason) continue;
      if (this.reported.size > 10_000) this.reported.clear();
      this.reported.set(id, u.reason);
      this.log.warn({ kind: u.kind, name: u.name, reason: u.reason }, u.kind === 'Node' ? 'node cannot be read, left out of scheduling' : 'pod requests cannot be read, counted without requests');
    }
  }

  private pendingMetricAt = 0;
  /** The pending gauge walks the unschedulable pods: once a second, not once per cycle. */
  private updatePendingMetric(): void {
    const m = this.opts.metrics;
    if (!m || Date.now() - this.pendingMetricAt < 1000) return;
    this.pendingMetricAt = Date.now();
    const c = this.queue.pendingCounts();
    for (const [queue, n] of Object.entries(c)) m.pending.set({ queue }, n);
  }

  /** One scheduling cycle. Never throws for a pod's own failures: they go back to the queue. */
  async scheduleOne(q: Queued): Promise<void> {
    const started = process.hrtime.bigint();
    const cached = this.informers.pods.get(q.podInfo.pod.metadata.namespace, q.podInfo.pod.metadata.name!);
    const pod = cached ?? q.podInfo.pod;
    const fwk = this.profiles.get(pod.spec.schedulerName || 'default-scheduler');
    this.updatePendingMetric();
    if (!cached || !fwk || this.invalid.has(q.key) || !needsScheduling(pod, this.names) || this.cache.isAssumed(pod)) return this.queue.done(q.key);

    this.cache.updateSnapshot(this.snapshot);
    if (this.cache.unreadable.length) this.reportUnreadable(this.cache.unreadable);
    const state = new CycleState();
    const result = schedulePod(fwk, state, pod, this.snapshot, this.search, { random: this.opts.random });
    if (result.kind === 'error') return this.failed(q, fwk, pod, result.message, new Set(), true, started);
    if (result.kind === 'unschedulable') {
      let nominated: string | undefined;
      if (fwk.hasPostFilterPlugins() && result.numAllNodes > 0) {
        const r = await fwk.runPostFilterPlugins(state, pod, result.diagnosis.nodeToStatus);
        if (r.status.code === Code.Error) this.log.warn({ pod: q.key, err: r.status.reasons.join(', ') }, 'preemption failed');
        else if (!isSuccess(r.status) && r.status.reasons.length) result.diagnosis.postFilterMsg = r.status.reasons.join(', ');
        nominated = r.nominatedNodeName;
      }
      return this.failed(q, fwk, pod, fitErrorMessage(result.numAllNodes, result.diagnosis), result.diagnosis.unschedulablePlugins, false, started, nominated);
    }

    const nodeName = result.nodeName;
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName } };
    this.cache.assumePod(assumed);
    const reserve = fwk.runReservePluginsReserve(state, assumed, nodeName);
    if (!isSuccess(reserve)) {
      fwk.runReservePluginsUnreserve(state, assumed, nodeName);
      this.cache.forgetPod(assumed);
      return this.failed(q, fwk, pod, reserve.reasons.join(', '), new Set(reserve.plugin ? [reserve.plugin] : []), reserve.code === Code.Error, started);
    }
    const permit = fwk.runPermitPlugins(state, assumed, nodeName);
    if (permit.code !== Code.Wait && !isSuccess(permit)) {
      fwk.runReservePluginsUnreserve(state, assumed, nodeName);
      this.cache.forgetPod(assumed);
      return this.failed(q, fwk, pod, permit.reasons.join(', '), new Set(permit.plugin ? [permit.plugin] : []), permit.code === Code.Error, started);
    }
    this.queue.deleteNominatedPod(pod);
    const binding = this.bindingCycle(q, fwk, state, assumed, nodeName, result.feasibleNodes, started);
    this.binding.add(binding);
    void binding.finally(() => this.binding.delete(binding));
  }

  private async bindingCycle(q: Queued, fwk: Framework, state: CycleState, assumed: Pod, nodeName: string, feasible: number, started: bigint): Promise<void> {
    const key = q.key;
    let status: Status = await fwk.waitOnPermit(assumed);
    if (isSuccess(status)) status = await fwk.runPreBindPlugins(state, assumed, nodeName);
    if (isSuccess(status)) status = await fwk.runBindPlugins(state, assumed, nodeName);
    if (!isSuccess(status)) {
      fwk.runReservePluginsUnreserve(state, assumed, nodeName);
      this.cache.forgetPod(assumed);
      // The assumed pod's room is free again: pods waiting for it may fit.
      this.move({ resource: 'Pod', actionType: ActionType.Delete }, assumed, undefined);
      if (isNotFound(status.cause) || isConflict(status.cause) || this.stopping) return this.queue.done(key);
      const pod = this.informers.pods.get(assumed.metadata.namespace, assumed.metadata.name!) ?? assumed;
      this.log.warn({ pod: key, node: nodeName, err: status.reasons.join(', ') }, 'binding failed');
      return this.failed(q, fwk, { ...pod, spec: { ...pod.spec, nodeName: undefined } }, `Binding rejected: ${status.reasons.join(', ')}`, new Set(status.plugin ? [status.plugin] : []), status.code === Code.Error, started);
    }
    this.cache.finishBinding(assumed);
    fwk.runPostBindPlugins(state, assumed, nodeName);
    this.queue.done(key);
    this.opts.metrics?.attempt('scheduled', fwk.profileName, started);
    this.log.debug({ pod: key, node: nodeName, feasible }, 'pod scheduled');
    this.recorder.event(assumed, 'Normal', 'Scheduled', `Successfully assigned ${assumed.metadata.namespace}/${assumed.metadata.name} to ${nodeName}`);
  }

  private async failed(q: Queued, fwk: Framework, pod: Pod, message: string, plugins: Set<string>, error: boolean, started: bigint, nominated?: string): Promise<void> {
    this.opts.metrics?.attempt(error ? 'error' : 'unschedulable', fwk.profileName, started);
    this.queue.addUnschedulableIfNotPresent(q, plugins, error);
    // DefaultPreemption wrote status.nominatedNodeName itself; the nominator counts the pod there now.
    if (nominated) this.queue.addNominatedPod(q.podInfo, nominated);
    this.queue.done(q.key);
    this.log.info({ pod: q.key, reason: message }, error ? 'pod scheduling error' : 'pod unschedulable');
    this.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    const conditions = unschedulableCondition(pod, message, new Date().toISOString(), error ? 'SchedulerError' : 'Unschedulable');
    const status: Record<string, unknown> = {};
    if (conditions) status.conditions = conditions;
    if (Object.keys(status).length === 0) return;
    try {
      await this.opts.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status }, 'status');
    } catch (err) {
      this.log.debug({ pod: queueKey(pod), err: (err as Error).message }, 'pod status not updated');
    }
  }

  /**
   * A pod that fails the pod check (its requests do not parse, ...) is never placed, not even from
   * the last valid copy the informer keeps: the scheduler says why on the pod, once per version.
   */
  private invalidPod(raw: KObject, problems: string[], lastValid: Pod | undefined): void {
    const spec = (raw as { spec?: { nodeName?: unknown; schedulerName?: unknown } }).spec;
    const m = raw.metadata;
    if (typeof m?.name !== 'string' || typeof m.namespace !== 'string') return;
    this.invalid.add(`${m.namespace}/${m.name}`);
    const unbound = !spec || typeof spec !== 'object' || !spec.nodeName;
    const ours = this.profiles.has(typeof spec?.schedulerName === 'string' ? spec.schedulerName : 'default-scheduler');
    if (!unbound || !ours || m.deletionTimestamp) return;
    if (lastValid) this.queue.delete(lastValid);
    const message = `Pod is invalid, not scheduling it: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`;
    this.recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: { name: m.name, namespace: m.namespace, uid: typeof m.uid === 'string' ? m.uid : undefined } }, 'Warning', 'FailedScheduling', message);
  }
}
