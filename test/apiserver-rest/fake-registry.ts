// An in-memory Registry for exercising the REST door without etcd: the real kind definitions
// (apiserver/resources) for defaults, validation and printing, the real patch library, and a
// simple revision counter for resourceVersion and watches. Enough for kubectl's walking skeleton.
import * as crypto from 'node:crypto';
import type { KList, KObject } from '../../lib/api/types';
import { apiError } from '../../lib/errors';
import { matchesRequirements, parseSelector } from '../../lib/api/labels';
import { applyPatch } from '../../apiserver/patch';
import type { DeleteQuery, ListQuery, PatchType, Registry, ResourceDef, WatchQuery, WatchSink, WatchStop, WriteOptions } from '../../apiserver/registry/types';
import { allResources, type ResourceSpec } from '../../apiserver/resources';
import { invalidError, objectMeta } from '../../apiserver/resources/validation';
import { matchesFields, parseFieldSelector } from '../../apiserver/registry/field-selector';

interface Watcher {
  def: ResourceDef;
  namespace?: string;
  match: (o: KObject) => boolean;
  sink: WatchSink;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class FakeRegistry implements Registry {
  private readonly specs: ResourceSpec[] = allResources();
  private readonly store = new Map<string, KObject>();
  private readonly watchers = new Set<Watcher>();
  private rev = 1;

  all(): ResourceDef[] {
    return this.specs;
  }

  resolve(apiVersion: string, resource: string): ResourceDef | undefined {
    return this.specs.find((s) => s.apiVersion === apiVersion && (s.resource === resource || s.singular === resource || s.shortNames.includes(resource)));
  }

  private key(def: ResourceDef, ns: string | undefined, name: string): string {
    return `${def.group}/${def.resource}/${def.namespaced ? ns : ''}/${name}`;
  }

  private spec(def: ResourceDef): ResourceSpec {
    return this.specs.find((s) => s.resource === def.resource && s.group === def.group)!;
  }

  private notFound(def: ResourceDef, name: string) {
    return apiError(404, 'NotFound', `${def.resource}${def.group ? '.' + def.group : ''} "${name}" not found`, { name, group: def.group, kind: def.resource });
  }

  private notify(def: ResourceDef, type: string, obj: KObject): void {
    for (const w of this.watchers) {
      if (w.def !== def) continue;
      if (def.namespaced && w.namespace && obj.metadata.namespace !== w.namespace) continue;
      if (w.match(obj)) w.sink.send(type, clone(obj));
    }
  }

  private matcher(def: ResourceDef, q: { labelSelector?: string; fieldSelector?: string }): (o: KObject) => boolean {
    const lreq = parseSelector(q.labelSelector);
    const freq = parseFieldSelector(def, q.fieldSelector);
    return (o) => matchesRequirements(lreq, o.metadata.labels) && matchesFields(def, freq, o);
  }

  async get(def: ResourceDef, ns: string | undefined, name: string, sub?: string): Promise<KObject> {
    const o = this.store.get(this.key(def, ns, name));
    if (!o) throw this.notFound(def, name);
    if (sub === 'scale') return this.scaleOf(o);
    return clone(o);
  }

  private scaleOf(o: KObject): KObject {
    const spec = o.spec as { replicas?: number };
    const status = (o.status ?? {}) as { replicas?: number };
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: spec.replicas ?? 1 },
      status: { replicas: status.replicas ?? 0 },
    };
  }

  async list(def: ResourceDef, ns: string | undefined, q: ListQuery): Promise<KList> {
    const m = this.matcher(def, q);
    const prefix = `${def.group}/${def.resource}/${def.namespaced && ns ? ns + '/' : ''}`;
    const items = [...this.store.entries()].filter(([k, o]) => k.startsWith(prefix) && m(o)).map(([, o]) => clone(o));
    return { apiVersion: def.apiVersion, kind: def.listKind, metadata: { resourceVersion: String(this.rev) }, items };
  }

  private write(def: ResourceDef, obj: KObject, type: 'ADDED' | 'MODIFIED', dry?: boolean): KObject {
    if (dry) return clone(obj);
    obj.metadata.resourceVersion = String(++this.rev);
    this.store.set(this.key(def, obj.metadata.namespace, obj.metadata.name!), clone(obj));
    this.notify(def, type, obj);
    return clone(obj);
  }

  private check(spec: ResourceSpec, obj: KObject): void {
    const errs = [...objectMeta(obj.metadata, spec.namespaced, spec.nameRule), ...(spec.validate?.(obj) ?? [])];
    if (errs.length) throw invalidError(spec.kind, obj.metadata.name ?? '', errs, spec.group);
  }

  async create(def: ResourceDef, ns: string | undefined, obj: KObject, opts: WriteOptions & { name?: string }): Promise<KObject> {
    if (opts.subresource) throw apiError(405, 'MethodNotAllowed', `create on ${opts.subresource} is not supported by the fake`);
    const spec = this.spec(def);
    obj = clone(obj);
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + crypto.randomBytes(3).toString('hex').slice(0, 5);
    spec.defaults?.(obj);
    this.check(spec, obj);
    if (this.store.has(this.key(def, ns, obj.metadata.name!))) {
      throw apiError(409, 'AlreadyExists', `${def.resource}${def.group ? '.' + def.group : ''} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, group: def.group, kind: def.resource });
    }
    spec.prepareForCreate?.(obj);
    obj.metadata.uid = crypto.randomUUID();
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (spec.generationSource) obj.metadata.generation = 1;
    return this.write(def, obj, 'ADDED', opts.dryRun);
  }

  async update(def: ResourceDef, ns: string | undefined, name: string, obj: KObject, opts: WriteOptions): Promise<KObject> {
    const old = await this.get(def, ns, name);
    const spec = this.spec(def);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw apiError(409, 'Conflict', `Operation cannot be fulfilled on ${def.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    let next: KObject;
    if (opts.subresource === 'scale') {
      next = clone(old);
      (next.spec as { replicas?: number }).replicas = (obj.spec as { replicas?: number } | undefined)?.replicas;
    } else if (opts.subresource === 'status') {
      next = { ...clone(old), status: clone(obj.status) };
    } else {
      next = clone(obj);
      next.metadata = { ...clone(old.metadata), ...clone(obj.metadata), uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp };
      if (spec.hasStatus) next.status = clone(old.status);
      spec.defaults?.(next);
      spec.prepareForUpdate?.(next, old);
      this.check(spec, next);
    }
    if (spec.generationSource && JSON.stringify(spec.generationSource(next)) !== JSON.stringify(spec.generationSource(old))) {
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    const out = this.write(def, next, 'MODIFIED', opts.dryRun);
    return opts.subresource === 'scale' ? this.scaleOf(out) : out;
  }

  async patch(def: ResourceDef, ns: string | undefined, name: string, type: PatchType, patch: unknown, opts: WriteOptions): Promise<KObject> {
    const current = await this.get(def, ns, name, opts.subresource);
    const patched = applyPatch(type, current, patch, opts.subresource === 'scale' ? 'Scale' : def.kind);
    delete patched.metadata.resourceVersion;
    return this.update(def, ns, name, patched, opts);
  }

  async delete(def: ResourceDef, ns: string | undefined, name: string, q: DeleteQuery): Promise<KObject> {
    const o = await this.get(def, ns, name);
    if (q.preconditions?.uid && q.preconditions.uid !== o.metadata.uid) throw apiError(409, 'Conflict', 'Precondition failed: UID in precondition does not match');
    if (q.dryRun) return o;
    this.store.delete(this.key(def, ns, name));
    o.metadata.resourceVersion = String(++this.rev);
    this.notify(def, 'DELETED', o);
    return o;
  }

  async watch(def: ResourceDef, ns: string | undefined, q: WatchQuery, sink: WatchSink): Promise<WatchStop> {
    const w: Watcher = { def, namespace: ns, match: this.matcher(def, q), sink };
    // Without a resourceVersion, a watch starts with the current state as ADDED events.
    if (!q.resourceVersion || q.resourceVersion === '0') {
      for (const o of (await this.list(def, ns, q)).items) sink.send('ADDED', o);
    }
    this.watchers.add(w);
    return { stop: () => this.watchers.delete(w) };
  }

  /** Number of open watches (tests check that client disconnects stop them). */
  watchCount(): number {
    return this.watchers.size;
  }
}
