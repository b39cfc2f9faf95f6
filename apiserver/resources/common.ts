// Helpers shared by the kind definitions: the defaults every ResourceSpec starts from, the
// human-readable age kubectl prints, and the columns most kinds share.
import type { KObject } from '../../lib/api/types';
import type { PrinterColumn } from '../registry/types';
import type { ResourceSpec } from './types';
import { humanDuration } from '../../lib/human-duration';

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Required = Pick<ResourceSpec, 'group' | 'version' | 'kind' | 'resource' | 'singular' | 'namespaced' | 'schema' | 'printerColumns' | 'printRow'>;

/** Fills the fields most kinds share so each kind file states only what is particular to it. */
export function defineResource(r: Required & Partial<ResourceSpec>): ResourceSpec {
  return {
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    listKind: `${r.kind}List`,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    fieldSelectors: {},
    nameRule: 'subdomain',
    hasStatus: false,
    ...r,
  };
}

export const col = (name: string, type: PrinterColumn['type'], description: string, priority = 0, format?: string): PrinterColumn =>
  format ? { name, type, description, priority, format } : { name, type, description, priority };

export const NAME_COLUMN = col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name');
export const AGE_COLUMN = col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

export { humanDuration };

/** Age of a timestamp relative to now, "<unknown>" when it is missing. */
export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

export const objAge = (o: KObject, now?: number) => age(o.metadata.creationTimestamp, now);

export { jsonEqual } from '../../lib/api/json-equal';

/** A plain object at obj[key], created when missing, for defaulting code. */
export function ensureObject(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = obj[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  obj[key] = fresh;
  return fresh;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v));
