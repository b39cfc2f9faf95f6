// Query-string parameters of the REST verbs, turned into the registry's option types. Booleans
// are read as kube-apiserver reads them (lib/api/query-bool.ts).
import { apiError } from '../../lib/errors';
import { parseQueryBool, queryBool } from '../../lib/api/query-bool';
import type { DeleteQuery, ListQuery, WatchQuery } from '../registry/types';

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw apiError(400, 'BadRequest', `invalid value for query parameter ${name}: "${v}" is not an integer`);
  return Number(v);
}

/**
 * A pointer-bool parameter as kube-apiserver converts it: absent is undefined, otherwise
 * parseQueryBool (a first value of "0" or "false" in any case is false, anything else true).
 */
function optionalBoolParam(q: URLSearchParams, name: string): boolean | undefined {
  const vs = q.getAll(name);
  return vs.length ? parseQueryBool(vs) : undefined;
}

/** `watch`, read as kube-apiserver reads it: the Python client sends `watch=True`. */
export function isWatch(q: URLSearchParams): boolean {
  return queryBool(q, 'watch');
}

export function dryRun(q: URLSearchParams): boolean {
  const vs = q.getAll('dryRun');
  for (const v of vs) if (v !== 'All') throw apiError(400, 'BadRequest', `invalid dryRun value "${v}": only "All" is supported`);
  return vs.length > 0;
}

/**
 * The parameters lists and watches share. resourceVersionMatch and sendInitialEvents are passed
 * through as given: the registry defaults and validates them, so both doors answer alike.
 */
function readQuery(q: URLSearchParams): ListQuery & WatchQuery {
  const out: ListQuery & WatchQuery = {};
  const ls = q.get('labelSelector');
  if (ls) out.labelSelector = ls;
  const fs = q.get('fieldSelector');
  if (fs) out.fieldSelector = fs;
  const rv = q.get('resourceVersion');
  if (rv) out.resourceVersion = rv;
  const match = q.get('resourceVersionMatch');
  if (match) out.resourceVersionMatch = match;
  const sie = optionalBoolParam(q, 'sendInitialEvents');
  if (sie !== undefined) out.sendInitialEvents = sie;
  return out;
}

export function listQuery(q: URLSearchParams): ListQuery {
  const out: ListQuery = readQuery(q);
  const limit = intParam(q, 'limit');
  if (limit !== undefined && limit > 0) out.limit = limit;
  const cont = q.get('continue');
  if (cont) out.continueToken = cont;
  return out;
}

export function watchQuery(q: URLSearchParams): WatchQuery & { timeoutSeconds?: number } {
  const out: WatchQuery & { timeoutSeconds?: number } = readQuery(q);
  if (queryBool(q, 'allowWatchBookmarks')) out.allowBookmarks = true;
  const t = intParam(q, 'timeoutSeconds');
  if (t !== undefined && t > 0) out.timeoutSeconds = t;
  return out;
}

/**
 * Whether the client set orphanDependents to false (in the DeleteOptions body, else the query): the
 * one case kube-apiserver answers a delete that is still in progress with 202 rather than 200.
 */
export function orphanDependentsFalse(q: URLSearchParams, body: unknown): boolean {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.orphanDependents !== undefined) return b.orphanDependents === false;
  return optionalBoolParam(q, 'orphanDependents') === false;
}

const POLICIES = new Set(['Background', 'Foreground', 'Orphan']);

/** DeleteOptions from the body (JSON DeleteOptions) and/or the query string; the body wins. */
export function deleteQuery(q: URLSearchParams, body: unknown): DeleteQuery {
  const out: DeleteQuery = {};
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const policy = (b.propagationPolicy as string | undefined) ?? q.get('propagationPolicy') ?? undefined;
  if (policy !== undefined && policy !== null) {
    if (!POLICIES.has(policy)) throw apiError(400, 'BadRequest', `invalid propagationPolicy "${policy}": must be Background, Foreground or Orphan`);
    out.propagationPolicy = policy as DeleteQuery['propagationPolicy'];
  } else if (b.orphanDependents === true || (b.orphanDependents === undefined && optionalBoolParam(q, 'orphanDependents') === true)) {
    out.propagationPolicy = 'Orphan';
  }
  const grace = typeof b.gracePeriodSeconds === 'number' ? b.gracePeriodSeconds : intParam(q, 'gracePeriodSeconds');
  if (grace !== undefined) {
    if (grace < 0) throw apiError(400, 'BadRequest', 'gracePeriodSeconds must not be negative');
    out.gracePeriodSeconds = grace;
  }
  const pre = b.preconditions as { uid?: string; resourceVersion?: string } | undefined;
  if (pre && (pre.uid || pre.resourceVersion)) {
    out.preconditions = {};
    if (pre.uid) out.preconditions.uid = pre.uid;
    if (pre.resourceVersion) out.preconditions.resourceVersion = pre.resourceVersion;
  }
  const unsafeDelete = b.ignoreStoreReadErrorWithClusterBreakingPotential ?? (q.has('ignoreStoreReadErrorWithClusterBreakingPotential') ? queryBool(q, 'ignoreStoreReadErrorWithClusterBreakingPotential') : undefined);
  if (unsafeDelete === true) out.ignoreStoreReadErrorWithClusterBreakingPotential = true;
  const bodyDry = Array.isArray(b.dryRun) && b.dryRun.includes('All');
  if (bodyDry || dryRun(q)) out.dryRun = true;
  return out;
}
