// Client-side apply's three-way JSON merge patch. Inputs: the configuration applied last time
// (from the last-applied annotation), the configuration being applied now, and the live object.
// The patch sets what the new configuration changes, deletes (null) what the user removed since the
// last apply, and leaves alone everything nobody asked about (server defaults, other writers).
import type { KObject } from '../lib/api/types';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * A merge patch replaces lists whole, so a list only needs sending when the live one does not
 * already satisfy the configuration element by element. Server-filled fields inside elements
 * (imagePullPolicy, protocol, ...) then do not make every apply look like a change.
 */
function listSatisfied(orig: unknown, mod: unknown[], cur: unknown[]): boolean {
  if (mod.length !== cur.length) return false;
  const o = Array.isArray(orig) && orig.length === mod.length ? orig : undefined;
  return mod.every((m, i) => {
    const c = cur[i];
    if (isObj(m) && isObj(c)) return Object.keys(diffObjects(isObj(o?.[i]) ? (o?.[i] as Obj) : undefined, m, c)).length === 0;
    if (Array.isArray(m) && Array.isArray(c)) return listSatisfied(o?.[i], m, c);
    return deepEqual(m, c);
  });
}

function diffObjects(orig: Obj | undefined, mod: Obj, cur: Obj): Obj {
  const patch: Obj = {};
  for (const [k, m] of Object.entries(mod)) {
    const has = Object.prototype.hasOwnProperty.call(cur, k);
    const c = cur[k];
    if (m === null) {
      if (has) patch[k] = null; // null in the configuration asks for deletion
      continue;
    }
    if (isObj(m) && isObj(c)) {
      const sub = diffObjects(isObj(orig?.[k]) ? (orig?.[k] as Obj) : undefined, m, c);
      if (Object.keys(sub).length) patch[k] = sub;
    } else if (Array.isArray(m) && Array.isArray(c)) {
      if (!listSatisfied(orig?.[k], m, c)) patch[k] = m;
    } else if (!has || !deepEqual(m, c)) patch[k] = m;
  }
  if (orig)
    for (const k of Object.keys(orig))
      if (!Object.prototype.hasOwnProperty.call(mod, k) && Object.prototype.hasOwnProperty.call(cur, k)) patch[k] = null;
  return patch;
}

/** The three-way patch; `{}` means the live object already matches. */
export function threeWayMergePatch(original: unknown, modified: Obj, current: Obj): Obj {
  return diffObjects(isObj(original) ? original : undefined, modified, current);
}

export const isEmptyPatch = (p: Obj): boolean => Object.keys(p).length === 0;

/** The configuration as sent: a copy carrying itself (minus the annotation) in the annotation. */
export function withLastApplied(config: KObject): KObject {
  const copy = JSON.parse(JSON.stringify(config)) as KObject;
  const annotations = { ...(copy.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  copy.metadata = { ...copy.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  const recorded = JSON.stringify(copy) + '\n';
  copy.metadata.annotations = { ...annotations, [LAST_APPLIED]: recorded };
  return copy;
}

/** The configuration recorded by the previous apply, if any and if readable. */
export function lastAppliedOf(live: KObject): Obj | undefined {
  const raw = live.metadata?.annotations?.[LAST_APPLIED];
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
