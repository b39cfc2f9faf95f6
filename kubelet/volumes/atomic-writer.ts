// Writes a volume payload the way Kubernetes' AtomicWriter does, so that a process reading the
// volume never sees a half-updated set of files:
//   <dir>/..<timestamp>/<files>      the real data, one directory per version
//   <dir>/..data -> ..<timestamp>    swapped atomically with rename(2) of a fresh symlink
//   <dir>/<top> -> ..data/<top>      user-visible names, one symlink per top-level path element
// Updating in place keeps the mount point (a bind mount of <dir>) stable for running containers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Payload } from './types';

const DATA = '..data';
const DATA_TMP = '..data_tmp';

/** Pure: true when the directory's current version already holds exactly this payload. */
export function payloadMatches(current: Map<string, { data: Buffer; mode: number }>, want: Payload): boolean {
  if (current.size !== want.size) return false;
  for (const [p, f] of want) {
    const c = current.get(p);
    if (!c || c.mode !== f.mode || !c.data.equals(f.data)) return false;
  }
  return true;
}

/** Pure: the top-level names a payload makes visible in the volume root. */
export function visibleNames(want: Payload): Set<string> {
  return new Set([...want.keys()].map((p) => p.split('/')[0]));
}

function readTree(root: string, rel = '', out = new Map<string, { data: Buffer; mode: number }>()) {
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) readTree(root, r, out);
    else if (e.isFile()) {
      const full = path.join(root, r);
      out.set(r, { data: fs.readFileSync(full), mode: fs.statSync(full).mode & 0o7777 });
    }
  }
  return out;
}

function timestampDirName(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ts = `${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}`;
  return `..${ts}.${process.hrtime.bigint() % 1_000_000_000n}`;
}

/** Writes the payload into dir; returns false when nothing changed. */
export function writeAtomically(dir: string, want: Payload): boolean {
  fs.mkdirSync(dir, { recursive: true });
  const dataLink = path.join(dir, DATA);
  try {
    const oldVersion = fs.readlinkSync(dataLink);
    if (payloadMatches(readTree(path.join(dir, oldVersion)), want)) return false;
  } catch {
    /* first write, or the old version is unreadable: write fresh */
  }

  // 1. The new version, complete, in its own hidden directory.
  const version = timestampDirName();
  const versionDir = path.join(dir, version);
  fs.mkdirSync(versionDir, { mode: 0o755 });
  for (const [rel, f] of want) {
    const full = path.join(versionDir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true, mode: 0o755 });
    fs.writeFileSync(full, f.data);
    fs.chmodSync(full, f.mode);
  }

  // 2. Swap ..data to it in one rename.
  const tmpLink = path.join(dir, DATA_TMP);
  fs.rmSync(tmpLink, { force: true });
  fs.symlinkSync(version, tmpLink);
  fs.renameSync(tmpLink, dataLink);

  // 3. User-visible symlinks: add the new names, drop the names no longer present.
  const names = visibleNames(want);
  for (const n of names) {
    const link = path.join(dir, n);
    try {
      if (fs.readlinkSync(link) === path.join(DATA, n)) continue;
    } catch {
      /* absent */
    }
    fs.rmSync(link, { force: true, recursive: true });
    fs.symlinkSync(path.join(DATA, n), link);
  }
  for (const e of fs.readdirSync(dir)) {
    if (e.startsWith('..') || names.has(e)) continue;
    fs.rmSync(path.join(dir, e), { force: true, recursive: true });
  }

  // 4. The old version goes last, after nothing points at it.
  for (const e of fs.readdirSync(dir)) {
    if (e.startsWith('..') && e !== DATA && e !== version) fs.rmSync(path.join(dir, e), { force: true, recursive: true });
  }
  return true;
}
