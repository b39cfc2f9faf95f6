// Helpers shared by the kind definitions: the defaults every ResourceSpec starts from, the
// human-readable age kubectl prints, and the columns most kinds share.
import type { KObject } from '../../lib/api/types';
import type { PrinterColumn } from '../registry/types';
import type { ResourceSpec } from './types';

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

/** Kubernetes' short human duration: 45s, 5m30s, 3h, 2d4h, 1y30d. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Age of a timestamp relative to now, "<unknown>" when it is missing. */
export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

export const objAge = (o: KObject, now?: number) => age(o.metadata.creationTimestamp, now);

/** Deep equality of JSON values (key order ignored), used for generation and immutability checks. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** A plain object at obj[key], created when missing, for defaulting code. */
export function ensureObject(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = obj[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  obj[key] = fresh;
  return fresh;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v));
