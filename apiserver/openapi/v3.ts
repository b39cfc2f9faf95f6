// OpenAPI v3 documents, one per group-version plus the /openapi/v3 index, built from the
// registry's ResourceDefs. kubectl 1.32 reads them to decide whether the server does field
// validation: it looks for the PATCH operation tagged with the object's
// x-kubernetes-group-version-kind and a `fieldValidation` query parameter on it. When found it
// sends fieldValidation=Strict and skips client-side schema validation. The PATCH request body
// deliberately omits the strategic-merge content type: kubectl then computes strategic patches
// from its compiled-in types, which agree with the merge-key table the schemas' list extensions
// come from, and does not depend on our schemas covering every list. Object schemas come from the
// kinds' TypeBox sources (from-typebox.ts), so `kubectl explain` prints their descriptions.
import * as crypto from 'node:crypto';
import type { ResourceDef } from '../registry/types';
import type { TSchema } from '@sinclair/typebox';
import { groupVersionPath, schemaName, subresourceGvk } from './names';
import { convert } from './from-typebox';

type Obj = Record<string, unknown>;

const QUERY = (name: string, description: string, type = 'string'): Obj => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

const WRITE_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All'),
  QUERY('fieldManager', 'Name of the actor making the change.'),
  QUERY('fieldValidation', 'How to handle unknown or duplicate fields: Ignore, Warn or Strict.'),
];
const LIST_PARAMS = [
  QUERY('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  QUERY('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  QUERY('limit', 'Maximum number of responses to return for a list call.', 'integer'),
  QUERY('continue', 'The continue token of a previous paged list call.'),
  QUERY('resourceVersion', 'Which resource versions may be served.'),
  QUERY('watch', 'Watch for changes to the described resources.', 'boolean'),
  QUERY('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
];
const PATH = (name: string): Obj => ({ name, in: 'path', required: true, schema: { type: 'string', uniqueItems: true } });

function gvkExt(group: string, version: string, kind: string): Obj {
  return { 'x-kubernetes-group-version-kind': { group, version, kind } };
}

function jsonContent(ref: string): Obj {
  return { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } };
}

function op(action: string, id: string, gvk: Obj, params: Obj[], responseRef: string, body?: Obj): Obj {
  const o: Obj = {
    operationId: id,
    'x-kubernetes-action': action,
    ...gvk,
    parameters: params,
    responses: { '200': { description: 'OK', content: jsonContent(responseRef) } },
  };
  if (body) o.requestBody = body;
  return o;
}

const patchBody = (ref: string): Obj => ({
  required: true,
  content: {
    'application/json-patch+json': { schema: { $ref: `#/components/schemas/${ref}` } },
    'application/merge-patch+json': { schema: { $ref: `#/components/schemas/${ref}` } },
  },
});

/** The kind's schema converted from its TypeBox source, named components added to `components`. */
function typedSchema(def: ResourceDef, components: Obj): Obj | undefined {
  const schema = (def as ResourceDef & { schema?: TSchema }).schema;
  if (!schema) return undefined;
  const out = convert(schema, { kind: def.kind, components });
  out.description ??= `${def.kind} (${def.apiVersion})`;
  out['x-kubernetes-group-version-kind'] = [{ group: def.group, version: def.version, kind: def.kind }];
  return out;
}

const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

function listSchema(def: ResourceDef): Obj {
  return {
    type: 'object',
    description: `${def.listKind} is a list of ${def.kind} objects.`,
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      items: { type: 'array', description: `List of ${def.resource}.`, items: { $ref: `#/components/schemas/${schemaName(def.group, def.version, def.kind)}` } },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { description: 'Standard list metadata.', allOf: [{ $ref: `#/components/schemas/${LIST_META}` }] },
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ group: def.group, version: def.version, kind: def.listKind }],
  };
}

function objectSchema(def: ResourceDef, kind: string, group: string, version: string, list: boolean): Obj {
  const props: Obj = {
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
    metadata: { type: 'object', description: list ? 'Standard list metadata.' : "Standard object's metadata.", 'x-kubernetes-preserve-unknown-fields': true },
  };
  if (list) props.items = { type: 'array', items: { $ref: `#/components/schemas/${schemaName(def.group, def.version, def.kind)}` } };
  else {
    props.spec = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    props.status = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  return {
    type: 'object',
    description: `${kind} (${group ? group + '/' : ''}${version})`,
    properties: props,
    ...(list ? { required: ['items'] } : {}),
    'x-kubernetes-group-version-kind': [{ group, version, kind }],
  };
}

// Documents depend only on the definitions, which are fixed for a registry's life: build each once.
const cache = new WeakMap<ResourceDef[], Map<string, Obj | undefined>>();

export function openapiV3Document(defs: ResourceDef[], gvPath: string): Obj | undefined {
  let byGv = cache.get(defs);
  if (!byGv) cache.set(defs, (byGv = new Map()));
  if (!byGv.has(gvPath)) byGv.set(gvPath, buildDocument(defs, gvPath));
  return byGv.get(gvPath);
}

function buildDocument(defs: ResourceDef[], gvPath: string): Obj | undefined {
  const mine = defs.filter((d) => groupVersionPath(d.group, d.version) === gvPath);
  if (mine.length === 0) return undefined;
  const paths: Obj = {};
  const schemas: Obj = {};
  for (const d of mine) {
    const ref = schemaName(d.group, d.version, d.kind);
    const listRef = schemaName(d.group, d.version, d.listKind);
    schemas[ref] = typedSchema(d, schemas) ?? objectSchema(d, d.kind, d.group, d.version, false);
    schemas[listRef] = listSchema(d);
    const gvk = gvkExt(d.group, d.version, d.kind);
    const base = `/${gvPath}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.resource}`;
    const nsParams = d.namespaced ? [PATH('namespace')] : [];
    const idBase = `${d.kind}`;
    const coll: Obj = { parameters: nsParams };
    if (d.verbs.includes('list')) coll.get = op('list', `list${idBase}`, gvk, LIST_PARAMS, listRef);
    if (d.verbs.includes('create')) coll.post = op('post', `create${idBase}`, gvk, WRITE_PARAMS, ref, { required: true, content: jsonContent(ref) });
    if (d.verbs.includes('deletecollection')) coll.delete = op('deletecollection', `deletecollection${idBase}`, gvk, LIST_PARAMS, 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
    paths[base] = coll;
    const item: Obj = { parameters: [PATH('name'), ...nsParams] };
    if (d.verbs.includes('get')) item.get = op('get', `read${idBase}`, gvk, [], ref);
    if (d.verbs.includes('update')) item.put = op('put', `replace${idBase}`, gvk, WRITE_PARAMS, ref, { required: true, content: jsonContent(ref) });
    if (d.verbs.includes('patch')) item.patch = op('patch', `patch${idBase}`, gvk, [...WRITE_PARAMS, QUERY('force', 'Force apply.', 'boolean')], ref, patchBody(ref));
    if (d.verbs.includes('delete')) item.delete = op('delete', `delete${idBase}`, gvk, [...WRITE_PARAMS.slice(0, 1), QUERY('gracePeriodSeconds', 'Grace period.', 'integer'), QUERY('propagationPolicy', 'Background, Foreground or Orphan.')], 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
    paths[`${base}/{name}`] = item;
    for (const sub of d.subresources) {
      const sg = subresourceGvk(d, sub);
      if (!sg) continue;
      const subRef = schemaName(sg.group, sg.version, sg.kind);
      if (!schemas[subRef]) schemas[subRef] = objectSchema(d, sg.kind, sg.group, sg.version, false);
      const subGvk = gvkExt(sg.group, sg.version, sg.kind);
      const p: Obj = { parameters: [PATH('name'), ...nsParams] };
      const id = `${idBase}${sub[0].toUpperCase()}${sub.slice(1)}`;
      if (sub === 'binding' || sub === 'eviction') {
        p.post = op('post', `create${id}`, subGvk, WRITE_PARAMS, subRef, { required: true, content: jsonContent(subRef) });
      } else {
        p.get = op('get', `read${id}`, subGvk, [], subRef);
        p.put = op('put', `replace${id}`, subGvk, WRITE_PARAMS, subRef, { required: true, content: jsonContent(subRef) });
        p.patch = op('patch', `patch${id}`, subGvk, WRITE_PARAMS, subRef, patchBody(subRef));
      }
      paths[`${base}/{name}/${sub}`] = p;
    }
  }
  schemas[LIST_META] = {
    type: 'object',
    description: 'ListMeta describes metadata that synthetic resources must have, including lists.',
    properties: {
      continue: { type: 'string', description: 'Set when the list was limited and more results are available; pass it to get the next page.' },
      remainingItemCount: { type: 'integer', format: 'int64', description: 'The number of subsequent items in the list not included in this response.' },
      resourceVersion: { type: 'string', description: 'The version of the list, usable to start a watch.' },
    },
  };
  schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status'] = {
    type: 'object',
    description: 'Status is a return value for calls that do not return other objects.',
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, code: { type: 'integer' }, message: { type: 'string' }, reason: { type: 'string' }, status: { type: 'string' } },
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }],
  };
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-k8ts' },
    paths,
    components: { schemas },
  };
}

export function documentHash(doc: unknown): string {
  return crypto.createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** The /openapi/v3 index: every group-version path with a content-hashed URL. */
export function openapiV3Index(defs: ResourceDef[]): { paths: Record<string, { serverRelativeURL: string }> } {
  const gvs = [...new Set(defs.map((d) => groupVersionPath(d.group, d.version)))];
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of gvs) {
    const doc = openapiV3Document(defs, gv);
    if (doc) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${documentHash(doc)}` };
  }
  return { paths };
}
