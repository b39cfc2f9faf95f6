// Query-string parameters of the REST verbs, turned into the registry's option types.
import { apiError } from '../../lib/errors';
import { queryBool } from '../../lib/api/query-bool';
import type { DeleteQuery, ListQuery, WatchQuery } from '../registry/types';

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw apiError(400, 'BadRequest', `invalid value for query parameter ${name}: "${v}" is not an integer`);
  return Number(v);
}

const boolParam = (q: URLSearchParams, name: string): boolean => {
  const v = q.get(name);
  return v === 'true' || v === '1';
};

/**
 * A pointer-bool parameter as Kubernetes converts it: absent is undefined, "0" or "false" (any
 * case) is false, any other value is true.
 */
function optionalBoolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

export function isWatch(q: URLSearchParams): boolean {
  return boolParam(q, 'watch');
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
  if (boolParam(q, 'allowWatchBookmarks')) out.allowBookmarks = true;
  const t = intParam(q, 'timeoutSeconds');
  if (t !== undefined && t > 0) out.timeoutSeconds = t;
  return out;
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
  } else if (b.orphanDependents === true || q.get('orphanDependents') === 'true') {
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
