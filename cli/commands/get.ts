// `get`: tables from the server's Table rendering (or whole objects with -o yaml|json|name), for
// one or several types, by name or by listing, optionally followed by a watch (-w).
import type { KObject } from '../../lib/api/types';
import { parseTypeArgs } from '../args';
import { groupVersion, qualifiedKind, resourcePath, type ApiResource } from '../discovery';
import { CliError, SilentExit, UsageError } from '../errors';
import { parseOutputFormat, renderNames, renderObjects, type OutputFormat } from '../printers/objects';
import { alignLines, columnWidths, fallbackTable, isTable, tableCells, type Table, type TableOptions } from '../printers/table';
import { TABLE_ACCEPT } from '../rest-client';
import { aborted, isNotFoundError, type Ctx } from './context';

interface Group {
  res: ApiResource;
  names: string[];
}

async function groupsOf(ctx: Ctx, args: string[]): Promise<{ groups: Group[]; multi: boolean }> {
  const parsed = parseTypeArgs(args);
  const groups: Group[] = [];
  let multi = false;
  if ('pairs' in parsed) {
    for (const p of parsed.pairs) {
      const res = await ctx.discovery.resolve(p.type);
      const g = groups.find((x) => x.res === res);
      if (g) g.names.push(p.name);
      else groups.push({ res, names: [p.name] });
    }
    multi = true; // kubectl prefixes kind/ when names come as type/name
  } else {
    for (const t of parsed.types) {
      const many = await ctx.discovery.resolveMany(t);
      if (many.length > 1) multi = true;
      for (const res of many) if (!groups.some((g) => g.res === res)) groups.push({ res, names: [...parsed.names] });
    }
    if (parsed.types.length > 1) multi = true;
  }
  return { groups, multi };
}

const withTypeMeta = (r: ApiResource, o: any): KObject => ({ apiVersion: groupVersion(r), kind: r.kind, ...o });

function listQuery(ctx: Ctx) {
  return { labelSelector: ctx.flags.selector, fieldSelector: ctx.flags.fieldSelector };
}

/** Table rows for a group: one request per name, or one list. Prints NotFound lines as it goes. */
async function fetchTable(ctx: Ctx, g: Group, ns: string | undefined): Promise<{ table: Table; failed: boolean }> {
  const toTable = (v: any): Table => (isTable(v) ? v : fallbackTable(Array.isArray(v?.items) ? v.items : [v]));
  if (!g.names.length) return { table: toTable(await ctx.client.get(resourcePath(g.res, ns), listQuery(ctx), TABLE_ACCEPT)), failed: false };
  let table: Table | undefined;
  let failed = false;
  for (const name of g.names) {
    try {
      const t = toTable(await ctx.client.get(resourcePath(g.res, ns, name), undefined, TABLE_ACCEPT));
      if (!table) table = t;
      else table.rows.push(...t.rows);
    } catch (e) {
      if (!isNotFoundError(e)) throw e;
      ctx.io.stderr((e as Error).message + '\n');
      failed = true;
    }
  }
  return { table: table ?? { columnDefinitions: [], rows: [] }, failed };
}

async function fetchObjects(ctx: Ctx, g: Group, ns: string | undefined): Promise<{ objs: KObject[]; failed: boolean; rv?: string }> {
  if (!g.names.length) {
    const list = await ctx.client.get(resourcePath(g.res, ns), listQuery(ctx));
    return { objs: (list?.items ?? []).map((o: any) => withTypeMeta(g.res, o)), failed: false, rv: list?.metadata?.resourceVersion };
  }
  const objs: KObject[] = [];
  let failed = false;
  for (const name of g.names) {
    try {
      objs.push(withTypeMeta(g.res, await ctx.client.get(resourcePath(g.res, ns, name))));
    } catch (e) {
      if (!isNotFoundError(e)) throw e;
      ctx.io.stderr((e as Error).message + '\n');
      failed = true;
    }
  }
  return { objs, failed };
}

function noResourcesMessage(ctx: Ctx, namespaced: boolean): string {
  if (ctx.flags.allNamespaces || !namespaced) return 'No resources found\n';
  return `No resources found in ${ctx.namespace} namespace.\n`;
}

export async function runGet(ctx: Ctx, args: string[]): Promise<void> {
  const format = parseOutputFormat(ctx.flags.output);
  const { groups, multi } = await groupsOf(ctx, args);
  if (ctx.flags.allNamespaces && groups.some((g) => g.names.length))
    throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  if (ctx.flags.watch && groups.length !== 1) throw new UsageError('you may only specify a single resource type with --watch');
  const anyNames = groups.some((g) => g.names.length);
  let failed = false;
  let printedAny = false;
  let lastTable: { table: Table; opts: TableOptions; widths: number[] } | undefined;
  let lastRv: string | undefined;

  if (format === 'table' || format === 'wide') {
    for (const g of groups) {
      const ns = g.res.namespaced && !ctx.flags.allNamespaces ? ctx.namespace : undefined;
      const r = await fetchTable(ctx, g, ns);
      failed ||= r.failed;
      lastRv = r.table.metadata?.resourceVersion;
      const opts: TableOptions = {
        wide: format === 'wide',
        showLabels: ctx.flags.showLabels,
        withNamespace: ctx.flags.allNamespaces && g.res.namespaced,
        namePrefix: multi ? `${qualifiedKind(g.res)}/` : undefined,
        now: ctx.io.now(),
      };
      const lines = tableCells(r.table, opts);
      const widths = columnWidths(lines);
      lastTable = { table: r.table, opts, widths };
      if (!r.table.rows.length) continue;
      if (printedAny) ctx.io.stdout('\n');
      ctx.io.stdout(alignLines(lines, widths));
      printedAny = true;
    }
  } else {
    const all: KObject[] = [];
    for (const g of groups) {
      const ns = g.res.namespaced && !ctx.flags.allNamespaces ? ctx.namespace : undefined;
      const r = await fetchObjects(ctx, g, ns);
      failed ||= r.failed;
      lastRv = r.rv;
      all.push(...r.objs);
    }
    const single = anyNames && groups.length === 1 && groups[0].names.length === 1;
    if (format === 'name') {
      ctx.io.stdout(renderNames(all, (o) => qualifiedKindOf(groups, o)));
      printedAny = all.length > 0;
    } else if (all.length || (!anyNames && !ctx.flags.watch)) {
      // like kubectl, an empty listing prints an empty List in yaml/json
      ctx.io.stdout(renderObjects(all, format, single));
      printedAny = true;
    }
  }
  if (!printedAny && !anyNames && !failed) ctx.io.stderr(noResourcesMessage(ctx, groups[0]?.res.namespaced ?? true));
  if (ctx.flags.watch) await watchGroup(ctx, groups[0], format, lastRv, lastTable);
  if (failed) throw new SilentExit();
}

function qualifiedKindOf(groups: Group[], o: KObject): string {
  const g = groups.find((x) => x.res.kind === o.kind && groupVersion(x.res) === o.apiVersion) ?? groups[0];
  return qualifiedKind(g.res);
}

/** Follows changes after the printed state until interrupted, printing one row per change. */
async function watchGroup(
  ctx: Ctx,
  g: Group,
  format: OutputFormat,
  rv: string | undefined,
  shown: { table: Table; opts: TableOptions; widths: number[] } | undefined,
): Promise<void> {
  const ns = g.res.namespaced && !ctx.flags.allNamespaces ? ctx.namespace : undefined;
  const fieldSelector = g.names.length === 1 ? `metadata.name=${g.names[0]}` : ctx.flags.fieldSelector;
  if (g.names.length > 1) throw new CliError('watch is only supported on individual resources and resource collections', 'CLI_USAGE');
  let widths = shown?.widths ?? [];
  let headerShown = !!shown?.table.rows.length;
  const tableMode = format === 'table' || format === 'wide';
  const printRows = (t: Table) => {
    if (!shown) return;
    const lines = tableCells(t, { ...shown.opts, now: ctx.io.now() });
    widths = columnWidths(headerShown ? lines.slice(1) : lines, widths);
    ctx.io.stdout(alignLines(headerShown ? lines.slice(1) : lines, widths));
    headerShown = true;
  };
  const onEvent = (ev: { type: string; object: any }) => {
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'ERROR') {
      ctx.io.stderr(`error: watch failed: ${ev.object?.message ?? 'unknown error'}\n`);
      return;
    }
    if (tableMode) printRows(isTable(ev.object) ? ev.object : fallbackTable([ev.object]));
    else {
      const obj = withTypeMeta(g.res, ev.object);
      if (format === 'name') ctx.io.stdout(renderNames([obj], () => qualifiedKind(g.res)));
      else ctx.io.stdout((format === 'yaml' ? '---\n' : '') + renderObjects([obj], format, true));
    }
  };
  const stream = ctx.client.watch(
    resourcePath(g.res, ns),
    { resourceVersion: rv, labelSelector: ctx.flags.selector, fieldSelector, allowWatchBookmarks: 'true' },
    onEvent,
    tableMode ? TABLE_ACCEPT : undefined,
  );
  const stop = () => stream.stop();
  ctx.io.signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.race([stream.done, aborted(ctx.io.signal)]);
  } finally {
    ctx.io.signal.removeEventListener('abort', stop);
    stream.stop();
  }
}
