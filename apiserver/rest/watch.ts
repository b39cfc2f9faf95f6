// Watch streaming: newline-delimited JSON watch events over a chunked 200 response (objects, a
// Table row each, or metadata only, as negotiated). Events the
// registry emits before the watch is established are queued so that a failed start still
// answers with a plain Status error; afterwards every event is written as it comes. The stream
// ends on timeoutSeconds (default 30-60 min, like Kubernetes), when the registry ends it, or when
// the client goes away (the registry watch is then stopped).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KObject } from '../../lib/api/types';
import { apiError } from '../../lib/errors';
import type { Logger } from '../../lib/log';
import type { WatchStop } from '../registry/types';
import type { VerbContext } from './handlers';
import { watchQuery } from './query';
import { parseIncludeObject, toTable } from './table';
import { goJsonLine } from '../../lib/api/go-json';
import { canonicalStatus, isStatus } from '../../lib/api/status';
import { notAcceptable } from './negotiate';
import { asPartialObjectMetadata, partialMetadataMismatch } from './partial-metadata';

/**
 * One event line as kube-apiserver writes it (Go's JSON, newline-terminated): the object as a
 * one-row Table or as PartialObjectMetadata when the client asked for that, a Status (an ERROR
 * event) always as is, in upstream's field order.
 */
export function wireEvent(ctx: Pick<VerbContext, 'def' | 'format' | 'query'>, type: string, object: unknown): string {
  let out = object;
  const t = ctx.format.transform;
  if (isStatus(object)) out = canonicalStatus(object);
  else if (t?.kind === 'Table' && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
    const o = object as KObject;
    out = toTable(ctx.def, [o], parseIncludeObject(ctx.query.get('includeObject')), { resourceVersion: o.metadata?.resourceVersion }, true, t.version);
  } else if (t?.kind === 'PartialObjectMetadata') out = asPartialObjectMetadata(object as KObject, t.version);
  return goJsonLine({ type, object: out });
}

export function defaultWatchTimeoutSeconds(): number {
  return 1800 + Math.floor(Math.random() * 1800);
}

export async function serveWatch(ctx: VerbContext, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  const { registry, def, target } = ctx;
  if (target.subresource !== undefined) throw apiError(405, 'MethodNotAllowed', `watch is not supported on ${def.resource}/${target.subresource}`);
  const qualified = def.group ? `${def.resource}.${def.group}` : def.resource;
  if (!def.verbs.includes('watch')) {
    throw apiError(405, 'MethodNotAllowed', `watch is not supported on resources of kind "${qualified}"`, { group: def.group || undefined, kind: def.resource });
  }
  // Only JSON has a streaming form (kube-apiserver has no YAML watch either).
  if (ctx.format.encoding !== 'json') throw notAcceptable('application/json;stream=watch');
  const mismatch = partialMetadataMismatch(def, ctx.format.transform, false);
  if (mismatch) throw mismatch;
  if (def.namespaced && target.namespace === undefined && target.name !== undefined) {
    throw apiError(404, 'NotFound', `${def.resource} must be addressed within a namespace`);
  }
  const q = watchQuery(ctx.query);
  if (target.name !== undefined) {
    const byName = `metadata.name=${target.name}`;
    q.fieldSelector = q.fieldSelector ? `${q.fieldSelector},${byName}` : byName;
  }
  const timeoutSeconds = q.timeoutSeconds ?? defaultWatchTimeoutSeconds();
  delete q.timeoutSeconds;

  let established = false;
  let finished = false;
  const queued: string[] = [];
  let endedEarly = false;
  let handle: WatchStop | undefined;
  let timer: NodeJS.Timeout | undefined;

  const finish = () => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    try {
      handle?.stop();
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'watch stop failed');
    }
    if (!res.writableEnded) res.end();
  };

  const sink = {
    send(type: string, object: KObject | Record<string, unknown>) {
      if (finished) return;
      let line: string;
      try {
        line = wireEvent(ctx, type, object);
      } catch (e) {
        log.error({ err: (e as Error).message }, 'watch event encoding failed');
        return;
      }
      if (!established) queued.push(line);
      else res.write(line);
    },
    end() {
      if (!established) endedEarly = true;
      else finish();
    },
  };

  const onGone = () => finish();
  req.on('close', onGone);
  res.on('close', onGone);

  handle = await registry.watch(def, target.namespace, q, sink);
  if (req.destroyed || res.destroyed) {
    finished = true;
    handle.stop();
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // Headers go out at once so clients know the watch is established before the first event.
  res.flushHeaders();
  established = true;
  for (const line of queued) res.write(line);
  queued.length = 0;
  if (endedEarly) return finish();
  timer = setTimeout(finish, timeoutSeconds * 1000);
  timer.unref();
}
