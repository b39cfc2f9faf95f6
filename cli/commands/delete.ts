// `delete`: by type and names, by label selector, or by the objects in -f manifests. Prints
// `pod "x" deleted` per object and, unless --wait=false, waits until each one is really gone
// (finalizers, graceful termination) by watching its name.
import { qualifiedKind, resourcePath, type ApiResource } from '../discovery';
import { SilentExit, UsageError } from '../errors';
import { readManifests } from '../manifest';
import { namespaceFor } from './apply';
import { aborted, isNotFoundError, targetPairs, type Ctx } from './context';

interface Target {
  res: ApiResource;
  ns: string | undefined;
  name: string;
}

const RECHECK_MS = 2000;

async function targets(ctx: Ctx, args: string[]): Promise<Target[]> {
  if (ctx.flags.filename.length) {
    if (args.length) throw new UsageError('cannot specify both resource names and -f');
    const out: Target[] = [];
    for (const m of await readManifests(ctx.flags.filename, { recursive: ctx.flags.recursive, readStdin: ctx.io.readStdin })) {
      const res = await ctx.discovery.resolveKind(m.obj.apiVersion as string, m.obj.kind as string);
      out.push({ res, ns: namespaceFor(ctx, res, m.obj), name: m.obj.metadata.name as string });
    }
    return out;
  }
  if (!args.length) throw new UsageError('you must provide one or more resources by argument or filename');
  if (args.length === 1 && !args[0].includes('/')) {
    if (!ctx.flags.selector) throw new UsageError('resource(s) were provided, but no name was specified');
    const out: Target[] = [];
    for (const t of args[0].split(',')) {
      const res = await ctx.discovery.resolve(t);
      const ns = res.namespaced && !ctx.flags.allNamespaces ? ctx.namespace : undefined;
      const list = await ctx.client.get(resourcePath(res, ns), { labelSelector: ctx.flags.selector });
      for (const o of list?.items ?? []) out.push({ res, ns: res.namespaced ? o.metadata?.namespace ?? ns : undefined, name: o.metadata.name });
    }
    return out;
  }
  const out: Target[] = [];
  for (const p of targetPairs(args)) {
    const res = await ctx.discovery.resolve(p.type);
    out.push({ res, ns: res.namespaced ? ctx.namespace : undefined, name: p.name });
  }
  return out;
}

export async function runDelete(ctx: Ctx, args: string[]): Promise<void> {
  const list = await targets(ctx, args);
  if (!list.length) {
    ctx.io.stderr(ctx.flags.allNamespaces ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
    return;
  }
  const policy = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan' }[ctx.flags.cascade];
  let failed = false;
  const waits: { t: Target; uid?: string }[] = [];
  for (const t of list) {
    try {
      const res = await ctx.client.request('DELETE', resourcePath(t.res, t.ns, t.name), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: policy },
      });
      ctx.io.stdout(`${qualifiedKind(t.res)} "${t.name}" deleted\n`);
      waits.push({ t, uid: res?.kind === 'Status' ? res?.details?.uid : res?.metadata?.uid });
    } catch (e) {
      if (isNotFoundError(e) && ctx.flags.ignoreNotFound) continue;
      if (!isNotFoundError(e)) throw e;
      ctx.io.stderr((e as Error).message + '\n');
      failed = true;
    }
  }
  if (ctx.flags.wait) for (const w of waits) await waitGone(ctx, w.t, w.uid);
  if (failed) throw new SilentExit();
}

/**
 * Returns once the object is gone (or replaced by a new one with another uid): a GET decides, a
 * watch on its name wakes us on DELETED, and a periodic re-check covers a watch that missed it.
 */
export async function waitGone(ctx: Ctx, t: Target, uid: string | undefined): Promise<void> {
  const path = resourcePath(t.res, t.ns);
  while (!ctx.io.signal.aborted) {
    let live: any;
    try {
      live = await ctx.client.get(resourcePath(t.res, t.ns, t.name));
    } catch (e) {
      if (isNotFoundError(e)) return;
      throw e;
    }
    if (uid && live?.metadata?.uid && live.metadata.uid !== uid) return;
    let timer: NodeJS.Timeout | undefined;
    let deleted = false;
    let wake: () => void = () => undefined;
    const deletedEvent = new Promise<void>((resolve) => (wake = resolve));
    const stream = ctx.client.watch(
      path,
      { fieldSelector: `metadata.name=${t.name}`, resourceVersion: live?.metadata?.resourceVersion },
      (ev) => {
        if (ev.type === 'DELETED') {
          deleted = true;
          wake();
        }
      },
    );
    stream.done.catch(() => undefined); // a failed watch just leaves the re-check to decide
    const recheck = new Promise<void>((resolve) => (timer = setTimeout(resolve, RECHECK_MS)));
    try {
      await Promise.race([deletedEvent, recheck, aborted(ctx.io.signal)]);
    } finally {
      clearTimeout(timer);
      stream.stop();
    }
    if (deleted) return;
  }
}
