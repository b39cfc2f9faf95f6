// `k8ts image build <dir> -t name:tag [--push <registry>] [--import <image-dir>]`: builds a
// one-layer image from a directory (its files on top of the busybox base of k8ts/web:1.0) or from
// a recipe (<dir>/Dockerfile or <dir>/K8tsfile, see image-recipe.ts), using only Node and Debian's
// busybox-static; pushes it to a registry (HTTP API v2) or writes a docker-archive for the kubelet's
// air-gapped import.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../../lib/repo-root';
import { buildDockerArchive, goArch, type ImageConfig, type ImageSpec } from '../../deploy/images/docker-archive';
import { webSpec } from '../../deploy/images/image-specs';
import { writeTar, type TarEntry } from '../../deploy/images/tar-writer';
import { UsageError } from '../errors';
import { parseRecipe, type Recipe } from './image-recipe';
import { digestOf, pushImage } from './image-registry';

export interface ImageBuildArgs {
  dir: string;
  tag: string;
  push?: string;
  importDir?: string;
}

export function parseImageArgs(argv: string[]): ImageBuildArgs {
  if (argv[0] !== 'build') throw new UsageError('usage: k8ts image build <dir> -t name:tag [--push registry | --import image-dir]');
  const out: Partial<ImageBuildArgs> = {};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '-t' || flag === '--tag') out.tag = value();
    else if (flag === '--push') out.push = value();
    else if (flag === '--import') out.importDir = value();
    else if (flag.startsWith('-')) throw new UsageError(`unknown flag ${flag} for "k8ts image build"`);
    else if (!out.dir) out.dir = a;
    else throw new UsageError(`unexpected argument "${a}"`);
  }
  if (!out.dir) throw new UsageError('k8ts image build: a directory is required');
  if (!out.tag || !/^[a-z0-9._\/:-]+:[\w.-]+$/.test(out.tag)) throw new UsageError('k8ts image build: -t name:tag is required');
  if (!!out.push === !!out.importDir) throw new UsageError('k8ts image build: give exactly one of --push or --import');
  return out as ImageBuildArgs;
}

/** The files under dir (recursively) as tar entries rooted at dest. */
function entriesOf(src: string, dest: string): TarEntry[] {
  const rel = dest.replace(/^\/+/, '').replace(/\/+$/, '');
  const parents: TarEntry[] = [];
  const parts = rel.split('/').filter(Boolean);
  const st = fs.statSync(src);
  const dirParts = st.isDirectory() ? parts : parts.slice(0, -1);
  for (let i = 1; i <= dirParts.length; i++) parents.push({ type: 'dir', path: dirParts.slice(0, i).join('/') });
  if (!st.isDirectory()) return [...parents, { type: 'file', path: rel, data: fs.readFileSync(src), mode: st.mode & 0o777 }];
  const out: TarEntry[] = parents;
  for (const e of fs.readdirSync(src, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = path.join(src, e.name);
    const to = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...entriesOf(child, to));
    else if (e.isSymbolicLink()) out.push({ type: 'symlink', path: to, target: fs.readlinkSync(child) });
    else if (e.isFile()) out.push({ type: 'file', path: to, data: fs.readFileSync(child), mode: fs.statSync(child).mode & 0o777 });
  }
  return out;
}

function busyboxBase(): ImageSpec {
  const bb = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
  if (!bb) throw new UsageError('busybox not found: install the Debian package busybox-static');
  const applets = execFileSync(bb, ['--list'], { encoding: 'utf8' }).split('\n');
  const start = fs.readFileSync(path.join(repoRoot(), 'deploy', 'images', 'web', 'start.sh'), 'utf8');
  return webSpec(fs.readFileSync(bb), applets, start);
}

/** The image spec for a directory: recipe mode when it has a Dockerfile/K8tsfile. */
export function imageSpecFor(dir: string, tag: string, base: () => ImageSpec = busyboxBase): ImageSpec {
  const recipeFile = ['K8tsfile', 'Dockerfile'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!recipeFile) {
    const b = base();
    return { repoTag: tag, rootfs: [...b.rootfs, ...entriesOf(dir, '/')], config: b.config };
  }
  const recipe: Recipe = parseRecipe(fs.readFileSync(recipeFile, 'utf8'));
  const b: ImageSpec = recipe.from === 'scratch' ? { repoTag: tag, rootfs: [], config: {} } : base();
  let config: ImageConfig = { ...b.config };
  const rootfs = [...b.rootfs];
  for (const s of recipe.steps) {
    if (s.op === 'CONFIG') config = s.apply(config);
    else {
      const src = path.resolve(dir, s.src);
      const rel = path.relative(path.resolve(dir), src);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(`COPY source ${s.src} is outside the build directory`);
      rootfs.push(...entriesOf(src, s.dest));
    }
  }
  return { repoTag: tag, rootfs, config };
}

/** The registry blobs of a spec: gzip layer and config JSON (same layout as docker-archive.ts). */
export function blobsOf(spec: ImageSpec): { layer: Buffer; config: Buffer } {
  const tar = writeTar(spec.rootfs);
  const layer = zlib.gzipSync(tar, { level: 9 });
  const created = '2000-01-01T00:00:00Z';
  const config = Buffer.from(
    JSON.stringify({
      architecture: spec.architecture ?? goArch(),
      os: 'linux',
      created,
      config: spec.config,
      rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
      history: [{ created, created_by: 'k8ts image build' }],
    }),
  );
  return { layer, config };
}

export async function runImage(argv: string[], io: { stdout(s: string): void }): Promise<void> {
  const a = parseImageArgs(argv);
  const spec = imageSpecFor(a.dir, a.tag);
  if (a.importDir) {
    fs.mkdirSync(a.importDir, { recursive: true });
    const file = path.join(a.importDir, `${a.tag.replace(/[/:]/g, '_')}.tar`);
    const tmp = `${file}.tmp-${process.pid}`;
    // Written under a name the importer ignores, then renamed, so it never imports half a file.
    fs.writeFileSync(tmp, buildDockerArchive(spec).archive);
    fs.renameSync(tmp, file);
    io.stdout(`wrote ${file} (docker.io/${a.tag})\n`);
    return;
  }
  const i = a.tag.lastIndexOf(':');
  const { layer, config } = blobsOf(spec);
  const digest = await pushImage(a.push!, a.tag.slice(0, i), a.tag.slice(i + 1), config, layer);
  io.stdout(`pushed ${a.push}/${a.tag}@${digest}\n`);
}
