// `apply -f`: kubectl's client-side apply. Absent objects are created carrying the
// last-applied-configuration annotation; present ones get a three-way JSON merge patch, sent only
// when it is not empty.
import type { KObject } from '../../lib/api/types';
import { qualifiedKind, resourcePath, type ApiResource } from '../discovery';
import { CliError, SilentExit } from '../errors';
import { readManifests, type ManifestObject } from '../manifest';
import { isEmptyPatch, lastAppliedOf, threeWayMergePatch, withLastApplied } from '../merge-patch';
import { RestError } from '../rest-client';
import { isNotFoundError, type Ctx } from './context';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

/** The namespace an object from a manifest lives in, checked against an explicit -n. */
export function namespaceFor(ctx: Ctx, res: ApiResource, obj: KObject): string | undefined {
  if (!res.namespaced) return undefined;
  const own = obj.metadata.namespace;
  if (own && ctx.namespaceExplicit && own !== ctx.namespace)
    throw new CliError(
      `the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
      'CLI_NAMESPACE_MISMATCH',
    );
  return own ?? ctx.namespace;
}

async function applyOne(ctx: Ctx, res: ApiResource, ns: string | undefined, config: KObject): Promise<ApplyOutcome> {
  const name = config.metadata.name as string;
  const desired = withLastApplied(config);
  for (let attempt = 0; ; attempt++) {
    let live: KObject | undefined;
    try {
      live = await ctx.client.get<KObject>(resourcePath(res, ns, name));
    } catch (e) {
      if (!isNotFoundError(e)) throw e;
    }
    try {
      if (!live) {
        const body = { ...desired, metadata: { ...desired.metadata, ...(ns ? { namespace: ns } : {}) } };
        await ctx.client.request('POST', resourcePath(res, ns), { body });
        return 'created';
      }
      const patch = threeWayMergePatch(lastAppliedOf(live), desired as Record<string, unknown>, live as Record<string, unknown>);
      if (isEmptyPatch(patch)) return 'unchanged';
      await ctx.client.request('PATCH', resourcePath(res, ns, name), { body: patch, contentType: 'application/merge-patch+json' });
      return 'configured';
    } catch (e) {
      // Someone created or changed it between our read and write: read again and redo the plan.
      const retriable = e instanceof RestError && e.httpCode === 409 && attempt < 4;
      if (!retriable) throw e;
    }
  }
}

export async function runApply(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length) throw new CliError(`unexpected args: [${args.join(' ')}]`, 'CLI_USAGE');
  const manifests = await readManifests(ctx.flags.filename, { recursive: ctx.flags.recursive, readStdin: ctx.io.readStdin });
  let failed = false;
  for (const m of manifests) {
    try {
      const res = await ctx.discovery.resolveKind(m.obj.apiVersion as string, m.obj.kind as string);
      const ns = namespaceFor(ctx, res, m.obj);
      const outcome = await applyOne(ctx, res, ns, m.obj);
      ctx.io.stdout(ctx.flags.output === 'name' ? `${qualifiedKind(res)}/${m.obj.metadata.name}\n` : `${qualifiedKind(res)}/${m.obj.metadata.name} ${outcome}\n`);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      ctx.io.stderr(applyErrorText(e, m) + '\n');
      failed = true;
    }
  }
  if (failed) throw new SilentExit();
}

function applyErrorText(e: CliError, m: ManifestObject): string {
  if (e instanceof RestError) {
    const s = e.status;
    const head = s.reason && s.reason !== 'Invalid' ? `Error from server (${s.reason}): ` : 'Error from server: ';
    return `${head}error when applying "${m.source}": ${s.message ?? 'unknown'}`;
  }
  if ((e as { verbatim?: boolean }).verbatim) return e.message;
  return `error: ${m.source}:${m.line}: ${e.message}`;
}
