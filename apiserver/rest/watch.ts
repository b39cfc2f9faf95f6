// Watch streaming: newline-delimited JSON watch events over a chunked 200 response. Events the
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

/** Wraps an event object for the wire: a one-row Table when the client asked for tables. */
export function wireEvent(ctx: Pick<VerbContext, 'def' | 'format' | 'query'>, type: string, object: unknown): string {
  let out = object;
  if (ctx.format.table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
    const o = object as KObject;
    out = toTable(ctx.def, [o], parseIncludeObject(ctx.query.get('includeObject')), { resourceVersion: o.metadata?.resourceVersion });
  }
  return JSON.stringify({ type, object: out }) + '\n';
}

export function defaultWatchTimeoutSeconds(): number {
  return 1800 + Math.floor(Math.random() * 1800);
}

export async function serveWatch(ctx: VerbContext, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  const { registry, def, target } = ctx;
  if (target.subresource !== undefined) throw apiError(405, 'MethodNotAllowed', `watch is not supported on ${def.resource}/${target.subresource}`);
  if (!def.verbs.includes('watch')) throw apiError(405, 'MethodNotAllowed', `the server does not allow watch on ${def.resource}`);
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
