// Duplicate keys in a request body, for fieldValidation. JSON.parse and the yaml package keep the
// last value of a repeated key (as Go's decoder does), so the duplicates are found separately: a
// one-pass scanner over JSON text that JSON.parse has already accepted, and a walk over the YAML
// document tree. Messages follow Kubernetes: `duplicate field "spec.paused"` for JSON and
// `line 12: key "paused" already set in map` for YAML.
import YAML, { isMap, isScalar, isSeq, type LineCounter } from 'yaml';

/** A repeated key: its path (spec.containers[0].image) and the strict-decoding message. */
export interface DuplicateField {
  path: string;
  message: string;
  /** The line of the repeat, for YAML (whose repeats Kubernetes reports before anything else). */
  line?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** One open container while scanning: an object's keys so far, or an array's element index. */
interface Frame {
  object: boolean;
  keys: string[];
  key: string;
  expectKey: boolean;
  index: number;
}

function pathOf(stack: Frame[], depth: number, key: string): string {
  let p = '';
  // The innermost frame (depth) holds `key` itself; the ones above it name the way down.
  for (let i = 0; i < depth; i++) {
    const f = stack[i];
    p += f.object ? (p === '' ? f.key : `.${f.key}`) : `[${f.index}]`;
  }
  return p === '' ? key : `${p}.${key}`;
}

/** The end (index of the closing quote) of the JSON string starting at `start` (its opening quote). */
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start + 1);
  for (;;) {
    // A quote preceded by an odd number of backslashes is escaped.
    let b = 0;
    while (text.charCodeAt(j - 1 - b) === BACKSLASH) b++;
    if (b % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
}

/**
 * The repeated keys of a JSON document, in document order. The text must already be valid JSON
 * (JSON.parse accepted it): the scanner does not check syntax. It runs on every create and update,
 * so it allocates little: frames are reused by depth and an object's keys are a short array
 * (Kubernetes objects have few keys per level, where a linear search beats hashing).
 */
export function jsonDuplicateFields(text: string, parsed?: unknown): DuplicateField[] {
  // Fast path: JSON.parse keeps one key per repeat, so without repeats the text holds exactly as
  // many keys as the parsed value. Counting both is far cheaper than tracking every object's keys.
  if (parsed !== undefined && countTextKeys(text) === countValueKeys(parsed)) return [];
  const out: DuplicateField[] = [];
  const stack: Frame[] = [];
  let depth = -1;
  let top: Frame | undefined;
  const open = (object: boolean) => {
    depth++;
    let f = stack[depth];
    if (f === undefined) stack[depth] = f = { object, keys: [], key: '', expectKey: object, index: 0 };
    else {
      f.object = object;
      f.keys.length = 0;
      f.expectKey = object;
      f.index = 0;
    }
    top = f;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top !== undefined && top.expectKey) {
        const rawKey = text.slice(i + 1, end);
        const key = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
        top.expectKey = false;
        top.key = key;
        if (top.keys.includes(key)) {
          const path = pathOf(stack, depth, key);
          out.push({ path, message: `duplicate field ${JSON.stringify(path)}` });
        } else top.keys.push(key);
      }
      i = end;
    } else if (c === 0x7b /* { */) open(true);
    else if (c === 0x5b /* [ */) open(false);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      top = depth >= 0 ? stack[depth] : undefined;
    } else if (c === 0x2c /* , */ && top !== undefined) {
      if (top.object) top.expectKey = true;
      else top.index++;
    }
  }
  return out;
}

/** How many object keys the JSON text holds: strings followed by a colon. */
function countTextKeys(text: string): number {
  let keys = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) !== QUOTE) continue;
    i = stringEnd(text, i);
    let c = text.charCodeAt(++i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
    if (c === 0x3a /* : */) keys++;
    i--;
  }
  return keys;
}

/**
 * How many object keys a parsed JSON value holds, at every depth; -1 past a depth no Kubernetes
 * object reaches (the caller then scans the text, which needs no call stack).
 */
function countValueKeys(v: unknown, depth = 0): number {
  if (typeof v !== 'object' || v === null) return 0;
  if (depth > MAX_COUNT_DEPTH) return -1;
  let keys = 0;
  if (Array.isArray(v)) {
    for (const x of v) {
      const n = countValueKeys(x, depth + 1);
      if (n < 0) return -1;
      keys += n;
    }
    return keys;
  }
  for (const k in v) {
    const n = countValueKeys((v as Record<string, unknown>)[k], depth + 1);
    if (n < 0) return -1;
    keys += 1 + n;
  }
  return keys;
}
const MAX_COUNT_DEPTH = 200;

/** Parses one YAML document keeping repeated keys (last wins), for the duplicate walk. */
export function parseYamlKeepingDuplicates(text: string, lineCounter: LineCounter): YAML.Document.Parsed[] {
  return YAML.parseAllDocuments(text, { uniqueKeys: false, lineCounter }) as YAML.Document.Parsed[];
}

/** The repeated keys of a parsed YAML document, with the line of each repeat (1-based). */
export function yamlDuplicateKeys(doc: YAML.Document.Parsed, lines: LineCounter): DuplicateField[] {
  const out: DuplicateField[] = [];
  // An explicit stack, not recursion: a hostile body may nest thousands of levels deep.
  const todo: [unknown, string][] = [[doc.contents, '']];
  while (todo.length > 0) {
    const [node, path] = todo.pop()!;
    if (isMap(node)) {
      const seen = new Set<string>();
      const children: [unknown, string][] = [];
      for (const pair of node.items) {
        const k = pair.key;
        const key = isScalar(k) ? String(k.value) : String(k);
        const child = path ? `${path}.${key}` : key;
        if (seen.has(key)) {
          const at = isScalar(k) && k.range ? lines.linePos(k.range[0]).line : 0;
          out.push({ path: child, message: `line ${at}: key ${JSON.stringify(key)} already set in map`, line: at });
        }
        seen.add(key);
        children.push([pair.value, child]);
      }
      todo.push(...children.reverse());
    } else if (isSeq(node)) {
      todo.push(...node.items.map((item, i): [unknown, string] => [item, `${path}[${i}]`]).reverse());
    }
  }
  // A map reports its own repeats before its earlier keys' subtrees are walked: back to document order.
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
