// The scheduling loop: informers on pods and nodes feed a queue of pods waiting for a node; one
// worker takes a pod, snapshots the cluster (informer cache + assumed pods), runs the framework,
// assumes the decision, binds through pods/binding, and records events. A pod that fits nowhere
// gets a FailedScheduling event and a PodScheduled=False condition and goes back with backoff.
import type { KObject, Node, Pod, PodCondition } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import { Informer } from '../lib/client/informer';
import { keyOf, splitKey } from '../lib/client/workqueue';
import { EventRecorder } from '../lib/client/event-recorder';
import { isConflict, isNotFound } from '../lib/errors';
import { componentLogger } from '../lib/log';
import { AssumeCache } from './assume-cache';
import { buildNodeInfos, type Unreadable } from './framework/node-info';
import { buildProfile, type Profile } from './framework/registry';
import { findNode } from './framework/schedule-one';
import { SchedulingQueue } from './scheduling-queue';
import type { SchedulerMetrics } from './metrics';
import { allBound, checkPodVolumes, VOLUME_CONFLICT_REASON, type ClaimLike, type Lookups, type VolumeLike } from './volume-binding';
import { SELECTED_NODE_ANNOTATION, type StorageClass } from '../lib/api/storage';

/** How long a pod's binding waits for its WaitForFirstConsumer claims to be provisioned and bound. */
const VOLUME_BIND_TIMEOUT_MS = 120_000;
const VOLUME_BIND_POLL_MS = 200;

export interface SchedulerOptions {
  client: ApiClient;
  metrics?: SchedulerMetrics;
  profile?: Profile;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

/** Whether this scheduler is responsible for placing the pod now. */
export function needsScheduling(pod: Pod, schedulerName: string): boolean {
  if (pod.spec.nodeName || pod.metadata.deletionTimestamp) return false;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return false;
  return (pod.spec.schedulerName || 'default-scheduler') === schedulerName;
}

/** The PodScheduled=False condition for an unschedulable pod, or undefined when it is already set. */
export function unschedulableCondition(pod: Pod, message: string, now: string): PodCondition[] | undefined {
  const conds = pod.status?.conditions ?? [];
  const cur = conds.find((c) => c.type === 'PodScheduled');
  if (cur && cur.status === 'False' && cur.reason === 'Unschedulable' && cur.message === message) return undefined;
  const next: PodCondition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : now };
  return [...conds.filter((c) => c.type !== 'PodScheduled'), next];
}

export class Scheduler {
  private readonly log = componentLogger('scheduler');
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly claims: Informer<ClaimLike>;
  private readonly volumes: Informer<VolumeLike>;
  private readonly classes: Informer<KObject>;
  private readonly volumeLookups: Lookups;
  private readonly queue: SchedulingQueue;
  private readonly assumed = new AssumeCache();
  private readonly recorder: EventRecorder;
  private readonly profile: Profile;
  private started = false;
  private stopping = false;
  /** Binding requests in flight (the binding cycle runs beside the scheduling of the next pods). */
  private readonly binding = new Set<Promise<void>>();
  /** Pods whose current state failed the pod check: not scheduled until they are valid again. */
  private readonly invalid = new Set<string>();
  /** Unreadable nodes and pods already reported, so each attempt does not log them again. */
  private readonly reported = new Map<string, string>();

  constructor(private readonly opts: SchedulerOptions) {
    this.pods = new Informer<Pod>(opts.client, Resources.pods, { name: 'scheduler-pods' });
    this.nodes = new Informer<Node>(opts.client, Resources.nodes, { name: 'scheduler-nodes' });
    this.claims = new Informer<ClaimLike>(opts.client, Resources.persistentvolumeclaims, { name: 'scheduler-claims' });
    this.volumes = new Informer<VolumeLike>(opts.client, Resources.persistentvolumes, { name: 'scheduler-volumes' });
    this.classes = new Informer<KObject>(opts.client, Resources.storageclasses, { name: 'scheduler-storageclasses' });
    this.volumeLookups = {
      claim: (ns, name) => this.claims.get(ns, name),
      volume: (name) => this.volumes.get(undefined, name),
      storageClass: (name) => this.classes.get(undefined, name) as StorageClass | undefined,
    };
    this.queue = new SchedulingQueue({ initialBackoffMs: opts.initialBackoffMs, maxBackoffMs: opts.maxBackoffMs });
    this.recorder = new EventRecorder(opts.client, { component: 'default-scheduler' });
    this.profile = opts.profile ?? buildProfile();
  }

  hasSynced(): boolean {
    return this.started && this.pods.hasSynced() && this.nodes.hasSynced();
  }

  async start(): Promise<void> {
    const name = this.profile.schedulerName;
    this.pods.addHandler({
      onAdd: (p) => {
        this.invalid.delete(keyOf(p));
        if (needsScheduling(p, name)) this.queue.add(keyOf(p));
      },
      onUpdate: (_o, p) => {
        this.invalid.delete(keyOf(p));
        if (needsScheduling(p, name)) this.queue.add(keyOf(p));
        else this.settle(p);
      },
      onDelete: (p) => {
        this.invalid.delete(keyOf(p));
        this.settle(p);
        // Freed resources may let a waiting pod fit.
        if (p.spec.nodeName) this.queue.moveAllToActive();
      },
      onInvalid: (raw, problems, lastValid) => this.invalidPod(raw, problems, lastValid),
    });
    this.nodes.addHandler({
      onAdd: () => this.queue.moveAllToActive(),
      onUpdate: (o, n) => {
        if (nodeChangeMatters(o, n)) this.queue.moveAllToActive();
      },
    });
    // A claim that appears or gets bound may let a waiting pod go.
    this.claims.addHandler({ onAdd: () => this.queue.moveAllToActive(), onUpdate: () => this.queue.moveAllToActive() });
    await Promise.all([this.pods.start(), this.nodes.start(), this.claims.start(), this.volumes.start(), this.classes.start()]);
    this.started = true;
    this.queue.run((key) => this.scheduleOne(key));
    this.log.info({ profile: name }, 'scheduler running');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pods.stop();
    this.nodes.stop();
    this.claims.stop();
    this.volumes.stop();
    this.classes.stop();
    await this.queue.shutdown();
    await Promise.allSettled([...this.binding]);
  }

  /**
   * A pod that fails the pod check (its requests do not parse, ...) is never placed, not even from
   * the last valid copy the informer keeps: the scheduler says why on the pod, once per version.
   */
  private invalidPod(raw: KObject, problems: string[], lastValid: Pod | undefined): void {
    const spec = (raw as { spec?: { nodeName?: unknown; schedulerName?: unknown } }).spec;
    const m = raw.metadata;
    if (typeof m?.name !== 'string' || typeof m.namespace !== 'string') return;
    const key = `${m.namespace}/${m.name}`;
    this.invalid.add(key);
    const unbound = !spec || typeof spec !== 'object' || !spec.nodeName;
    const ours = (typeof spec?.schedulerName === 'string' ? spec.schedulerName : 'default-scheduler') === this.profile.schedulerName;
    if (!unbound || !ours || m.deletionTimestamp) return;
    if (lastValid) this.settle(lastValid);
    const message = `Pod is invalid, not scheduling it: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`;
    this.recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: { name: m.name, namespace: m.namespace, uid: typeof m.uid === 'string' ? m.uid : undefined } }, 'Warning', 'FailedScheduling', message);
  }

  /** Logs nodes and pods the snapshot could not read, each once per reason. */
  private reportUnreadable(list: Unreadable[]): void {
    for (const u of list) {
      const id = `${u.kind}/${u.name}`;
      if (this.reported.get(id) === u.reason) continue;
      if (this.reported.size > 10_000) this.reported.clear();
      this.reported.set(id, u.reason);
      this.log.warn({ kind: u.kind, name: u.name, reason: u.reason }, u.kind === 'Node' ? 'node cannot be read, left out of scheduling' : 'pod requests cannot be read, counted without requests');
    }
  }

  private settle(p: Pod): void {
    const key = keyOf(p);
    this.queue.done(key);
    this.assumed.forget(key);
  }

  /** Tries to place one pod. Never throws: failures are retried through the queue's backoff. */
  async scheduleOne(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    this.opts.metrics?.pending.set({}, this.queue.unschedulableKeys().length + this.queue.len());
    if (!pod || this.invalid.has(key) || !needsScheduling(pod, this.profile.schedulerName) || this.assumed.isAssumed(key)) return;
    const started = process.hrtime.bigint();

    const unreadable: Unreadable[] = [];
    const infos = buildNodeInfos(this.nodes.list(), this.assumed.overlay(this.pods.list(), keyOf), unreadable);
    if (unreadable.length) this.reportUnreadable(unreadable);
    const volumes = checkPodVolumes(pod, this.nodes.list(), this.volumeLookups);
    if (!volumes.ok) return this.unschedulable(key, pod, volumes.message, false, started);
    let candidates = [...infos.values()];
    if (volumes.nodes) {
      const all = candidates.length;
      candidates = candidates.filter((i) => volumes.nodes!.has(i.node.metadata.name!));
      if (candidates.length === 0) return this.unschedulable(key, pod, `0/${all} nodes are available: ${all} ${VOLUME_CONFLICT_REASON}.`, false, started);
    }
    const result = findNode(pod, candidates, this.profile, this.opts.random);
    if (!result.ok) return this.unschedulable(key, pod, result.message, result.error, started);

    this.assumed.assume(key, pod, result.nodeName);
    // The binding cycle runs apart from the scheduling cycle, as in Kubernetes: the next pod is
    // placed against this one's assumption while the Binding request is in flight, so a burst of
    // pods is not serialised behind one API round trip each.
    const binding = this.bind(key, pod, result.nodeName, result.feasible, started, volumes.provision);
    this.binding.add(binding);
    void binding.finally(() => this.binding.delete(binding));
  }

  /** Writes the Binding for an assumed pod; failures undo the assumption and retry through the queue. */
  private async unschedulable(key: string, pod: Pod, message: string, error: boolean, started: bigint): Promise<void> {
    this.opts.metrics?.attempt(error ? 'error' : 'unschedulable', this.profile.schedulerName, started);
    const delay = this.queue.markUnschedulable(key);
    this.log.info({ pod: key, reason: message, retryMs: delay }, 'pod unschedulable');
    this.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    await this.setUnschedulable(pod, message);
  }

  /**
   * The pre-bind step for WaitForFirstConsumer claims: each gets the chosen node in its
   * selected-node annotation (the provisioner of its class acts on that), then the pod waits
   * until all of them are bound, as upstream's VolumeBinding PreBind does.
   */
  private async bindVolumes(claims: ClaimLike[], nodeName: string): Promise<void> {
    for (const c of claims) {
      if (c.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === nodeName) continue;
      await this.opts.client.patch(Resources.persistentvolumeclaims, c.metadata.namespace, c.metadata.name!, 'merge', {
        metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } },
      });
    }
    const deadline = Date.now() + VOLUME_BIND_TIMEOUT_MS;
    while (!allBound(claims, this.volumeLookups)) {
      if (Date.now() > deadline) throw new Error('binding volumes: timed out waiting for the condition');
      if (this.stopping) throw new Error('scheduler stopping');
      await new Promise((r) => setTimeout(r, VOLUME_BIND_POLL_MS));
    }
  }

  private async bind(key: string, pod: Pod, nodeName: string, feasible: number, started: bigint, provision: ClaimLike[] = []): Promise<void> {
    const { namespace, name } = splitKey(key);
    try {
      if (provision.length) await this.bindVolumes(provision, nodeName);
      await this.opts.client.create(Resources.pods, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      }, 'binding');
      this.assumed.finishBinding(key);
    } catch (err) {
      this.assumed.forget(key);
      if (isNotFound(err)) return this.queue.done(key);
      if (isConflict(err)) return; // already bound elsewhere; the informer will show it
      this.opts.metrics?.attempt('error', this.profile.schedulerName, started);
      this.log.warn({ pod: key, node: nodeName, err: (err as Error).message }, 'binding failed');
      this.recorder.event(pod, 'Warning', 'FailedScheduling', `Binding rejected: ${(err as Error).message}`);
      this.queue.markUnschedulable(key);
      return;
    }
    this.queue.done(key);
    this.opts.metrics?.attempt('scheduled', this.profile.schedulerName, started);
    this.log.info({ pod: key, node: nodeName, feasible }, 'pod scheduled');
    this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  private async setUnschedulable(pod: Pod, message: string): Promise<void> {
    const conditions = unschedulableCondition(pod, message, new Date().toISOString());
    if (!conditions) return;
    try {
      await this.opts.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, 'merge', { status: { conditions } }, 'status');
    } catch (err) {
      this.log.debug({ pod: keyOf(pod), err: (err as Error).message }, 'pod condition not updated');
    }
  }
}

/** Node changes that can turn an unschedulable pod schedulable (heartbeat-only updates do not). */
export function nodeChangeMatters(o: Node, n: Node): boolean {
  const ready = (x: Node) => x.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    ready(o) !== ready(n) ||
    JSON.stringify(o.status?.allocatable) !== JSON.stringify(n.status?.allocatable) ||
    JSON.stringify(o.metadata.labels) !== JSON.stringify(n.metadata.labels) ||
    JSON.stringify(o.spec) !== JSON.stringify(n.spec)
  );
}
