// The scheduling queue (upstream's PriorityQueue): pods waiting for a node in three places.
// - active: a heap ordered by the QueueSort plugin (PrioritySort: priority, then age); pop() takes
//   the head.
// - backoff: pods that failed recently, by when their backoff (1 s doubling to 10 s per attempt)
//   ends; flushed into active every second.
// - unschedulable: pods no node fits; they stay until a cluster event that one of the plugins that
//   rejected them registered for (a node added, a pod deleted, a claim bound...) says they might
//   fit now — not by polling — or 5 minutes pass.
// A cluster event that arrives while a pod is being scheduled sends it to backoff rather than to
// unschedulable, so a change that raced with its cycle is not missed (upstream's moveRequestCycle).
// PreEnqueue plugins (SchedulingGates) keep a pod out of active until they pass. The queue also
// tracks pods nominated to nodes by preemption (upstream's nominator).
import type { Pod } from '../../lib/api/types';
import { newPodInfo, type PodInfo } from '../framework/pod-info';
import { isSuccess, type Status } from '../framework/status';
import type { ClusterEvent, ClusterEventWithHint, PodNominator, QueuedPodInfo } from '../framework/types';
import { KeyedHeap } from './heap';

export const INITIAL_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 10_000;
export const MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;
const FLUSH_BACKOFF_EVERY_MS = 1000;
const FLUSH_UNSCHEDULABLE_EVERY_MS = 30_000;

export interface QueueOptions {
  /** The profiles' QueueSort (upstream requires one shared by every profile). */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  /** Runs the pod's profile's PreEnqueue plugins. */
  preEnqueue(pod: Pod): Status;
  /** The pod's profile's plugin → registered events. */
  hints(pod: Pod): Map<string, ClusterEventWithHint[]>;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxInUnschedulableMs?: number;
  now?: () => number;
}

export interface Queued extends QueuedPodInfo {
  key: string;
  lastFailure: number;
  unschedulableSince?: number;
}

const NONE: PodInfo[] = [];

export const queueKey = (p: Pod): string => `${p.metadata.namespace}/${p.metadata.name}`;

export function backoffMs(attempts: number, initial = INITIAL_BACKOFF_MS, max = MAX_BACKOFF_MS): number {
  if (attempts <= 0) return 0;
  return Math.min(initial * 2 ** Math.min(attempts - 1, 30), max);
}

/** Spec or label changes can make a rejected pod fit; status-only updates cannot. */
function podChangeMatters(o: Pod, n: Pod): boolean {
  return JSON.stringify(o.spec) !== JSON.stringify(n.spec) || JSON.stringify(o.metadata.labels) !== JSON.stringify(n.metadata.labels);
}

export class SchedulingQueue implements PodNominator {
  private readonly active: KeyedHeap<Queued>;
  private readonly backoff: KeyedHeap<Queued>;
  private readonly unschedulable = new Map<string, Queued>();
  /** Pods popped and not yet done, with the cycle they were popped in. */
  private readonly inFlight = new Map<string, number>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private readonly nominated = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNodeOf = new Map<string, string>();
  private waiter?: () => void;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;

  constructor(private readonly opts: QueueOptions) {
    this.now = opts.now ?? Date.now;
    this.active = new KeyedHeap<Queued>((a, b) => opts.less(a, b));
    this.backoff = new KeyedHeap<Queued>((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** Starts the periodic flushes. */
  run(): void {
    this.timers.push(setInterval(() => this.flushBackoffCompleted(), FLUSH_BACKOFF_EVERY_MS));
    this.timers.push(setInterval(() => this.flushUnschedulableLeftover(), FLUSH_UNSCHEDULABLE_EVERY_MS));
    for (const t of this.timers) t.unref?.();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.wake();
  }

  private backoffExpiry(q: Queued): number {
    return q.lastFailure + backoffMs(q.attempts, this.opts.initialBackoffMs, this.opts.maxBackoffMs);
  }

  private isBackingOff(q: Queued): boolean {
    return this.backoffExpiry(q) > this.now();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  /** Into active when PreEnqueue passes, else parked in unschedulable as gated. */
  private enqueue(q: Queued): void {
    const s = this.opts.preEnqueue(q.podInfo.pod);
    if (!isSuccess(s)) {
      q.gatingPlugin = s.plugin ?? 'PreEnqueue';
      q.unschedulableSince = this.now();
      this.unschedulable.set(q.key, q);
      return;
    }
    q.gatingPlugin = undefined;
    this.active.push(q.key, q);
    this.wake();
  }

  /** A new pod to schedule. */
  add(pod: Pod): void {
    const key = queueKey(pod);
    if (this.has(key) || this.inFlight.has(key)) return this.update(pod, pod);
    this.enqueue({ key, podInfo: newPodInfo(pod), timestamp: this.now(), attempts: 0, unschedulablePlugins: new Set(), lastFailure: 0 });
  }

  /** The pod changed while waiting. */
  update(old: Pod, pod: Pod): void {
    const key = queueKey(pod);
    for (const h of [this.active, this.backoff]) {
      const q = h.get(key);
      if (q) {
        q.podInfo = newPodInfo(pod);
        h.push(key, q);
        return;
      }
    }
    const q = this.unschedulable.get(key);
    if (q) {
      q.podInfo = newPodInfo(pod);
      if (q.gatingPlugin) {
        this.unschedulable.delete(key);
        return this.enqueue(q);
      }
      if (podChangeMatters(old, pod)) {
        this.unschedulable.delete(key);
        this.requeue(q);
      }
      return;
    }
    if (!this.inFlight.has(key)) this.add(pod);
  }

  delete(pod: Pod): void {
    const key = queueKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.deleteNominatedPod(pod);
  }

  /** Waits for the next pod; undefined once closed. */
  async pop(): Promise<Queued | undefined> {
    while (!this.closed) {
      const q = this.active.pop();
      if (q) {
        this.schedulingCycle++;
        q.attempts++;
        this.inFlight.set(q.key, this.schedulingCycle);
        return q;
      }
      await new Promise<void>((r) => (this.waiter = r));
    }
    return undefined;
  }

  /** The pod's cycle (scheduling and binding) ended. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The pod failed: back to unschedulable, or to backoff when it failed with an error or a cluster
   * event arrived while it was being scheduled.
   */
  addUnschedulableIfNotPresent(q: Queued, unschedulablePlugins: Set<string>, error = false): void {
    const cycle = this.inFlight.get(q.key) ?? this.schedulingCycle;
    if (this.has(q.key)) return;
    q.unschedulablePlugins = unschedulablePlugins;
    q.lastFailure = this.now();
    if (error || this.moveRequestCycle >= cycle || unschedulablePlugins.size === 0) {
      this.backoff.push(q.key, q);
      return;
    }
    q.unschedulableSince = this.now();
    this.unschedulable.set(q.key, q);
  }

  private requeue(q: Queued): void {
    q.unschedulableSince = undefined;
    if (this.isBackingOff(q)) this.backoff.push(q.key, q);
    else {
      this.active.push(q.key, q);
      this.wake();
    }
  }

  private matches(q: Queued, event: ClusterEvent, oldObj: unknown, newObj: unknown): boolean {
    if (q.gatingPlugin) return false;
    if (q.unschedulablePlugins.size === 0) return true;
    const hints = this.opts.hints(q.podInfo.pod);
    for (const plugin of q.unschedulablePlugins) {
      const registered = hints.get(plugin);
      // A plugin that registered nothing may be helped by anything.
      if (!registered) return true;
      for (const h of registered) {
        if (h.event.resource !== event.resource || (h.event.actionType & event.actionType) === 0) continue;
        if (!h.hint) return true;
        try {
          if (h.hint(q.podInfo.pod, oldObj, newObj) === 'Queue') return true;
        } catch {
          return true; // a hint that breaks must not strand the pod
        }
      }
    }
    return false;
  }

  /** A cluster event happened: retry the unschedulable pods it may help. */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, oldObj?: unknown, newObj?: unknown): void {
    for (const [key, q] of this.unschedulable) {
      if (!this.matches(q, event, oldObj, newObj)) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  flushBackoffCompleted(): void {
    for (;;) {
      const q = this.backoff.peek();
      if (!q || this.isBackingOff(q)) return;
      this.backoff.pop();
      this.active.push(q.key, q);
      this.wake();
    }
  }

  flushUnschedulableLeftover(): void {
    const max = this.opts.maxInUnschedulableMs ?? MAX_IN_UNSCHEDULABLE_MS;
    const t = this.now();
    for (const [key, q] of this.unschedulable) {
      if (q.gatingPlugin || t - (q.unschedulableSince ?? t) < max) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  /** Pods waiting in any queue (for the pending gauge): active, backoff, unschedulable, gated. */
  pendingCounts(): { active: number; backoff: number; unschedulable: number; gated: number } {
    let gated = 0;
    for (const q of this.unschedulable.values()) if (q.gatingPlugin) gated++;
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size - gated, gated };
  }

  // --- nominator ---

  addNominatedPod(pi: PodInfo, nodeName: string): void {
    this.deleteNominatedPod(pi.pod);
    const key = queueKey(pi.pod);
    let m = this.nominated.get(nodeName);
    if (!m) this.nominated.set(nodeName, (m = new Map()));
    m.set(key, pi);
    this.nominatedNodeOf.set(key, nodeName);
  }

  deleteNominatedPod(pod: Pod): void {
    const key = queueKey(pod);
    const node = this.nominatedNodeOf.get(key);
    if (node === undefined) return;
    this.nominatedNodeOf.delete(key);
    const m = this.nominated.get(node);
    m?.delete(key);
    if (m?.size === 0) this.nominated.delete(node);
  }

  /** Keeps the nominator in step with a pod's status.nominatedNodeName as the informer shows it. */
  syncNominated(pod: Pod): void {
    const nominated = pod.status?.nominatedNodeName;
    if (pod.spec.nodeName || !nominated || pod.metadata.deletionTimestamp) return this.deleteNominatedPod(pod);
    this.addNominatedPod(newPodInfo(pod), nominated);
  }

  nominatedPodsForNode(nodeName: string): PodInfo[] {
    const m = this.nominated.get(nodeName);
    return m ? [...m.values()] : NONE;
  }
}
