// One stored kind served under more group versions, as kube-apiserver serves autoscaling/v1 and
// v2 HorizontalPodAutoscalers from the same etcd objects: a registry decorator that adds a
// ResourceDef per extra version (ResourceSpec.servedVersions) and converts on the way in (to the
// storage version, before defaulting and validation) and out (every object, list item and watch
// event in the version asked for). resourceVersion, uid and the rest of metadata pass unchanged;
// a patch applies to the object as the client's version shows it, as upstream patches. Both
// doors sit above this, so gRPC clients and kubectl see the same versions.
import type { TSchema } from '@sinclair/typebox';
import type { KList, KObject } from '../../lib/api/types';
import { apiError, isConflict } from '../../lib/errors';
import type { ResourceSpec, ServedVersion } from '../resources/types';
import { invalid, invalidError } from '../resources/validation';
import { ConversionError } from '../resources/conversion-error';
import { applyPatch } from '../patch';
import { deepCopy } from './object-meta';
import type { CoreRegistry } from './registry';
import { schemaErrors } from './schema-check';
import type { ResourceDef, WatchSink } from './types';
import { checkDepth, MAX_RETRIES } from './write-checks';

/** The ResourceDef of a converted version, with what the doors read of it (schema, printRow). */
export type VersionDef = ResourceDef & { schema: TSchema; storedAs: string };

interface Converted {
  def: VersionDef;
  storage: ResourceSpec;
  version: ServedVersion;
}

/** The ResourceDef one extra version of a spec is served under. Pure. */
export function versionDef(spec: ResourceSpec, v: ServedVersion): VersionDef {
  return {
    group: spec.group,
    version: v.version,
    apiVersion: spec.group ? `${spec.group}/${v.version}` : v.version,
    kind: spec.kind,
    listKind: spec.listKind,
    resource: spec.resource,
    singular: spec.singular,
    shortNames: spec.shortNames,
    categories: spec.categories,
    namespaced: spec.namespaced,
    verbs: spec.verbs,
    subresources: spec.subresources,
    printerColumns: spec.printerColumns,
    // Rows are computed on the stored form: the columns are the same in every version.
    printRow: (o) => spec.printRow(v.toStorage(o)),
    fieldSelectors: spec.fieldSelectors,
    schema: v.schema,
    storedAs: spec.apiVersion,
  };
}

/** Every served definition: each stored kind followed by its converted versions (discovery order). */
export function withVersionDefs(specs: ResourceDef[]): ResourceDef[] {
  return specs.flatMap((s) => [s, ...((s as ResourceSpec).servedVersions ?? []).map((v) => versionDef(s as ResourceSpec, v))]);
}

export function withServedVersions(inner: CoreRegistry): CoreRegistry {
  const defs = withVersionDefs(inner.all());
  const converted = new Map<string, Converted>();
  for (const s of inner.all() as ResourceSpec[]) {
    for (const v of s.servedVersions ?? []) {
      const def = defs.find((d) => d.storedAs === s.apiVersion && d.version === v.version && d.resource === s.resource) as VersionDef;
      converted.set(`${def.apiVersion}|${s.resource}`, { def, storage: s, version: v });
    }
  }
  const names = new Map<string, VersionDef>();
  for (const { def } of converted.values()) for (const n of [def.resource, def.singular, ...def.shortNames]) names.set(`${def.apiVersion}|${n.toLowerCase()}`, def);
  const of = (def: ResourceDef): Converted | undefined => (def.storedAs ? converted.get(`${def.apiVersion}|${def.resource}`) : undefined);

  /** Objects of the kind are converted; anything else (a Status, a Scale) passes as it is. */
  const out = (c: Converted, o: KObject): KObject => (o && o.kind === c.storage.kind ? c.version.fromStorage(o) : o);

  /**
   * A request body in the client's version, as the stored version: its type metadata must name
   * this version, and its fields are judged against this version's schema first, so a wrong type
   * is reported at the path the client wrote.
   */
  function inward(c: Converted, obj: KObject): KObject {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw apiError(400, 'BadRequest', 'the request body must be a JSON object');
    checkDepth(obj);
    if (obj.apiVersion && obj.apiVersion !== c.def.apiVersion)
      throw apiError(400, 'BadRequest', `the API version in the data (${obj.apiVersion}) does not match the expected API version (${c.def.apiVersion})`);
    if (obj.kind && obj.kind !== c.def.kind) throw apiError(400, 'BadRequest', `the kind in the data (${obj.kind}) does not match the expected kind (${c.def.kind})`);
    const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
    const errs = schemaErrors(c.def.schema, obj);
    if (errs.length) throw invalidError(c.def.kind, name, errs);
    try {
      return c.version.toStorage({ ...obj, metadata: obj.metadata ?? {} });
    } catch (e) {
      if (e instanceof ConversionError) throw invalidError(c.def.kind, name, [invalid(e.field, e.value, e.detail)]);
      throw e;
    }
  }

  const convertList = (c: Converted, l: KList): KList => ({ ...l, apiVersion: c.def.apiVersion, items: l.items.map((o) => out(c, o)) });

  function convertingSink(c: Converted, sink: WatchSink): WatchSink {
    return {
      send: (type, object) => {
        if (type === 'ERROR') return sink.send(type, object);
        // A bookmark carries only a resourceVersion: it is relabelled, not converted.
        if (type === 'BOOKMARK') return sink.send(type, { ...object, apiVersion: c.def.apiVersion });
        sink.send(type, out(c, object as KObject));
      },
      end: () => sink.end(),
    };
  }

  /** Status-like writes go through the conversion; other subresources (scale) speak their own kind. */
  const convertsBody = (sub: string | undefined) => sub === undefined || sub === 'status';

  return {
    ...inner,
    all: () => defs,
    resolve: (apiVersion, resource) => names.get(`${apiVersion}|${resource.toLowerCase()}`) ?? inner.resolve(apiVersion, resource),
    spec: (def) => inner.spec(of(def)?.storage ?? def),
    async get(def, ns, name, sub) {
      const c = of(def);
      if (!c) return inner.get(def, ns, name, sub);
      return out(c, await inner.get(c.storage, ns, name, sub));
    },
    async list(def, ns, q) {
      const c = of(def);
      if (!c) return inner.list(def, ns, q);
      return convertList(c, await inner.list(c.storage, ns, q));
    },
    async create(def, ns, obj, o) {
      const c = of(def);
      if (!c) return inner.create(def, ns, obj, o);
      return out(c, await inner.create(c.storage, ns, convertsBody(o.subresource) ? inward(c, obj) : obj, o));
    },
    async update(def, ns, name, obj, o) {
      const c = of(def);
      if (!c) return inner.update(def, ns, name, obj, o);
      return out(c, await inner.update(c.storage, ns, name, convertsBody(o.subresource) ? inward(c, obj) : obj, o));
    },
    async patch(def, ns, name, type, body, o) {
      const c = of(def);
      if (!c || !convertsBody(o.subresource)) return c ? out(c, await inner.patch(c.storage, ns, name, type, body, o)) : inner.patch(def, ns, name, type, body, o);
      if (!['merge', 'json', 'strategic'].includes(type)) throw apiError(415, 'UnsupportedMediaType', `unsupported patch type "${type}"`);
      checkDepth(body);
      // The patch applies to this version's form of the stored object; the result is written as
      // an update that must find the object unchanged (a lost race is patched again).
      for (let attempt = 0; ; attempt++) {
        const stored = await inner.get(c.storage, ns, name);
        const original = c.version.fromStorage(stored);
        const patched = applyPatch(type, deepCopy(original), body, c.def.kind);
        if (!patched || typeof patched !== 'object' || Array.isArray(patched)) throw apiError(422, 'Invalid', 'the patch produced something that is not an object');
        patched.metadata ??= {};
        o.checkPatched?.(patched, original);
        // A resourceVersion written by the patch itself is a precondition (no retry on conflict).
        const pinned = !!patched.metadata.resourceVersion && patched.metadata.resourceVersion !== original.metadata.resourceVersion;
        if (!pinned) patched.metadata.resourceVersion = stored.metadata.resourceVersion;
        try {
          return out(c, await inner.update(c.storage, ns, name, inward(c, patched), { ...o, checkPatched: undefined }));
        } catch (e) {
          if (!pinned && isConflict(e) && attempt < MAX_RETRIES) continue;
          throw e;
        }
      }
    },
    async delete(def, ns, name, q) {
      const c = of(def);
      if (!c) return inner.delete(def, ns, name, q);
      return out(c, await inner.delete(c.storage, ns, name, q));
    },
    watch(def, ns, q, sink) {
      const c = of(def);
      if (!c) return inner.watch(def, ns, q, sink);
      return inner.watch(c.storage, ns, q, convertingSink(c, sink));
    },
  };
}
