// An in-memory ApiClient just big enough for kube-proxy's informers: list returns the stored
// objects, watch delivers later changes made through set()/remove().
import type { KList, KObject } from '../../lib/api/types';
import type { ResourceType } from '../../lib/api/resources';
import type { ApiClient, WatchCallbacks, WatchEventType } from '../../lib/client/api-client';

type Watcher = { resource: string; cb: WatchCallbacks<KObject> };

export class FakeClient implements ApiClient {
  private readonly store = new Map<string, Map<string, KObject>>();
  private readonly watchers = new Set<Watcher>();
  private rv = 1;

  private bucket(resource: string): Map<string, KObject> {
    let b = this.store.get(resource);
    if (!b) this.store.set(resource, (b = new Map()));
    return b;
  }

  private emit(resource: string, type: WatchEventType, obj: KObject): void {
    for (const w of this.watchers) if (w.resource === resource) w.cb.onEvent({ type, object: obj });
  }

  set(rt: ResourceType, obj: KObject): void {
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const b = this.bucket(rt.resource);
    const existed = b.has(key);
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    b.set(key, stored);
    this.emit(rt.resource, existed ? 'MODIFIED' : 'ADDED', stored);
  }

  remove(rt: ResourceType, namespace: string | undefined, name: string): void {
    const b = this.bucket(rt.resource);
    const key = `${namespace ?? ''}/${name}`;
    const obj = b.get(key);
    if (!obj) return;
    b.delete(key);
    this.emit(rt.resource, 'DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } });
  }

  async list<T extends KObject = KObject>(rt: ResourceType): Promise<KList<T>> {
    return {
      apiVersion: 'v1',
      kind: `${rt.kind}List`,
      metadata: { resourceVersion: String(this.rv) },
      items: [...this.bucket(rt.resource).values()] as T[],
    };
  }

  watch<T extends KObject = KObject>(rt: ResourceType, _ns: string | undefined, _opts: unknown, cb: WatchCallbacks<T>) {
    const w: Watcher = { resource: rt.resource, cb: cb as unknown as WatchCallbacks<KObject> };
    this.watchers.add(w);
    return { stop: () => void this.watchers.delete(w) };
  }

  private unsupported(): never {
    throw new Error('not supported by FakeClient');
  }
  async get<T extends KObject>(): Promise<T> {
    return this.unsupported();
  }
  async create<T extends KObject>(): Promise<T> {
    return this.unsupported();
  }
  async update<T extends KObject>(): Promise<T> {
    return this.unsupported();
  }
  async updateStatus<T extends KObject>(): Promise<T> {
    return this.unsupported();
  }
  async patch<T extends KObject>(): Promise<T> {
    return this.unsupported();
  }
  async delete(): Promise<void> {
    return this.unsupported();
  }
  close(): void {
    this.watchers.clear();
  }
}
