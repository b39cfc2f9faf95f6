// `scale <type>/<name> --replicas=N`: a merge patch on the scale subresource.
import { qualifiedKind, resourcePath } from '../discovery';
import { CliError, UsageError } from '../errors';
import { targetPairs, type Ctx } from './context';

export async function runScale(ctx: Ctx, args: string[]): Promise<void> {
  const n = ctx.flags.replicas;
  if (n === undefined || n < 0) throw new UsageError('--replicas=COUNT is required, and COUNT must be greater than or equal to 0');
  const pairs = targetPairs(args);
  if (!pairs.length) throw new UsageError('you must specify the resource to scale, e.g. deployment/web');
  for (const p of pairs) {
    const res = await ctx.discovery.resolve(p.type);
    // An empty list means the server did not advertise subresources; let the server decide then.
    if (res.subresources.length && !res.subresources.includes('scale'))
      throw new CliError(`cannot scale ${qualifiedKind(res)}: it has no scale subresource`, 'CLI_NOT_SCALABLE');
    const ns = res.namespaced ? ctx.namespace : undefined;
    await ctx.client.request('PATCH', resourcePath(res, ns, p.name, 'scale'), {
      body: { spec: { replicas: n } },
      contentType: 'application/merge-patch+json',
    });
    ctx.io.stdout(`${qualifiedKind(res)}/${p.name} scaled\n`);
  }
}
