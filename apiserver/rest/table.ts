// Server-side printing: converts objects to a meta.k8s.io/v1 (or v1beta1) Table, the way `kubectl get` asks
// for it. Rows carry the object as PartialObjectMetadata unless includeObject=Object (or None).
import type { KObject } from '../../lib/api/types';
import type { PrinterColumn, ResourceDef } from '../registry/types';
import type { Transform } from './negotiate';
import { asPartialObjectMetadata } from './partial-metadata';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumn[];
  rows: { cells: unknown[]; object?: unknown }[];
}

export function parseIncludeObject(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** Relative age the way kubectl prints it (e.g. 45s, 12m, 3h, 5d, 2y). */
export function humanAge(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 && h < 8 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 365 * 2) return h % 24 && d < 8 ? `${d}d${h % 24}h` : `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

const DEFAULT_COLUMNS: PrinterColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
  { name: 'Age', type: 'string', description: 'Time since the object was created.', priority: 0 },
];

function columnsOf(def: ResourceDef): PrinterColumn[] {
  return def.printerColumns.length > 0 ? def.printerColumns : DEFAULT_COLUMNS;
}

export function columnDefinitions(def: ResourceDef): TableColumn[] {
  return columnsOf(def).map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? (c.name === 'Name' ? 'name' : ''),
    description: c.description ?? '',
    priority: c.priority,
  }));
}

function cellsOf(def: ResourceDef, obj: KObject): unknown[] {
  if (def.printerColumns.length === 0) return [obj.metadata.name ?? '', humanAge(obj.metadata.creationTimestamp)];
  try {
    return def.printRow(obj);
  } catch {
    // A printer bug must not hide the object: fall back to the name and blanks.
    return def.printerColumns.map((c, i) => (i === 0 ? obj.metadata.name ?? '' : '<error>'));
  }
}

function rowObject(obj: KObject, include: IncludeObject, version: Transform['version']): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return asPartialObjectMetadata(obj, version);
}

export function toTable(
  def: ResourceDef,
  objects: KObject[],
  include: IncludeObject,
  listMeta: { resourceVersion?: string; continue?: string } = {},
  withColumns = true,
  version: Transform['version'] = 'v1',
): Table {
  const metadata: Table['metadata'] = {};
  if (listMeta.resourceVersion) metadata.resourceVersion = listMeta.resourceVersion;
  if (listMeta.continue) metadata.continue = listMeta.continue;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    columnDefinitions: withColumns ? columnDefinitions(def) : [],
    rows: objects.map((o) => {
      const row: { cells: unknown[]; object?: unknown } = { cells: cellsOf(def, o) };
      const ob = rowObject(o, include, version);
      if (ob !== undefined) row.object = ob;
      return row;
    }),
  };
}
