// Namespace deletion: mark the namespace Terminating, delete everything in it pass by pass (pods
// go through their graceful path, so kubelets stop them), and remove the namespace once empty.
import type { KObject } from '../../lib/api/types';
import { apiError, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { ResourceSpec } from '../resources/types';
import type { EtcdStore } from '../storage/etcd-store';
import type { DeleteQuery } from './types';
import { deepCopy } from './object-meta';

const log = componentLogger('apiserver', { part: 'namespace-cleanup' });
const NS = { group: '', resource: 'namespaces' };

export interface NamespaceCleanerOptions {
  store: EtcdStore;
  specs: ResourceSpec[];
  deleteObject(s: ResourceSpec, namespace: string, name: string, q: DeleteQuery): Promise<KObject>;
  intervalMs: number;
  now: () => Date;
}

export class NamespaceCleaner {
  private running = new Set<string>();
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly o: NamespaceCleanerOptions) {}

  /** Handles DELETE of a namespace: marks it and starts the cleanup; returns the marked namespace. */
  async begin(ns: KObject, q: DeleteQuery): Promise<KObject> {
    const name = ns.metadata.name!;
    if (['default', 'kube-system', 'kube-public'].includes(name))
      throw apiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    if (q.dryRun) return ns;
    let marked = ns;
    if (!ns.metadata.deletionTimestamp) {
      const next = deepCopy(ns) as KObject & { status?: { phase?: string } };
      next.metadata.deletionTimestamp = this.o.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      next.metadata.deletionGracePeriodSeconds = 0;
      next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      marked = await this.o.store.update({ ...NS, name }, next, ns.metadata.resourceVersion);
    }
    this.schedule(name, 0);
    return marked;
  }

  async resume(): Promise<void> {
    const all = await this.o.store.list(NS);
    for (const ns of all.items) if (ns.metadata.deletionTimestamp) this.schedule(ns.metadata.name!, 0);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(name: string, delay: number): void {
    if (this.stopped || this.running.has(name)) return;
    this.running.add(name);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.pass(name)
        .then((done) => {
          this.running.delete(name);
          if (!done) this.schedule(name, this.o.intervalMs);
        })
        .catch((e) => {
          this.running.delete(name);
          log.warn({ namespace: name, err: String(e) }, 'namespace cleanup pass failed');
          this.schedule(name, this.o.intervalMs);
        });
    }, delay);
    this.timers.add(t);
  }

  /** One pass: delete what is left; true when the namespace itself is gone. */
  private async pass(name: string): Promise<boolean> {
    let left = 0;
    for (const s of this.o.specs) {
      if (!s.namespaced) continue;
      const objs = await this.o.store.list({ group: s.group, resource: s.resource, namespace: name });
      // Values that cannot be decoded go too (deleted as they are); else the namespace never empties.
      for (const c of objs.corrupt) {
        left++;
        await this.o.deleteObject(s, name, c.name, { propagationPolicy: 'Background' }).catch((e) => {
          if (!isNotFound(e)) throw e;
        });
      }
      for (const obj of objs.items) {
        left++;
        if (obj.metadata.deletionTimestamp && s.resource !== 'pods') continue;
        if (obj.metadata.deletionTimestamp) continue; // a kubelet is finishing this pod
        await this.o.deleteObject(s, name, obj.metadata.name!, { propagationPolicy: 'Background' }).catch((e) => {
          if (!isNotFound(e)) throw e;
        });
      }
    }
    if (left > 0) return false;
    try {
      const ns = await this.o.store.get({ ...NS, name });
      await this.o.store.delete({ ...NS, name }, ns.metadata.resourceVersion);
      log.info({ namespace: name }, 'namespace removed');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return true;
  }
}
