// Pods a Permit plugin holds before binding (upstream's waitingPodsMap): each waits until every
// plugin that said Wait allows it, one rejects it, or a plugin's timeout passes. A gang-scheduling
// or quota plugin allows pods from elsewhere through get(uid).allow(plugin).
import type { Pod } from '../../lib/api/types';
import { SUCCESS, unschedulable, type Status } from './status';

export class WaitingPod {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private result?: Status;
  private readonly waiters: ((s: Status) => void)[] = [];

  constructor(readonly pod: Pod, readonly nodeName: string, waits: Map<string, number>, private readonly onDone: () => void) {
    for (const [plugin, ms] of waits) {
      const t = setTimeout(() => this.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`), ms);
      t.unref?.();
      this.timers.set(plugin, t);
    }
  }

  pendingPlugins(): string[] {
    return [...this.timers.keys()];
  }

  allow(plugin: string): void {
    const t = this.timers.get(plugin);
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(plugin);
    if (this.timers.size === 0) this.finish(SUCCESS);
  }

  reject(plugin: string, message: string): void {
    const s = unschedulable(message);
    s.plugin = plugin;
    this.finish(s);
  }

  wait(): Promise<Status> {
    if (this.result) return Promise.resolve(this.result);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private finish(s: Status): void {
    if (this.result) return;
    this.result = s;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.onDone();
    for (const w of this.waiters.splice(0)) w(s);
  }
}

export class WaitingPods {
  private readonly pods = new Map<string, WaitingPod>();

  add(pod: Pod, nodeName: string, waits: Map<string, number>): WaitingPod {
    const uid = pod.metadata.uid ?? '';
    const wp = new WaitingPod(pod, nodeName, waits, () => this.pods.delete(uid));
    this.pods.set(uid, wp);
    return wp;
  }

  get(uid: string): WaitingPod | undefined {
    return this.pods.get(uid);
  }

  /** Resolves at once with SUCCESS when the pod is not waiting. */
  wait(uid: string): Promise<Status> {
    return this.pods.get(uid)?.wait() ?? Promise.resolve(SUCCESS);
  }

  /** Rejects every waiting pod (scheduler stopping). */
  rejectAll(message: string): void {
    for (const wp of [...this.pods.values()]) wp.reject('', message);
  }
}
