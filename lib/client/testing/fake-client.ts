// An in-memory ApiClient for controller and scheduler unit tests: objects live in a Map, every
// write bumps one global resourceVersion counter, watches replay from a resourceVersion and then
// follow live changes. It mimics the apiserver rules the controllers depend on: optimistic
// concurrency (409 Conflict), generateName, uid, generation bumps on spec changes, status kept apart
// from the main resource, finalizers with deletionTimestamp, and the pods/binding subresource.
import { randomUUID } from 'node:crypto';
import type { KList, KObject } from '../../api/types';
import type { ResourceType } from '../../api/resources';
import type {
  ApiClient,
  DeleteOptions,
  ListOptions,
  WatchCallbacks,
  WatchEvent,
  WatchEventType,
  WatchHandle,
  WatchOptions,
} from '../api-client';
import { apiError } from '../../errors';
import { matchesRequirements, parseSelector } from '../../api/labels';

export interface FakeAction {
  verb: 'create' | 'update' | 'updateStatus' | 'patch' | 'delete';
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  object?: KObject;
}

interface Stored {
  rt: ResourceType;
  obj: KObject;
}

interface HistoryEntry {
  rv: number;
  resource: string;
  type: WatchEventType;
  obj: KObject;
}

interface Watcher {
  resource: string;
  namespace?: string;
  match: (o: KObject) => boolean;
  cb: WatchCallbacks<KObject>;
}

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

function storeKey(rt: ResourceType, ns: string | undefined, name: string): string {
  return `${rt.resource}|${rt.namespaced ? ns ?? '' : ''}|${name}`;
}

/** The object without status/resourceVersion fields, to tell whether a spec change bumps generation. */
function specOf(o: KObject): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A field selector of the form a.b=v[,c.d!=w] evaluated against object paths. */
function fieldMatches(sel: string | undefined, o: KObject): boolean {
  if (!sel) return true;
  return sel.split(',').every((term) => {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term.trim());
    if (!m) return true;
    let v: any = o;
    for (const p of m[1].split('.')) v = v?.[p];
    const s = v === undefined || v === null ? '' : String(v);
    return m[2] === '!=' ? s !== m[3] : s === m[3];
  });
}

export class FakeApiClient implements ApiClient {
  private readonly objects = new Map<string, Stored>();
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 0;
  private seq = 0;
  /** Every write, in order, so tests can assert what a controller did. */
  readonly actions: FakeAction[] = [];
  /** Runs before each write; throw to inject a failure. */
  beforeWrite?: (a: FakeAction) => void;
  /** The clock used for creationTimestamp and deletionTimestamp. */
  now: () => Date = () => new Date();

  /** Stores an object directly (test setup), emitting an ADDED event; fills uid, rv, timestamps. */
  seed<T extends KObject>(rt: ResourceType, obj: T): T {
    const o = clone(obj);
    o.apiVersion ??= rt.apiVersion;
    o.kind ??= rt.kind;
    o.metadata.uid ??= randomUUID();
    o.metadata.creationTimestamp ??= this.now().toISOString();
    o.metadata.generation ??= 1;
    if (!rt.namespaced) delete o.metadata.namespace;
    return this.put(rt, o, 'ADDED') as T;
  }

  /** Direct read of the stored object (a copy), or undefined. */
  peek<T extends KObject>(rt: ResourceType, namespace: string | undefined, name: string): T | undefined {
    return clone(this.objects.get(storeKey(rt, namespace, name))?.obj as T | undefined);
  }

  /** All stored objects of a resource (copies), optionally in one namespace. */
  all<T extends KObject>(rt: ResourceType, namespace?: string): T[] {
    const out: T[] = [];
    for (const s of this.objects.values()) {
      if (s.rt.resource !== rt.resource) continue;
      if (namespace !== undefined && rt.namespaced && s.obj.metadata.namespace !== namespace) continue;
      out.push(clone(s.obj) as T);
    }
    return out.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  }

  /** Changes an object in place as another actor would (a kubelet setting pod status, a user edit). */
  mutate<T extends KObject>(rt: ResourceType, namespace: string | undefined, name: string, fn: (o: T) => void): T {
    const s = this.objects.get(storeKey(rt, namespace, name));
    if (!s) throw apiError(404, 'NotFound', `${rt.resource} "${name}" not found`);
    const o = clone(s.obj) as T;
    const before = specOf(o);
    fn(o);
    if (specOf(o) !== before) o.metadata.generation = (o.metadata.generation ?? 1) + 1;
    return this.put(rt, o, 'MODIFIED') as T;
  }

  private put(rt: ResourceType, o: KObject, type: WatchEventType): KObject {
    o.metadata.resourceVersion = String(++this.rv);
    const key = storeKey(rt, o.metadata.namespace, o.metadata.name!);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, { rt, obj: o });
    this.history.push({ rv: this.rv, resource: rt.resource, type, obj: clone(o) });
    this.notify(rt.resource, type, o);
    return clone(o);
  }

  private notify(resource: string, type: WatchEventType, o: KObject): void {
    for (const w of [...this.watchers]) {
      if (w.resource !== resource) continue;
      if (w.namespace && o.metadata.namespace !== w.namespace) continue;
      if (!w.match(o)) continue;
      w.cb.onEvent({ type, object: clone(o) } as WatchEvent<KObject>);
    }
  }

  private record(a: FakeAction): void {
    this.beforeWrite?.(a);
    this.actions.push({ ...a, object: clone(a.object) });
  }

  private must(rt: ResourceType, ns: string | undefined, name: string): Stored {
    const s = this.objects.get(storeKey(rt, ns, name));
    if (!s) throw apiError(404, 'NotFound', `${rt.resource} "${name}" not found`, { name, kind: rt.resource });
    return s;
  }

  async get<T extends KObject>(rt: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return clone(this.must(rt, namespace, name).obj) as T;
  }

  async list<T extends KObject>(rt: ResourceType, namespace?: string, opts: ListOptions = {}): Promise<KList<T>> {
    const reqs = parseSelector(opts.labelSelector);
    const items = this.all<T>(rt, namespace || undefined).filter(
      (o) => matchesRequirements(reqs, o.metadata.labels) && fieldMatches(opts.fieldSelector, o),
    );
    return { apiVersion: rt.apiVersion, kind: `${rt.kind}List`, metadata: { resourceVersion: String(this.rv) }, items };
  }

  async create<T extends KObject>(rt: ResourceType, obj: T, subresource?: string): Promise<T> {
    const ns = rt.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
    if (subresource === 'binding') return this.bind(rt, ns, obj) as unknown as T;
    if (subresource) throw apiError(405, 'MethodNotAllowed', `create ${subresource} not supported by the fake`);
    const o = clone(obj);
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${(++this.seq).toString(36).padStart(5, 'x')}`;
    if (!o.metadata.name) throw apiError(422, 'Invalid', 'name or generateName is required');
    this.record({ verb: 'create', resource: rt.resource, namespace: ns, name: o.metadata.name, object: o });
    if (this.objects.has(storeKey(rt, ns, o.metadata.name))) {
      throw apiError(409, 'AlreadyExists', `${rt.resource} "${o.metadata.name}" already exists`, { name: o.metadata.name });
    }
    o.apiVersion ??= rt.apiVersion;
    o.kind ??= rt.kind;
    if (ns) o.metadata.namespace = ns;
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = this.now().toISOString();
    o.metadata.generation = 1;
    delete o.metadata.deletionTimestamp;
    return this.put(rt, o, 'ADDED') as T;
  }

  private bind(rt: ResourceType, ns: string | undefined, binding: KObject): KObject {
    const name = binding.metadata.name!;
    this.record({ verb: 'create', resource: rt.resource, namespace: ns, name, subresource: 'binding', object: binding });
    const s = this.must(rt, ns, name);
    const pod = clone(s.obj) as any;
    if (pod.spec.nodeName) throw apiError(409, 'Conflict', `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    pod.spec.nodeName = (binding as any).target.name;
    this.put(rt, pod, 'MODIFIED');
    return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 } as unknown as KObject;
  }

  private checkRv(cur: KObject, next: KObject): void {
    const want = next.metadata.resourceVersion;
    if (want && want !== cur.metadata.resourceVersion) {
      throw apiError(409, 'Conflict', `Operation cannot be fulfilled on ${cur.kind} "${cur.metadata.name}": the object has been modified`);
    }
  }

  /** Writes o over the current object, completing a pending deletion when no finalizer remains. */
  private write(rt: ResourceType, cur: KObject, o: KObject): KObject {
    o.metadata.uid = cur.metadata.uid;
    o.metadata.creationTimestamp = cur.metadata.creationTimestamp;
    o.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
    if (!o.metadata.deletionTimestamp) delete o.metadata.deletionTimestamp;
    o.metadata.generation = cur.metadata.generation;
    if (specOf(o) !== specOf(cur)) o.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    if (o.metadata.deletionTimestamp && !(o.metadata.finalizers ?? []).length) return this.put(rt, o, 'DELETED');
    return this.put(rt, o, 'MODIFIED');
  }

  async update<T extends KObject>(rt: ResourceType, obj: T): Promise<T> {
    const ns = rt.namespaced ? obj.metadata.namespace : undefined;
    this.record({ verb: 'update', resource: rt.resource, namespace: ns, name: obj.metadata.name, object: obj });
    const s = this.must(rt, ns, obj.metadata.name!);
    this.checkRv(s.obj, obj);
    const o: KObject = clone(obj);
    if ('status' in s.obj) o.status = clone(s.obj.status);
    else delete o.status;
    return this.write(rt, s.obj, o) as T;
  }

  async updateStatus<T extends KObject>(rt: ResourceType, obj: T): Promise<T> {
    const ns = rt.namespaced ? obj.metadata.namespace : undefined;
    this.record({ verb: 'updateStatus', resource: rt.resource, namespace: ns, name: obj.metadata.name, subresource: 'status', object: obj });
    const s = this.must(rt, ns, obj.metadata.name!);
    this.checkRv(s.obj, obj);
    const o = clone(s.obj);
    o.status = clone(obj.status);
    return this.write(rt, s.obj, o) as T;
  }

  async patch<T extends KObject>(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: 'merge' | 'json' | 'strategic',
    patch: unknown,
    subresource?: string,
  ): Promise<T> {
    const ns = rt.namespaced ? namespace : undefined;
    this.record({ verb: 'patch', resource: rt.resource, namespace: ns, name, subresource, object: patch as KObject });
    if (patchType === 'json') throw apiError(415, 'UnsupportedMediaType', 'json patch not supported by the fake');
    const s = this.must(rt, ns, name);
    const p = patch as KObject;
    if (p?.metadata?.resourceVersion) this.checkRv(s.obj, p);
    const merged = mergePatch(s.obj, patch) as KObject;
    const o = clone(s.obj);
    if (subresource === 'status') o.status = merged.status;
    else Object.assign(o, merged, { status: s.obj.status });
    if (o.status === undefined) delete o.status;
    return this.write(rt, s.obj, o) as T;
  }

  async delete(rt: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<void> {
    const ns = rt.namespaced ? namespace : undefined;
    this.record({ verb: 'delete', resource: rt.resource, namespace: ns, name });
    const s = this.must(rt, ns, name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== s.obj.metadata.uid) {
      throw apiError(409, 'Conflict', `precondition failed: uid ${opts.preconditions.uid}`);
    }
    const o = clone(s.obj);
    const fin = new Set(o.metadata.finalizers ?? []);
    if (opts.propagationPolicy === 'Foreground') fin.add('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan') fin.add('orphan');
    if (fin.size === 0) {
      this.put(rt, o, 'DELETED');
      return;
    }
    if (o.metadata.deletionTimestamp && fin.size === (o.metadata.finalizers ?? []).length) return;
    o.metadata.finalizers = [...fin];
    o.metadata.deletionTimestamp ??= this.now().toISOString();
    this.put(rt, o, 'MODIFIED');
  }

  watch<T extends KObject>(rt: ResourceType, namespace: string | undefined, opts: WatchOptions, cb: WatchCallbacks<T>): WatchHandle {
    const reqs = parseSelector(opts.labelSelector);
    const w: Watcher = {
      resource: rt.resource,
      namespace: rt.namespaced ? namespace || undefined : undefined,
      match: (o) => matchesRequirements(reqs, o.metadata.labels) && fieldMatches(opts.fieldSelector, o),
      cb: cb as unknown as WatchCallbacks<KObject>,
    };
    const from = Number(opts.resourceVersion || this.rv);
    let stopped = false;
    // Replay asynchronously, like a real stream, then follow live events. The replay and the
    // registration happen in one synchronous step, so no write can fall between them.
    queueMicrotask(() => {
      if (stopped) return;
      for (const h of this.history) {
        if (h.rv <= from || h.resource !== rt.resource) continue;
        if (w.namespace && h.obj.metadata.namespace !== w.namespace) continue;
        if (w.match(h.obj)) cb.onEvent({ type: h.type, object: clone(h.obj) as T });
      }
      this.watchers.add(w);
    });
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        this.watchers.delete(w);
        cb.onClose();
      },
    };
  }

  /** Ends every open watch with an error, as an apiserver restart would. */
  breakWatches(err?: Error): void {
    for (const w of [...this.watchers]) {
      this.watchers.delete(w);
      w.cb.onClose(err ?? apiError(500, 'InternalError', 'watch broken by test'));
    }
  }

  close(): void {
    for (const w of [...this.watchers]) {
      this.watchers.delete(w);
      w.cb.onClose();
    }
  }
}
