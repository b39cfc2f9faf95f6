// The self-contained bundle a deploy ships to every host: the Node.js runtime that runs the deploy
// (`node`), the compiled project (dist/ without tests and benchmarks, proto/, package.json) and the
// production dependencies — the packages package-lock.json does not mark dev, copied from
// node_modules (no registry is asked). Its name is a hash of every file's path, mode and content,
// so a host that has a bundle of that hash needs nothing uploaded, and the tarball is built once
// per hash in the state folder.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import { writeTar, type TarEntry } from '../images/tar-writer';

export class BundleError extends Error {
  readonly code = 'BUNDLE_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

/** Bump when the bundle's layout changes with the same inputs. */
export const BUNDLE_FORMAT = '1';

export interface BundleSource {
  /** Path inside the bundle. */
  path: string;
  /** Where it comes from on this machine (absolute). */
  from: string;
  mode: number;
  /** For a symbolic link: its target. */
  link?: string;
}

export interface ManifestEntry {
  path: string;
  mode: number;
  /** sha256 of the content, or `link:<target>`. */
  digest: string;
}

interface LockPackage {
  name?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  link?: boolean;
}

/** Pure: the node_modules folders of production packages (top-level ones; nested ones ride along). */
export function productionPackages(lock: { lockfileVersion?: number; packages?: Record<string, LockPackage> }): string[] {
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) throw new BundleError('package-lock.json has no "packages" map (lockfileVersion 2 or 3 is needed)');
  const prod = Object.entries(lock.packages)
    .filter(([k, v]) => k.startsWith('node_modules/') && !v.dev && !v.devOptional && !v.link)
    .map(([k]) => k);
  // a package nested in a kept package is copied with it
  return prod.filter((k) => !prod.some((p) => p !== k && k.startsWith(p + '/'))).sort();
}

/** Pure: whether a project file (relative to the repository) goes into the bundle. */
export function wantedInBundle(rel: string): boolean {
  const p = rel.split(path.sep).join('/');
  if (p.endsWith('.map') || p.endsWith('.d.ts') || p.endsWith('.tsbuildinfo')) return false;
  if (p.startsWith('dist/')) {
    if (/^dist\/(test|bench|node_modules)\//.test(p)) return false;
    return !p.endsWith('.test.js');
  }
  if (p.startsWith('node_modules/')) {
    const base = p.slice(p.lastIndexOf('/') + 1);
    // documentation and typings are no use at run time; licences stay
    if (/\.(md|markdown|ts|mts|cts)$/i.test(base) && !/^licen[cs]e/i.test(base)) return false;
    // (folders stay whatever their names: yaml's dist/doc/ is code)
    if (p.includes('/.github/')) return false;
    return true;
  }
  return p.startsWith('proto/') || p === 'package.json';
}

/** Pure: the bundle's hash over its manifest (order-independent) and what runs it. */
export function manifestHash(entries: ManifestEntry[], meta: { nodeVersion: string; platform: string; arch: string }): string {
  const h = crypto.createHash('sha256');
  h.update(`k8ts-bundle ${BUNDLE_FORMAT}\n${meta.nodeVersion} ${meta.platform} ${meta.arch}\n`);
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) h.update(`${e.path}\0${(e.mode & 0o777).toString(8)}\0${e.digest}\n`);
  return h.digest('hex').slice(0, 24);
}

function walk(root: string, rel: string, out: BundleSource[], prefix = rel): void {
  const abs = path.join(root, rel);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    throw new BundleError(`cannot read ${abs}: ${(e as Error).message}`);
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const r = path.join(rel, e.name);
    const inBundle = path.join(prefix, e.name);
    const from = path.join(root, r);
    if (e.isDirectory()) walk(root, r, out, inBundle);
    else if (e.isSymbolicLink()) {
      if (wantedInBundle(r)) out.push({ path: inBundle, from, mode: 0o777, link: fs.readlinkSync(from) });
    } else if (e.isFile() && wantedInBundle(r)) out.push({ path: inBundle, from, mode: fs.statSync(from).mode & 0o777 });
  }
}

/** Every file of the bundle and where it comes from. */
export function bundleSources(repo: string, nodeBin: string = process.execPath): BundleSource[] {
  const dist = path.join(repo, 'dist');
  if (!fs.existsSync(path.join(dist, 'deploy', 'remote', 'host-agent.js'))) throw new BundleError(`${dist} is not built: run npm run build`);
  const lock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8'));
  const out: BundleSource[] = [{ path: 'node', from: fs.realpathSync(nodeBin), mode: 0o755 }];
  out.push({ path: 'package.json', from: path.join(repo, 'package.json'), mode: 0o644 });
  walk(repo, 'dist', out);
  walk(repo, 'proto', out);
  for (const pkg of productionPackages(lock)) {
    if (!fs.existsSync(path.join(repo, pkg))) {
      // optional native helpers (ssh2's cpu-features) may be absent: nothing to ship then
      if (lock.packages[pkg]?.optional) continue;
      throw new BundleError(`${pkg} is in package-lock.json but not installed: run npm ci`);
    }
    walk(repo, pkg, out);
  }
  return out;
}

/** A file's digest, remembered by its size, mtime and inode: re-reading 140 MB on every run costs a second. */
type DigestCache = Record<string, { size: number; mtimeMs: number; ino: number; digest: string }>;

function digestOf(s: BundleSource, cache: DigestCache): string {
  if (s.link !== undefined) return `link:${s.link}`;
  const st = fs.statSync(s.from);
  const hit = cache[s.from];
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino) return hit.digest;
  const digest = crypto.createHash('sha256').update(fs.readFileSync(s.from)).digest('hex');
  cache[s.from] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, digest };
  return digest;
}

function readDigestCache(file: string): DigestCache {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DigestCache;
  } catch {
    return {};
  }
}

export interface Bundle {
  hash: string;
  /** The gzipped tar in the state folder. */
  tarball: string;
  bytes: number;
  files: number;
  /** Whether the tarball was already there. */
  cached: boolean;
}

/**
 * The bundle for this checkout: hashed from its files, built into <cacheDir>/<hash>.tar.gz unless
 * it is there already. Other bundles in the cache are removed (one deploy, one bundle).
 */
export async function ensureBundle(repo: string, cacheDir: string, nodeBin: string = process.execPath): Promise<Bundle> {
  const sources = bundleSources(repo, nodeBin);
  fs.mkdirSync(cacheDir, { recursive: true });
  const cacheFile = path.join(cacheDir, 'digests.json');
  const digests = readDigestCache(cacheFile);
  const manifest = sources.map((s) => ({ path: s.path, mode: s.mode, digest: digestOf(s, digests) }));
  const hash = manifestHash(manifest, { nodeVersion: process.version, platform: process.platform, arch: process.arch });
  // only the files of this bundle: the cache does not grow with every file ever shipped
  const used = new Set(sources.map((s) => s.from));
  fs.writeFileSync(cacheFile, JSON.stringify(Object.fromEntries(Object.entries(digests).filter(([k]) => used.has(k)))));
  const tarball = path.join(cacheDir, `${hash}.tar.gz`);
  const cached = fs.existsSync(tarball);
  if (!cached) {
    const dirs = new Set<string>();
    const entries: TarEntry[] = [];
    for (const s of sources) {
      const parts = s.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (!dirs.has(d)) {
          dirs.add(d);
          entries.push({ type: 'dir', path: d });
        }
      }
      entries.push(s.link !== undefined ? { type: 'symlink', path: s.path, target: s.link } : { type: 'file', path: s.path, data: fs.readFileSync(s.from), mode: s.mode });
    }
    // level 1: most of the gain (the runtime shrinks to a third) for a fraction of the time
    const gz = await promisify(zlib.gzip)(writeTar(entries), { level: 1 });
    const tmp = `${tarball}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, gz);
    fs.renameSync(tmp, tarball);
  }
  for (const f of fs.readdirSync(cacheDir)) if (f.endsWith('.tar.gz') && f !== path.basename(tarball)) fs.rmSync(path.join(cacheDir, f), { force: true });
  return { hash, tarball, bytes: fs.statSync(tarball).size, files: sources.length, cached };
}
