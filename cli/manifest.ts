// Manifests for apply/delete -f: files, directories (*.yaml, *.yml, *.json) and `-` (stdin);
// multi-document YAML and `kind: List`. Every object keeps the file and line it came from, so a
// parse error or a document missing apiVersion/kind/metadata.name is reported as FILE:LINE.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments, isMap, isSeq, type Document, type Node as YNode } from 'yaml';
import type { KObject } from '../lib/api/types';
import { CliError, ManifestError } from './errors';

export interface ManifestObject {
  obj: KObject;
  source: string;
  line: number;
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];
export const STDIN_NAME = '<stdin>';

function checkObject(value: unknown, source: string, line: number): KObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ManifestError(source, line, 'a document must be a mapping with apiVersion, kind and metadata');
  const o = value as Record<string, any>;
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) throw new ManifestError(source, line, 'object is missing "apiVersion"');
  if (typeof o.kind !== 'string' || !o.kind) throw new ManifestError(source, line, 'object is missing "kind"');
  if (!o.metadata || typeof o.metadata !== 'object' || typeof o.metadata.name !== 'string' || !o.metadata.name)
    throw new ManifestError(source, line, `${o.kind} is missing "metadata.name"`);
  return o as KObject;
}

const isListKind = (o: any): boolean =>
  o && typeof o === 'object' && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items);

/** Parses one text (YAML or JSON, one or many documents) into objects with their lines. */
export function parseManifest(text: string, source: string): ManifestObject[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true }) as Document[] | { errors: unknown[] };
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lc.linePos(offset).line);
  if (!Array.isArray(docs)) throw new ManifestError(source, 1, 'cannot parse document');
  const out: ManifestObject[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      // The parser often points at the line break before the offending token: report the token's line.
      let at = err.pos[0];
      while (at < text.length && /\s/.test(text[at])) at++;
      throw new ManifestError(source, lineOf(Math.min(at, Math.max(text.length - 1, 0))), err.message.split('\n')[0]);
    }
    const contents = doc.contents as YNode | null;
    if (contents === null || contents === undefined) continue; // empty document between ---
    const line = lineOf(contents.range?.[0]);
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (isListKind(value)) {
      const itemsNode = isMap(contents) ? contents.get('items', true) : undefined;
      const itemNodes = isSeq(itemsNode) ? itemsNode.items : [];
      (value.items as unknown[]).forEach((item, i) => {
        const n = itemNodes[i] as YNode | undefined;
        const itemLine = lineOf(n?.range?.[0] ?? contents.range?.[0]);
        out.push({ obj: checkObject(item, source, itemLine), source, line: itemLine });
      });
      continue;
    }
    out.push({ obj: checkObject(value, source, line), source, line });
  }
  return out;
}

/** Files a -f argument stands for: the file itself, or a directory's manifests in name order. */
export function expandPath(p: string, recursive: boolean): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new CliError(`the path "${p}" does not exist`, 'CLI_PATH');
  }
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const entry of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(p, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...expandPath(full, true));
    } else if (EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

/** Reads every -f argument in order. `-` reads stdin (once). */
export async function readManifests(
  filenames: string[],
  opts: { recursive: boolean; readStdin: () => Promise<string> },
): Promise<ManifestObject[]> {
  if (filenames.length === 0) throw new CliError('must specify one of -f and -k', 'CLI_USAGE');
  const out: ManifestObject[] = [];
  for (const f of filenames) {
    if (f === '-') {
      out.push(...parseManifest(await opts.readStdin(), STDIN_NAME));
      continue;
    }
    for (const file of expandPath(f, opts.recursive)) out.push(...parseManifest(fs.readFileSync(file, 'utf8'), file));
  }
  if (out.length === 0) throw new CliError('no objects passed to apply', 'CLI_EMPTY');
  return out;
}
