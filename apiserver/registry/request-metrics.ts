// Request counts and latencies by verb and resource, recorded where both doors meet: the registry.
// The code is the HTTP status the client sees (201 for creates, the Status code for errors).
import { ApiError } from '../../lib/errors';
import { apiserverMetrics } from '../metrics';
import type { CoreRegistry } from './registry';
import type { ResourceDef } from './types';

function codeOf(e: unknown): number {
  return e instanceof ApiError ? e.code : 500;
}

async function measure<T>(verb: string, def: ResourceDef, subresource: string | undefined, okCode: number, fn: () => Promise<T>): Promise<T> {
  const t0 = process.hrtime.bigint();
  let code = okCode;
  try {
    return await fn();
  } catch (e) {
    code = codeOf(e);
    throw e;
  } finally {
    apiserverMetrics.observeRequest(verb, def.group ?? '', def.resource, subresource ?? '', code, Number(process.hrtime.bigint() - t0) / 1e9);
  }
}

export function withRequestMetrics(r: CoreRegistry): CoreRegistry {
  return {
    ...r,
    get: (def, ns, name, sub) => measure('GET', def, sub, 200, () => r.get(def, ns, name, sub)),
    list: (def, ns, q) => measure('LIST', def, undefined, 200, () => r.list(def, ns, q)),
    create: (def, ns, obj, o) => measure('POST', def, o.subresource, 201, () => r.create(def, ns, obj, o)),
    update: (def, ns, name, obj, o) => measure('PUT', def, o.subresource, 200, () => r.update(def, ns, name, obj, o)),
    patch: (def, ns, name, type, body, o) => measure('PATCH', def, o.subresource, 200, () => r.patch(def, ns, name, type, body, o)),
    delete: (def, ns, name, q) => measure('DELETE', def, undefined, 200, () => r.delete(def, ns, name, q)),
    // The watch call itself is the start of a long stream: its latency is the time to establish it.
    watch: (def, ns, q, sink) => measure('WATCH', def, undefined, 200, () => r.watch(def, ns, q, sink)),
  };
}
