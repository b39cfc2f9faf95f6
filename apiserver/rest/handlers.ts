// One handler per REST verb on a resource. Each resolves what the path and query ask for, calls
// the registry, and returns a Reply (status code + body) for the server to encode; watch streams
// live in watch.ts. Handlers never write to the socket themselves.
import type { TSchema } from '@sinclair/typebox';
import type { KObject } from '../../lib/api/types';
import { applyFieldPolicy, checkFields, decodeStrictError, fieldValidationParam, unknownFields, type FieldValidation, type StrictError } from './field-validation';
import type { DuplicateField } from './duplicate-fields';
import { ApiError, apiError } from '../../lib/errors';
import type { Registry, ResourceDef } from '../registry/types';
import type { UserInfo } from './authn';
import { bodyKind, decodeBody, type ResponseFormat } from './negotiate';
import { deleteQuery, dryRun, listQuery, orphanDependentsFalse } from './query';
import type { ResourceTarget } from './router';
import { methodNotAllowedStatus, notFoundStatus, successStatus } from './errors';
import { asPartialObjectMetadata, asPartialObjectMetadataList, partialMetadataMismatch } from './partial-metadata';
import { parseIncludeObject, toTable } from './table';

export interface Reply {
  code: number;
  body: unknown;
  /** Extra response headers (Warning, a specific Content-Type). */
  headers?: Record<string, string | string[]>;
}

export interface VerbContext {
  registry: Registry;
  def: ResourceDef;
  target: ResourceTarget;
  query: URLSearchParams;
  format: ResponseFormat;
  user: UserInfo;
  contentType: string | undefined;
  readBody(): Promise<Buffer>;
}

/** A method kube-apiserver has no route for on this path: its generic 405 (go-restful's). */
const methodNotAllowed = (): never => {
  throw new ApiError(methodNotAllowedStatus());
};

function requireVerb(ctx: VerbContext, verb: string): void {
  if (!ctx.def.verbs.includes(verb)) methodNotAllowed();
}

/** An unknown subresource has no route upstream either: the generic 404. */
function requireSubresource(ctx: VerbContext): void {
  const sub = ctx.target.subresource;
  if (sub !== undefined && !ctx.def.subresources.includes(sub)) throw new ApiError(notFoundStatus());
}

function asObject(v: unknown, what: string): KObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw apiError(400, 'BadRequest', `${what} must be a JSON object`);
  const o = v as KObject;
  if (o.metadata === undefined || o.metadata === null) o.metadata = {};
  if (typeof o.metadata !== 'object' || Array.isArray(o.metadata)) throw apiError(400, 'BadRequest', `${what}: metadata must be an object`);
  return o;
}

/** The kind's TypeBox schema, when its ResourceDef carries one (apiserver/resources ResourceSpec). */
const schemaOf = (def: ResourceDef): TSchema | undefined => (def as ResourceDef & { schema?: TSchema }).schema;

/** Where decodeBody reports repeated keys: nowhere under Ignore (no scan, YAML repeats allowed). */
const duplicatesFor = (policy: FieldValidation, into: DuplicateField[]): DuplicateField[] | 'ignore' => (policy === 'Ignore' ? 'ignore' : into);

/**
 * Kubernetes' wording for a patch that fails strict decoding: a strategic merge patch is an
 * Invalid `patch` field (422), the JSON and merge patches a BadRequest (400).
 */
function patchStrictError(patchType: string, patch: unknown): StrictError {
  if (patchType !== 'strategic') return (message) => apiError(400, 'BadRequest', message);
  return (message) => {
    const detail = `Invalid value: ${JSON.stringify(JSON.stringify(patch))}: ${message}`;
    return apiError(422, 'Invalid', ` "" is invalid: patch: ${detail}`, { causes: [{ reason: 'FieldValueInvalid', message: detail, field: 'patch' }] });
  };
}

/** Warning header values for a reply, or nothing. */
const warningHeaders = (warnings: string[]): Reply['headers'] => (warnings.length ? { Warning: warnings } : undefined);

/**
 * Reads and decodes an object body, checks its fields against the schema (fieldValidation), then
 * reconciles its namespace/kind with the request path. Warnings are appended to `warnings`.
 */
async function objectBody(ctx: VerbContext, verb: 'create' | 'update', warnings: string[] = []): Promise<KObject> {
  const bk = bodyKind(ctx.contentType, verb);
  if (bk.kind !== 'object') throw apiError(415, 'UnsupportedMediaType', 'unexpected body type');
  const policy = fieldValidationParam(ctx.query);
  const raw = await ctx.readBody();
  if (raw.length === 0) throw apiError(400, 'BadRequest', 'the request body is empty');
  const duplicates: DuplicateField[] = [];
  const obj = asObject(decodeBody(raw, bk.encoding, duplicatesFor(policy, duplicates)), 'the request body');
  const { def, target } = ctx;
  if (target.subresource === undefined || target.subresource === 'status') {
    warnings.push(...checkFields(schemaOf(def), obj, policy, duplicates, decodeStrictError(def.kind, def.apiVersion)));
  }
  if (target.subresource === undefined || target.subresource === 'status') {
    if (obj.kind !== undefined && obj.kind !== def.kind) {
      throw apiError(400, 'BadRequest', `the object kind "${String(obj.kind)}" does not match the resource ${def.resource} (kind ${def.kind})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== def.apiVersion) {
      throw apiError(400, 'BadRequest', `the object apiVersion "${String(obj.apiVersion)}" does not match ${def.apiVersion}`);
    }
    obj.apiVersion = def.apiVersion;
    obj.kind = def.kind;
  }
  if (def.namespaced) {
    const ns = obj.metadata.namespace;
    if (ns !== undefined && ns !== '' && ns !== target.namespace) {
      throw apiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = target.namespace;
  }
  return obj;
}

/**
 * A namespaced resource addressed without a namespace: kube-apiserver serves only the list (and
 * watch) of all namespaces there, so the collection answers other methods with its generic 405
 * and a named object is a path it has no route for (404).
 */
function checkNamespaced(ctx: VerbContext, allowAll: boolean): void {
  if (ctx.def.namespaced && ctx.target.namespace === undefined && !allowAll) {
    if (ctx.target.name === undefined) methodNotAllowed();
    throw new ApiError(notFoundStatus());
  }
}

export async function handleGet(ctx: VerbContext): Promise<Reply> {
  const { registry, def, target, query, format } = ctx;
  const t = format.transform;
  requireSubresource(ctx);
  if (target.name === undefined) {
    checkNamespaced(ctx, true);
    requireVerb(ctx, 'list');
    const list = await registry.list(def, target.namespace, listQuery(query));
    // As upstream, the form is judged on what was read (a missing object stays a 404).
    const mismatch = partialMetadataMismatch(def, t, true);
    if (mismatch) throw mismatch;
    if (t?.kind === 'Table') {
      return { code: 200, body: toTable(def, list.items, parseIncludeObject(query.get('includeObject')), list.metadata, true, t.version) };
    }
    if (t?.kind === 'PartialObjectMetadataList') return { code: 200, body: asPartialObjectMetadataList(list, t.version) };
    return { code: 200, body: list };
  }
  checkNamespaced(ctx, false);
  requireVerb(ctx, 'get');
  const obj = await registry.get(def, target.namespace, target.name, target.subresource);
  const mismatch = partialMetadataMismatch(def, t, false);
  if (mismatch) throw mismatch;
  if (t?.kind === 'Table' && target.subresource === undefined) {
    return { code: 200, body: toTable(def, [obj], parseIncludeObject(query.get('includeObject')), { resourceVersion: obj.metadata.resourceVersion }, true, t.version) };
  }
  if (t?.kind === 'PartialObjectMetadata') return { code: 200, body: asPartialObjectMetadata(obj, t.version) };
  return { code: 200, body: obj };
}

export async function handleCreate(ctx: VerbContext): Promise<Reply> {
  const { registry, def, target, query } = ctx;
  checkNamespaced(ctx, false);
  requireSubresource(ctx);
  if (target.name !== undefined && target.subresource === undefined) methodNotAllowed();
  if (target.name === undefined) requireVerb(ctx, 'create');
  const warnings: string[] = [];
  const obj = await objectBody(ctx, 'create', warnings);
  const created = await registry.create(def, target.namespace, obj, {
    dryRun: dryRun(query),
    subresource: target.subresource,
    name: target.name,
    user: ctx.user.name,
    userInfo: ctx.user,
  });
  return { code: 201, body: created, headers: warningHeaders(warnings) };
}

export async function handleUpdate(ctx: VerbContext): Promise<Reply> {
  const { registry, def, target, query } = ctx;
  checkNamespaced(ctx, false);
  requireSubresource(ctx);
  if (target.name === undefined) methodNotAllowed();
  requireVerb(ctx, 'update');
  const warnings: string[] = [];
  const obj = await objectBody(ctx, 'update', warnings);
  if (obj.metadata.name !== undefined && obj.metadata.name !== target.name) {
    throw apiError(400, 'BadRequest', `the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${target.name})`);
  }
  obj.metadata.name = target.name;
  const updated = await registry.update(def, target.namespace, target.name!, obj, {
    dryRun: dryRun(query),
    subresource: target.subresource,
    user: ctx.user.name,
  });
  return { code: 200, body: updated, headers: warningHeaders(warnings) };
}

export async function handlePatch(ctx: VerbContext): Promise<Reply> {
  const { registry, def, target, query } = ctx;
  checkNamespaced(ctx, false);
  requireSubresource(ctx);
  if (target.name === undefined) methodNotAllowed();
  requireVerb(ctx, 'patch');
  const bk = bodyKind(ctx.contentType, 'patch');
  if (bk.kind !== 'patch') throw apiError(415, 'UnsupportedMediaType', 'unexpected patch type');
  const raw = await ctx.readBody();
  if (raw.length === 0) throw apiError(400, 'BadRequest', 'the patch body is empty');
  const policy = fieldValidationParam(query);
  const duplicates: DuplicateField[] = [];
  const patch = decodeBody(raw, 'json', duplicatesFor(policy, duplicates));
  // Unknown fields are judged on the patched object; only those the patch brought in count (an
  // object stored before its schema was complete is not blamed on the patch). The scale
  // subresource patches a Scale, which has no schema here: only its repeated keys are checked.
  const schema = target.subresource === undefined || target.subresource === 'status' ? schemaOf(def) : undefined;
  const strictError = patchStrictError(bk.patchType, patch);
  let warnings: string[] = [];
  const checkPatched = (patched: KObject, original: KObject) => {
    const before = new Set(unknownFields(schema, original));
    const added = unknownFields(schema, patched).filter((p) => !before.has(p));
    warnings = applyFieldPolicy(patched, added, duplicates, policy, strictError);
  };
  const out = await registry.patch(def, target.namespace, target.name!, bk.patchType, patch, {
    dryRun: dryRun(query),
    subresource: target.subresource,
    user: ctx.user.name,
    checkPatched,
  });
  return { code: 200, body: out, headers: warningHeaders(warnings) };
}

async function optionalDeleteBody(ctx: VerbContext): Promise<unknown> {
  const raw = await ctx.readBody();
  if (raw.length === 0) return undefined;
  const type = (ctx.contentType ?? '').split(';')[0].trim().toLowerCase();
  return decodeBody(raw, type.includes('yaml') ? 'yaml' : 'json');
}

export async function handleDelete(ctx: VerbContext): Promise<Reply> {
  const { registry, def, target, query } = ctx;
  if (target.subresource !== undefined) methodNotAllowed();
  const body = await optionalDeleteBody(ctx);
  const opts = deleteQuery(query, body);
  if (target.name === undefined) {
    checkNamespaced(ctx, false);
    requireVerb(ctx, 'deletecollection');
    const list = await registry.list(def, target.namespace, listQuery(query));
    const deleted: KObject[] = [];
    for (const item of list.items) {
      deleted.push(await registry.delete(def, item.metadata.namespace, item.metadata.name!, opts));
    }
    return { code: 200, body: { ...list, items: deleted } };
  }
  checkNamespaced(ctx, false);
  requireVerb(ctx, 'delete');
  const obj = await registry.delete(def, target.namespace, target.name, opts);
  // Still present (graceful deletion or finalizers): the object, with 200 as kube-apiserver
  // answers, or 202 when the client asked for cascading with orphanDependents=false.
  if (obj.metadata.deletionTimestamp && !opts.dryRun) return { code: orphanDependentsFalse(query, body) ? 202 : 200, body: obj };
  if (opts.dryRun) return { code: 200, body: obj };
  return {
    code: 200,
    body: successStatus({ name: target.name, group: def.group, kind: def.resource, uid: obj.metadata.uid }),
  };
}
