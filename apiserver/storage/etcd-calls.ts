// How the store talks to etcd, shared by its reads, writes, watches and claims: the stored JSON
// form of an object, the Status error every etcd failure becomes, and the request-duration metric.
import type { IKeyValue } from 'etcd3';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { apiserverMetrics } from '../metrics';
import { expired, internal, unavailable } from './errors';

/** A stored value as an object whose resourceVersion is its etcd revision (or the one given). */
export function decode(kv: IKeyValue, revision?: string): KObject {
  let obj: KObject;
  try {
    obj = JSON.parse(kv.value.toString('utf8')) as KObject;
  } catch (e) {
    throw internal(`cannot decode ${kv.key.toString()}: ${(e as Error).message}`);
  }
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: revision ?? String(kv.mod_revision) };
  return obj;
}

/** What goes into etcd: the object without its resourceVersion (etcd's revision is the truth). */
export function encode(obj: KObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata: meta });
}

export function isCompactedError(e: unknown): boolean {
  return /compacted/i.test(String((e as Error)?.message ?? e));
}

/** Turns transport failures into Status errors; ApiErrors pass through. */
export function wrap(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const msg = String((e as Error)?.message ?? e);
  if (isCompactedError(e)) return expired(`too old resource version: ${msg}`);
  if (/unavailable|deadline|connect|closed/i.test(msg)) return unavailable(`etcd: ${msg}`);
  return internal(`etcd: ${msg}`);
}

/** Times one etcd round trip into etcd_request_duration_seconds, failed ones included. */
export async function timed<T>(operation: string, type: string, fn: () => Promise<T>): Promise<T> {
  const t0 = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    apiserverMetrics.observeEtcd(operation, type, Number(process.hrtime.bigint() - t0) / 1e9);
  }
}
