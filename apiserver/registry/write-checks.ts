// The checks every write path of the registry runs on a request body before it touches etcd:
// type metadata, nesting depth, the schema and the kind's own validation. Pure: they only throw.
import type { KObject } from '../../lib/api/types';
import { ApiError, apiError } from '../../lib/errors';
import type { ResourceSpec } from '../resources';
import { invalidError, objectMeta, type FieldError } from '../resources/validation';
import type { ObjectKey } from '../storage/etcd-store';
import { schemaErrors } from './schema-check';

/** Attempts of a write that lost a compare-and-swap race before its conflict reaches the client. */
export const MAX_RETRIES = 8;
/** Deeper documents are refused before any recursive step (defaulting, validation, patching) sees them. */
const MAX_DEPTH = 1000;

/** 400 when a JSON value nests deeper than MAX_DEPTH; iterative, so it cannot overflow itself. */
export function checkDepth(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d > MAX_DEPTH) throw apiError(400, 'BadRequest', `the request body nests deeper than ${MAX_DEPTH} levels`);
    for (const c of Object.values(v)) if (c && typeof c === 'object') stack.push([c, d + 1]);
  }
}

/** The etcd key of a named object (cluster-scoped resources ignore the namespace). */
export function keyOf(s: ResourceSpec, namespace: string | undefined, name: string): ObjectKey {
  return { group: s.group, resource: s.resource, namespace: s.namespaced ? namespace : undefined, name };
}

export function requireNamespace(s: ResourceSpec, namespace: string | undefined): void {
  if (s.namespaced && !namespace) throw apiError(400, 'BadRequest', 'the namespace of the object must be provided');
}

function fail(s: ResourceSpec, name: string, errs: FieldError[]): void {
  if (errs.length) throw invalidError(s.kind, name, errs);
}

export function requireScale(s: ResourceSpec): void {
  if (!s.subresources.includes('scale')) throw apiError(404, 'NotFound', `the server could not find the requested resource (${s.resource}/scale)`);
}

export function checkTypeMeta(s: ResourceSpec, obj: KObject): void {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw apiError(400, 'BadRequest', 'the request body must be a JSON object');
  checkDepth(obj);
  if (obj.apiVersion && obj.apiVersion !== s.apiVersion)
    throw apiError(400, 'BadRequest', `the API version in the data (${obj.apiVersion}) does not match the expected API version (${s.apiVersion})`);
  if (obj.kind && obj.kind !== s.kind) throw apiError(400, 'BadRequest', `the kind in the data (${obj.kind}) does not match the expected kind (${s.kind})`);
  obj.metadata ??= {};
}

/**
 * The schema, metadata and the kind's rules. A status write is judged, as upstream judges it, on
 * what it carries (status and metadata): its spec is the stored one, valid by the rules of its day.
 */
export function validateAll(s: ResourceSpec, obj: KObject, old?: KObject, subresource?: string): void {
  const errs = [...schemaErrors(s.schema, obj), ...objectMeta(obj.metadata, s.namespaced, s.nameRule)];
  // A rule that trips over a shape the schema lets through (an opaque subtree) is a bad request, not a 500.
  shaped(s, obj, () => {
    if (!errs.length && subresource !== 'status') errs.push(...(s.validate?.(obj) ?? []));
    if (!errs.length) errs.push(...(s.validateStatus?.(obj) ?? []));
    if (!errs.length && old) errs.push(...(s.validateUpdate?.(obj, old) ?? []));
  });
  fail(s, typeof obj.metadata.name === 'string' ? obj.metadata.name : '', errs);
}

/**
 * Runs a defaulting or preparing step that assumes a well-typed object. When the input has
 * wrong types the step may throw a TypeError; the client then gets the schema's Invalid answer.
 */
export function shaped(s: ResourceSpec, obj: KObject, step: () => void): void {
  try {
    step();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    fail(s, obj.metadata?.name ?? '', schemaErrors(s.schema, obj));
    throw apiError(400, 'BadRequest', `the object could not be processed: ${(e as Error).message}`);
  }
}
