// An in-memory ApiClient for kubelet tests: objects by resource, a global revision, watches that
// see later changes, and just the field selectors the kubelet uses (spec.nodeName=, metadata.name=).
import { randomUUID } from 'node:crypto';
import type { KList, KObject } from '../../lib/api/types';
import type { ResourceType } from '../../lib/api/resources';
import type { ApiClient, DeleteOptions, ListOptions, WatchCallbacks, WatchHandle, WatchOptions } from '../../lib/client/api-client';
import { apiError } from '../../lib/errors';

type Watcher = { rt: string; ns?: string; field?: string; cb: WatchCallbacks<any> };

export class FakeApi implements ApiClient {
  rev = 1;
  readonly store = new Map<string, Map<string, KObject>>();
  private watchers = new Set<Watcher>();

  private bucket(rt: ResourceType) {
    let b = this.store.get(rt.resource);
    if (!b) this.store.set(rt.resource, (b = new Map()));
    return b;
  }
  private key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  private matches(o: KObject, ns?: string, field?: string) {
    if (ns && o.metadata.namespace !== ns) return false;
    if (field?.startsWith('spec.nodeName=')) return (o as any).spec?.nodeName === field.slice('spec.nodeName='.length);
    if (field?.startsWith('metadata.name=')) return o.metadata.name === field.slice('metadata.name='.length);
    return true;
  }
  private emit(rt: ResourceType, type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KObject) {
    for (const w of this.watchers) if (w.rt === rt.resource && this.matches(o, w.ns, w.field)) w.cb.onEvent({ type, object: structuredClone(o) });
  }

  async get<T extends KObject>(rt: ResourceType, ns: string | undefined, name: string): Promise<T> {
    const o = this.bucket(rt).get(this.key(rt.namespaced ? ns : undefined, name));
    if (!o) throw apiError(404, 'NotFound', `${rt.resource} "${name}" not found`);
    return structuredClone(o) as T;
  }
  async list<T extends KObject>(rt: ResourceType, ns?: string, opts: ListOptions = {}): Promise<KList<T>> {
    const items = [...this.bucket(rt).values()].filter((o) => this.matches(o, ns, opts.fieldSelector));
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rev) }, items: structuredClone(items) as T[] };
  }
  async create<T extends KObject>(rt: ResourceType, obj: T): Promise<T> {
    const o = structuredClone(obj);
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + randomUUID().slice(0, 5);
    const k = this.key(rt.namespaced ? o.metadata.namespace : undefined, o.metadata.name!);
    if (this.bucket(rt).has(k)) throw apiError(409, 'AlreadyExists', `${rt.resource} "${o.metadata.name}" already exists`);
    o.metadata.uid = o.metadata.uid ?? randomUUID();
    o.metadata.resourceVersion = String(++this.rev);
    o.metadata.creationTimestamp = new Date().toISOString();
    this.bucket(rt).set(k, o);
    this.emit(rt, 'ADDED', o);
    return structuredClone(o);
  }
  async update<T extends KObject>(rt: ResourceType, obj: T): Promise<T> {
    const k = this.key(rt.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name!);
    const cur = this.bucket(rt).get(k);
    if (!cur) throw apiError(404, 'NotFound', 'not found');
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) throw apiError(409, 'Conflict', 'conflict');
    const o = structuredClone(obj);
    o.metadata.resourceVersion = String(++this.rev);
    this.bucket(rt).set(k, o);
    this.emit(rt, 'MODIFIED', o);
    return structuredClone(o);
  }
  updateStatus<T extends KObject>(rt: ResourceType, obj: T): Promise<T> {
    return this.update(rt, obj);
  }
  async patch<T extends KObject>(rt: ResourceType, ns: string | undefined, name: string, _t: string, patch: any): Promise<T> {
    const cur = await this.get<T>(rt, ns, name);
    return this.update(rt, { ...cur, ...patch, metadata: { ...cur.metadata, ...(patch.metadata ?? {}) } });
  }
  async delete(rt: ResourceType, ns: string | undefined, name: string, opts?: DeleteOptions): Promise<void> {
    const k = this.key(rt.namespaced ? ns : undefined, name);
    const cur = this.bucket(rt).get(k);
    if (!cur) throw apiError(404, 'NotFound', 'not found');
    if (opts?.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid) throw apiError(409, 'Conflict', 'uid precondition');
    // Pods on a node get a graceful deletion first; the kubelet's grace-0 delete removes them.
    if (rt.resource === 'pods' && (cur as any).spec?.nodeName && opts?.gracePeriodSeconds !== 0 && !cur.metadata.deletionTimestamp) {
      const o = structuredClone(cur);
      o.metadata.deletionTimestamp = new Date().toISOString();
      // As the apiserver: the request's grace period, else the pod's own (default 30 s).
      o.metadata.deletionGracePeriodSeconds = opts?.gracePeriodSeconds ?? (cur as any).spec?.terminationGracePeriodSeconds ?? 30;
      o.metadata.resourceVersion = String(++this.rev);
      this.bucket(rt).set(k, o);
      this.emit(rt, 'MODIFIED', o);
      return;
    }
    this.bucket(rt).delete(k);
    cur.metadata.resourceVersion = String(++this.rev);
    this.emit(rt, 'DELETED', cur);
  }
  watch<T extends KObject>(rt: ResourceType, ns: string | undefined, opts: WatchOptions, cb: WatchCallbacks<T>): WatchHandle {
    const w: Watcher = { rt: rt.resource, ns, field: opts.fieldSelector, cb };
    this.watchers.add(w);
    return { stop: () => this.watchers.delete(w) };
  }
  /** Removes an object without the graceful step (as if deleted while the kubelet was away). */
  forceRemove(rt: ResourceType, ns: string | undefined, name: string): void {
    const k = this.key(rt.namespaced ? ns : undefined, name);
    const cur = this.bucket(rt).get(k);
    if (!cur) return;
    this.bucket(rt).delete(k);
    this.emit(rt, 'DELETED', cur);
  }
  close(): void {
    for (const w of this.watchers) w.cb.onClose();
    this.watchers.clear();
  }
}
