// `describe`: fetches the object(s), their Events (field selector on involvedObject, filtered
// again locally in case the server ignores it) and, for Services, their Endpoints.
import type { KEvent } from '../../lib/api/types';
import { resourcePath, type ApiResource } from '../discovery';
import { SilentExit, UsageError } from '../errors';
import { describeObject } from '../printers/describe';
import { RestError } from '../rest-client';
import { isNotFoundError, targetPairs, type Ctx } from './context';

async function eventsFor(ctx: Ctx, obj: any): Promise<KEvent[]> {
  const events = await ctx.discovery.resolve('events');
  const ns = obj.metadata?.namespace;
  const sel = [`involvedObject.name=${obj.metadata?.name}`];
  if (ns) sel.push(`involvedObject.namespace=${ns}`);
  if (obj.metadata?.uid) sel.push(`involvedObject.uid=${obj.metadata.uid}`);
  let items: KEvent[];
  try {
    items = (await ctx.client.get(resourcePath(events, ns), { fieldSelector: sel.join(',') }))?.items ?? [];
  } catch (e) {
    if (!(e instanceof RestError) || e.httpCode !== 400) throw e;
    items = (await ctx.client.get(resourcePath(events, ns)))?.items ?? [];
  }
  return items.filter(
    (ev) =>
      ev.involvedObject?.name === obj.metadata?.name &&
      (!ev.involvedObject?.kind || ev.involvedObject.kind === obj.kind) &&
      (!ev.involvedObject?.uid || !obj.metadata?.uid || ev.involvedObject.uid === obj.metadata.uid),
  );
}

async function describeOne(ctx: Ctx, res: ApiResource, ns: string | undefined, obj: any): Promise<string> {
  obj = { apiVersion: res.group ? `${res.group}/${res.version}` : res.version, kind: res.kind, ...obj };
  let endpoints: any;
  if (res.kind === 'Service' && !res.group) {
    try {
      endpoints = await ctx.client.get(`/api/v1/namespaces/${encodeURIComponent(ns ?? 'default')}/endpoints/${encodeURIComponent(obj.metadata.name)}`);
    } catch {
      endpoints = undefined; // no endpoints yet: shown as <none>
    }
  }
  return describeObject({ kind: res.kind, obj, events: await eventsFor(ctx, obj), endpoints, now: ctx.io.now() });
}

export async function runDescribe(ctx: Ctx, args: string[]): Promise<void> {
  if (!args.length) throw new UsageError('you must specify the type of resource to describe');
  const outputs: string[] = [];
  let failed = false;
  if (args.length === 1 && !args[0].includes('/')) {
    // no name: every object of the type (matching -l), as kubectl does
    const res = await ctx.discovery.resolve(args[0]);
    const ns = res.namespaced ? ctx.namespace : undefined;
    const list = await ctx.client.get(resourcePath(res, ns), { labelSelector: ctx.flags.selector });
    for (const o of list?.items ?? []) outputs.push(await describeOne(ctx, res, ns, o));
    if (!outputs.length) ctx.io.stderr(res.namespaced ? `No resources found in ${ctx.namespace} namespace.\n` : 'No resources found\n');
  } else {
    for (const p of targetPairs(args)) {
      const res = await ctx.discovery.resolve(p.type);
      const ns = res.namespaced ? ctx.namespace : undefined;
      try {
        outputs.push(await describeOne(ctx, res, ns, await ctx.client.get(resourcePath(res, ns, p.name))));
      } catch (e) {
        if (!isNotFoundError(e)) throw e;
        ctx.io.stderr((e as Error).message + '\n');
        failed = true;
      }
    }
  }
  ctx.io.stdout(outputs.join('\n\n'));
  if (failed) throw new SilentExit();
}
