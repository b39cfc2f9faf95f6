// RFC 6902 JSON patch. A malformed patch document is a 400 BadRequest; an operation that cannot
// apply to this object (missing path, failed test) is a 422 Invalid, as the apiserver reports it.
import { apiError } from '../../lib/errors';
import { clone, deepEqual, isObject } from './json-util';

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function bad(msg: string): never {
  throw apiError(400, 'BadRequest', `invalid JSON patch: ${msg}`);
}
function fail(msg: string): never {
  throw apiError(422, 'Invalid', `the JSON patch could not be applied: ${msg}`);
}

export function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) bad(`path "${p}" must start with "/"`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function checkOps(patch: unknown): Op[] {
  if (!Array.isArray(patch)) bad('the patch must be a JSON array of operations');
  return patch.map((raw, i) => {
    if (!isObject(raw)) bad(`operation ${i} is not an object`);
    const op = raw as unknown as Op;
    if (typeof op.op !== 'string' || !OPS.has(op.op)) bad(`operation ${i} has unknown op "${String(op.op)}"`);
    if (typeof op.path !== 'string') bad(`operation ${i} (${op.op}) has no "path"`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') bad(`operation ${i} (${op.op}) has no "from"`);
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in raw)) {
      bad(`operation ${i} (${op.op}) has no "value"`);
    }
    parsePointer(op.path);
    if (op.from !== undefined) parsePointer(op.from);
    return op;
  });
}

function arrayIndex(arr: unknown[], tok: string, path: string, allowEnd: boolean): number {
  if (tok === '-' && allowEnd) return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(tok)) fail(`"${tok}" is not an array index in path "${path}"`);
  const i = Number(tok);
  if (i > arr.length || (!allowEnd && i === arr.length)) fail(`index ${i} is out of range in path "${path}"`);
  return i;
}

/** Resolves the parent container of a pointer, failing when an intermediate step is missing. */
function parentOf(doc: unknown, toks: string[], path: string): unknown {
  let cur = doc;
  for (const t of toks.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, path, false)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else fail(`path "${path}" does not exist`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) fail(`path "${path}" does not exist`);
  return cur;
}

function getAt(doc: unknown, path: string): unknown {
  const toks = parsePointer(path);
  if (toks.length === 0) return doc;
  const parent = parentOf(doc, toks, path);
  const last = toks[toks.length - 1];
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, path, false)];
  const o = parent as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(o, last)) fail(`path "${path}" does not exist`);
  return o[last];
}

function removeAt(doc: unknown, path: string): unknown {
  const toks = parsePointer(path);
  if (toks.length === 0) fail('cannot remove the whole document');
  const parent = parentOf(doc, toks, path);
  const last = toks[toks.length - 1];
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, path, false), 1)[0];
  const o = parent as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(o, last)) fail(`path "${path}" does not exist`);
  const v = o[last];
  delete o[last];
  return v;
}

/** Returns the new document (the root may be replaced by an add at ""). */
function addAt(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const toks = parsePointer(path);
  if (toks.length === 0) return value;
  const parent = parentOf(doc, toks, path);
  const last = toks[toks.length - 1];
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, path, !replace);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else {
    const o = parent as Record<string, unknown>;
    if (replace && !Object.prototype.hasOwnProperty.call(o, last)) fail(`path "${path}" does not exist`);
    o[last] = value;
  }
  return doc;
}

export function jsonPatch(original: unknown, patch: unknown): unknown {
  const ops = checkOps(patch);
  let doc = clone(original);
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, clone(op.value), false);
        break;
      case 'replace':
        doc = addAt(doc, op.path, clone(op.value), true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move': {
        if (op.path.startsWith(op.from! + '/')) fail(`cannot move "${op.from}" into its own child "${op.path}"`);
        const v = removeAt(doc, op.from!);
        doc = addAt(doc, op.path, v, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, clone(getAt(doc, op.from!)), false);
        break;
      case 'test': {
        const v = getAt(doc, op.path);
        if (!deepEqual(v, op.value)) fail(`test failed at "${op.path}": value is ${JSON.stringify(v)}, expected ${JSON.stringify(op.value)}`);
        break;
      }
    }
  }
  return doc;
}
