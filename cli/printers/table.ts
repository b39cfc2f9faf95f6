// Tables the kubectl way: the server's meta.k8s.io Table turned into aligned text columns
// (cells separated by at least three spaces, header upper-cased), priority-1 columns only with
// -o wide, NAMESPACE first with -A, LABELS last with --show-labels, timestamps shown as ages.
import { humanDuration } from '../../lib/human-duration';

export interface ColumnDefinition {
  name: string;
  type?: string;
  format?: string;
  priority?: number;
  description?: string;
}

export interface TableRow {
  cells: unknown[];
  object?: any;
}

export interface Table {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

export interface TableOptions {
  wide: boolean;
  showLabels: boolean;
  withNamespace: boolean;
  /** Prefixed to names when several types are printed together (`pod/`, `deployment.apps/`). */
  namePrefix?: string;
  now: number;
}

export { humanDuration };

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

export function ageSince(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

export function formatCell(value: unknown, col: ColumnDefinition | undefined, now: number): string {
  if (value === null || value === undefined) return '<none>';
  if (typeof value === 'string') {
    if ((col?.type === 'date' || col?.format === 'date') && TIMESTAMP.test(value)) return ageSince(value, now);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => formatCell(v, undefined, now)).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** Header plus one line of cells per row, before alignment. */
export function tableCells(table: Table, opts: TableOptions): string[][] {
  const cols = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || !c.priority);
  const nameIdx = (() => {
    const i = table.columnDefinitions.findIndex((c) => c.format === 'name');
    return i >= 0 ? i : table.columnDefinitions.findIndex((c) => c.name.toLowerCase() === 'name');
  })();
  const header = cols.map(({ c }) => c.name.toUpperCase());
  if (opts.withNamespace) header.unshift('NAMESPACE');
  if (opts.showLabels) header.push('LABELS');
  const lines = [header];
  for (const row of table.rows) {
    const cells = cols.map(({ c, i }) => {
      const text = formatCell(row.cells[i], c, opts.now);
      return i === nameIdx && opts.namePrefix ? opts.namePrefix + text : text;
    });
    if (opts.withNamespace) cells.unshift(row.object?.metadata?.namespace ?? '');
    if (opts.showLabels) cells.push(formatLabels(row.object?.metadata?.labels));
    lines.push(cells);
  }
  return lines;
}

export function columnWidths(lines: string[][], min: number[] = []): number[] {
  const widths = [...min];
  for (const line of lines) line.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}

/** Pads every cell but the last of each line to its column's width plus gap spaces (kubectl: 3). */
export function alignLines(lines: string[][], widths: number[], gap = 3): string {
  return lines
    .map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] + gap))).join(''))
    .map((l) => l + '\n')
    .join('');
}

export function renderTable(table: Table, opts: TableOptions, withHeader = true): string {
  const lines = tableCells(table, opts);
  return alignLines(withHeader ? lines : lines.slice(1), columnWidths(lines));
}

/** A Table for servers or objects that gave none: NAME and AGE from metadata. */
export function fallbackTable(items: any[]): Table {
  return {
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name' },
      { name: 'Age', type: 'date' },
    ],
    rows: items.map((o) => ({ cells: [o?.metadata?.name, o?.metadata?.creationTimestamp], object: o })),
  };
}

export const isTable = (v: any): v is Table => !!v && v.kind === 'Table' && Array.isArray(v.columnDefinitions);
