// How the store talks to etcd, shared by its reads, writes, watches and claims: the stored JSON
// form of an object (reading it back is object-decoder.ts's job), the Status error every etcd
// failure becomes, and the request-duration metric.
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { apiserverMetrics } from '../metrics';
import { expired, internal, unavailable } from './errors';

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
