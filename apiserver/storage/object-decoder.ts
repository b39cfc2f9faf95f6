// Reading stored values back as objects. A value is corrupt when the apiserver cannot decode it as
// an object of the resource its key names: what makes kube-apiserver's Go decoding fail (not JSON,
// not a JSON object, another apiVersion or kind, unusable metadata, fields of the wrong JSON type,
// unparseable quantities). Such values are written around the apiserver, straight into etcd.
// Which shape a resource has is the registry's knowledge (its schemas), so the store is handed
// that judgement as a StoredObjectCheck; without one only the generic part below applies.
//
// Unlike kube-apiserver, which fails a whole list over one corrupt object (reason StorageReadError),
// a corrupt value is left out of lists and watches so that the resource stays served; a read of it
// answers 500 as upstream does (CorruptObjectApiError) and the registry can still delete it.
import type { IKeyValue } from 'etcd3';
import type { KObject } from '../../lib/api/types';
import { CorruptObjectLog } from './corrupt-objects';
import { CorruptObjectApiError, type ResourceName } from './errors';

/** Where a value is stored, read from its key: <prefix>/<group or core>/<resource>/[<namespace>/]<name>. */
export interface StoredKey extends ResourceName {
  key: string;
  namespace?: string;
  name: string;
}

/** Why value (a JSON object) is not decodable as an object stored at `at`, or undefined when it is. */
export type StoredObjectCheck = (at: StoredKey, value: Record<string, unknown>) => string | undefined;

/** A stored value that cannot be decoded; `reason` says why, in words for operators. */
export class CorruptObjectError extends Error {
  readonly code = 'STORED_OBJECT_CORRUPT';
  constructor(
    readonly key: string,
    readonly revision: string,
    readonly reason: string,
  ) {
    super(`object not decodable revision=${revision}: ${reason}`);
    this.name = 'CorruptObjectError';
  }
}

export type Decoded = { object: KObject; corrupt?: undefined } | { object?: undefined; corrupt: CorruptObjectError };

/** The parts of an object key under prefix, or undefined for keys that hold no object. */
export function parseStoredKey(prefix: string, key: string): StoredKey | undefined {
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  if (!key.startsWith(base)) return undefined;
  const parts = key.slice(base.length).split('/');
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const r = { key, group: parts[0] === 'core' ? '' : parts[0], resource: parts[1] };
  return parts.length === 4 ? { ...r, namespace: parts[2], name: parts[3] } : { ...r, name: parts[2] };
}

/** The part of the judgement that needs no schema: a JSON object whose metadata is an object. */
export function genericProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `the stored value is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not a JSON object`;
  const meta = (value as { metadata?: unknown }).metadata;
  if (meta === undefined || meta === null) return 'metadata: the stored object has no metadata';
  if (typeof meta !== 'object' || Array.isArray(meta)) return 'metadata: expected an object';
  return undefined;
}

export class ObjectDecoder {
  private check: StoredObjectCheck | undefined;

  constructor(
    private readonly prefix: string,
    readonly corrupt: CorruptObjectLog = new CorruptObjectLog(),
  ) {}

  /** Judge values by this check from now on (the registry's schemas). */
  useCheck(check: StoredObjectCheck): void {
    this.check = check;
  }

  /**
   * The stored value as an object whose resourceVersion is its mod revision (or the one given), or
   * why it is corrupt. Corrupt values are reported and a good value clears an earlier report,
   * unless `quiet` (a previous value: the current one is what the report must describe).
   */
  tryDecode(kv: IKeyValue, revision?: string, quiet = false): Decoded {
    const key = kv.key.toString();
    const modRevision = String(kv.mod_revision);
    const at = parseStoredKey(this.prefix, key);
    const fail = (reason: string): Decoded => {
      const corrupt = new CorruptObjectError(key, modRevision, reason);
      if (!quiet) this.corrupt.report(key, at ? qualified(at) : 'unknown', modRevision, reason);
      return { corrupt };
    };
    let value: unknown;
    try {
      value = JSON.parse(kv.value.toString('utf8'));
    } catch (e) {
      return fail(`invalid JSON: ${(e as Error).message}`);
    }
    const generic = genericProblem(value);
    if (generic) return fail(generic);
    const problem = at && this.check ? this.check(at, value as Record<string, unknown>) : undefined;
    if (problem) return fail(problem);
    if (!quiet) this.corrupt.cleared(key, modRevision);
    const obj = value as KObject;
    obj.metadata = { ...obj.metadata, resourceVersion: revision ?? modRevision };
    return { object: obj };
  }

  /** The stored value as an object; a corrupt one throws the 500 kube-apiserver answers with. */
  decode(kv: IKeyValue, revision?: string): KObject {
    const d = this.tryDecode(kv, revision);
    if (d.corrupt) throw new CorruptObjectApiError(d.corrupt.key, d.corrupt.revision, d.corrupt.reason);
    return d.object;
  }

  /** The key no longer exists. */
  deleted(key: string): void {
    this.corrupt.cleared(key);
  }
}

const qualified = (r: ResourceName) => (r.group ? `${r.resource}.${r.group}` : r.resource);
