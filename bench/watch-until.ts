// How the controller benches time things: a watch through the in-process gRPC client, opened at
// the resourceVersion of a list taken just before, so the moment a condition becomes true is seen
// as the apiserver sends it (no polling interval, no kubectl start-up in the figure).
import type { GrpcApiClient } from '../lib/client/grpc-client';
import type { ResourceType } from '../lib/api/resources';
import type { KObject } from '../lib/api/types';

export interface WatchUntilOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  timeoutMs: number;
}

/**
 * Opens the watch and returns once it is established (the list is taken), with a promise that
 * resolves when done(object) of an ADDED or MODIFIED event says so; done may throw to fail it.
 * Callers start the action after `await watchUntil(...)` returns, so nothing is missed.
 */
export async function watchUntil<T extends KObject>(client: GrpcApiClient, rt: ResourceType, done: (o: T) => boolean, o: WatchUntilOptions): Promise<{ finished: Promise<void> }> {
  const ns = o.namespace ?? 'default';
  const list = await client.list(rt, ns, { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector });
  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`timed out watching ${rt.resource}`)), o.timeoutMs);
    let settled = false;
    const finish = (err?: Error) => {
      // stop() below calls onClose again: only the first outcome counts.
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      w.stop();
      if (err) reject(err);
      else resolve();
    };
    const w = client.watch<T>(rt, ns, { resourceVersion: list.metadata.resourceVersion, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector }, {
      onEvent: (ev) => {
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return;
        let ok: boolean;
        try {
          ok = done(ev.object);
        } catch (err) {
          finish(err as Error);
          return;
        }
        if (ok) finish();
      },
      // Our own stop() reports no error; a stream the server ends first fails the wait.
      onClose: (err) => finish(err ?? new Error(`the watch of ${rt.resource} ended before the condition held`)),
    });
  });
  // Nobody may be awaiting it yet: keep a rejection from being reported as unhandled.
  finished.catch(() => undefined);
  return { finished };
}

/** Resolves once a list of rt matching the selector is empty, watching deletions in between. */
export async function untilNone(client: GrpcApiClient, rt: ResourceType, o: WatchUntilOptions): Promise<void> {
  const ns = o.namespace ?? 'default';
  const list = await client.list(rt, ns, { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector });
  const left = new Set(list.items.map((i) => i.metadata.name!));
  if (left.size === 0) return;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      w.stop();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${rt.resource} ${[...left].join(', ')} to go`)), o.timeoutMs);
    const w = client.watch(rt, ns, { resourceVersion: list.metadata.resourceVersion, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector }, {
      onEvent: (ev) => {
        if (ev.type === 'ADDED') left.add(ev.object.metadata.name!);
        if (ev.type === 'DELETED') left.delete(ev.object.metadata.name!);
        if (left.size === 0) finish();
      },
      onClose: (err) => finish(err ?? new Error(`the watch of ${rt.resource} ended before ${[...left].join(', ')} went`)),
    });
  });
}
