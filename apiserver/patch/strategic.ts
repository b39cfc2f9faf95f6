// Kubernetes strategic merge patch: a JSON merge patch whose lists can merge element-wise by a
// merge key (see merge-keys.ts), steered by directives inside the patch:
//   $patch: replace | delete | merge     (in a map, or as a list element)
//   $retainKeys: [..]                    (keep only these keys of the original map)
//   $deleteFromPrimitiveList/<field>     (remove values from a merged primitive list)
//   $setElementOrder/<field>             (final order of a merged list)
import { apiError } from '../../lib/errors';
import { listStrategy } from './merge-keys';
import { clone, deepEqual, isObject, JsonObject } from './json-util';

const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

function bad(msg: string): never {
  throw apiError(400, 'BadRequest', `invalid strategic merge patch: ${msg}`);
}

export function strategicMergePatch(original: unknown, patch: unknown, kind: string): unknown {
  if (!isObject(patch)) bad('the patch must be a JSON object');
  const out = mergeMap(isObject(original) ? original : {}, patch, kind, []);
  return out === undefined ? {} : out;
}

/** Returns undefined when the map itself is deleted by `$patch: delete`. */
function mergeMap(original: JsonObject, patch: JsonObject, kind: string, path: string[]): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive !== undefined) {
    if (directive === 'delete') return undefined;
    if (directive === 'replace') {
      const rest = clone(patch);
      delete rest.$patch;
      return stripDirectives(rest);
    }
    if (directive !== 'merge') bad(`unknown $patch directive "${String(directive)}" at ${pathText(path)}`);
  }
  let out: JsonObject = clone(original);
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain) || !retain.every((k) => typeof k === 'string')) bad(`$retainKeys must be a list of strings at ${pathText(path)}`);
    const keep = new Set(retain as string[]);
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  // Deletions from primitive lists run before the merge of the same field.
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_PRIMITIVE)) continue;
    const field = k.slice(DELETE_PRIMITIVE.length);
    if (!Array.isArray(v)) bad(`${k} must be a list`);
    if (Array.isArray(out[field])) {
      out[field] = (out[field] as unknown[]).filter((x) => !v.some((d) => deepEqual(d, x)));
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    const childPath = [...path, k];
    if (v === null) {
      delete out[k];
    } else if (isObject(v)) {
      const merged = mergeMap(isObject(out[k]) ? (out[k] as JsonObject) : {}, v, kind, childPath);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : [], v, kind, childPath);
    } else {
      out[k] = v;
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    if (!Array.isArray(v)) bad(`${k} must be a list`);
    if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], v, listStrategy(kind, [...path, field])?.key);
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], kind: string, path: string[]): unknown[] {
  const strategy = listStrategy(kind, path);
  // A `{$patch: replace}` element replaces the whole list with the other elements.
  const replaceAll = patch.some((e) => isObject(e) && e.$patch === 'replace' && Object.keys(e).length === 1);
  if (!strategy || replaceAll) {
    return stripDirectives(patch.filter((e) => !(isObject(e) && e.$patch === 'replace' && Object.keys(e).length === 1))) as unknown[];
  }
  if (strategy.key === undefined) {
    // A set of primitives: union, keeping the original order and appending new values.
    const out = clone(original);
    for (const e of patch) if (!out.some((x) => deepEqual(x, e))) out.push(clone(e));
    return out;
  }
  const key = strategy.key;
  const out = clone(original);
  for (const e of patch) {
    if (!isObject(e)) bad(`element of ${pathText(path)} must be an object with "${key}"`);
    if (!(key in e)) bad(`element of ${pathText(path)} has no merge key "${key}"`);
    const idx = out.findIndex((x) => isObject(x) && deepEqual(x[key], e[key]));
    if (e.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as JsonObject, e, kind, path);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      const added = mergeMap({}, e, kind, path);
      if (added !== undefined) out.push(added);
    }
  }
  return out;
}

/** Items named in `order` come first in that order; the rest keep their relative order after. */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (x: unknown) => (key !== undefined && isObject(x) ? x[key] : x);
  const ranked: { item: unknown; rank: number; pos: number }[] = list.map((item, pos) => {
    const r = order.findIndex((o) => deepEqual(key !== undefined && isObject(o) ? o[key] : o, id(item)));
    return { item, rank: r < 0 ? Number.MAX_SAFE_INTEGER : r, pos };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.pos - b.pos);
  return ranked.map((r) => r.item);
}

/** Drops directive keys from a value that is being inserted as-is. */
function stripDirectives<T>(v: T): T {
  if (Array.isArray(v)) return v.map(stripDirectives) as unknown as T;
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    out[k] = stripDirectives(x);
  }
  return out as T;
}

const pathText = (p: string[]) => (p.length ? p.join('.') : '<root>');
