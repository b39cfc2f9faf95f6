// Builds the k8ts node image from Debian packages and imports it into Docker as
// k8ts/node:<inputs hash>. Three levels of cache, cheapest first: the image already in Docker
// (a no-op), the root filesystem tar from an earlier build in the cache folder (an import, a few
// seconds), and the .deb files kept from earlier builds (mmdebstrap without downloading them).
// Only mmdebstrap reaches outside — Debian's package registry, through the host's apt sources.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import type Dockerode from 'dockerode';
import { componentLogger } from '../../lib/log';
import { repoRoot } from '../../lib/repo-root';
import { ensurePackages } from '../cluster/preflight';
import { acquireHostLock } from '../machines/host-lock';
import { DEFAULT_DOCKER_LAYOUT } from '../machines/docker-daemon';
import { defaultInputs, IMPORT_CHANGES, mmdebstrapArgs, NODE_IMAGE_REPO, nodeImageTag, overlayLayout, type NodeImageInputs } from './recipe';

export class NodeImageError extends Error {
  readonly code = 'NODE_IMAGE_BUILD_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'NodeImageError';
  }
}

const log = componentLogger('node-image');

export const filesDir = (): string => path.join(repoRoot(), 'deploy', 'node-image', 'files');
export const defaultCacheDir = (): string => path.join(repoRoot(), '.cache', 'node-image');

/** The recipe's sources as read from the repository. */
export function readInputs(): NodeImageInputs {
  const dir = filesDir();
  const names = ['k8ts-init.c', 'boot.sh', 'sshd_config'];
  return defaultInputs(names.map((name) => ({ name, data: fs.readFileSync(path.join(dir, name)) })));
}

/** The host's apt sources (so the image gets the same mirror and suites as the host), if any. */
function hostSourcesFile(): string | undefined {
  for (const f of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) if (fs.existsSync(f)) return f;
  return undefined;
}

function compileInit(source: string, out: string): void {
  try {
    execFileSync('gcc', ['-static', '-Os', '-s', '-Wall', '-o', out, source], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new NodeImageError(`compiling ${source} failed: ${err.stderr?.toString() || err.message}`);
  }
}

function writeOverlay(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  const src = filesDir();
  const init = path.join(os.tmpdir(), `k8ts-init-${process.pid}`);
  compileInit(path.join(src, 'k8ts-init.c'), init);
  try {
    const files = overlayLayout(fs.readFileSync(init), fs.readFileSync(path.join(src, 'boot.sh')), fs.readFileSync(path.join(src, 'sshd_config')));
    for (const f of files) {
      const target = path.join(dir, f.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.data, { mode: f.mode });
      fs.chmodSync(target, f.mode);
    }
  } finally {
    fs.rmSync(init, { force: true });
  }
}

function run(cmd: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.once('error', (e) => reject(new NodeImageError(`${cmd}: ${e.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve();
      const lines = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
      reject(new NodeImageError(`${cmd} failed (code ${code}, signal ${signal}); last lines of ${logFile}:\n${lines}`));
    });
  });
}

async function importTar(docker: Dockerode, tar: string, tag: string): Promise<void> {
  const [repo, version] = tag.split(':');
  const stream = await docker.importImage(fs.createReadStream(tar), { repo, tag: version, changes: IMPORT_CHANGES });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
      const failed = err?.message ?? events.find((e) => e.error)?.error;
      if (failed) reject(new NodeImageError(`docker import ${tag}: ${failed}`));
      else resolve();
    }),
  );
}

async function hasImage(docker: Dockerode, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes node images of earlier recipes (325 MB each). One still used by a container stays (no
 * force); another worktree still on an older recipe re-imports it from its cache in seconds.
 */
async function pruneOlderImages(docker: Dockerode, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [`${NODE_IMAGE_REPO}:*`] } });
  for (const img of images) {
    for (const t of img.RepoTags ?? []) {
      if (t === keep || !t.startsWith(`${NODE_IMAGE_REPO}:`)) continue;
      await docker
        .getImage(t)
        .remove()
        .then(() => log.info({ image: t }, 'older node image removed'))
        .catch(() => undefined);
    }
  }
}

export interface NodeImageResult {
  image: string;
  /** What this call had to do. */
  action: 'none' | 'imported' | 'built';
  seconds: number;
}

export interface NodeImageOptions {
  docker: Dockerode;
  cacheDir?: string;
}

/** Makes sure k8ts/node:<hash of the recipe> is in Docker; builds it only when it is not. */
export async function ensureNodeImage(o: NodeImageOptions): Promise<NodeImageResult> {
  const t0 = Date.now();
  const inputs = readInputs();
  const tag = nodeImageTag(inputs);
  const seconds = () => (Date.now() - t0) / 1000;
  if (await hasImage(o.docker, tag)) return { image: tag, action: 'none', seconds: seconds() };

  // One build per host at a time (the image is shared by every worktree using this daemon).
  const release = await acquireHostLock(path.join(DEFAULT_DOCKER_LAYOUT.run, 'node-image.lock'), `building ${tag}`);
  try {
    if (await hasImage(o.docker, tag)) return { image: tag, action: 'none', seconds: seconds() };
    const cache = o.cacheDir ?? defaultCacheDir();
    const hash = tag.split(':')[1];
    const tar = path.join(cache, `${hash}.tar`);
    let action: NodeImageResult['action'] = 'imported';
    if (!fs.existsSync(tar)) {
      action = 'built';
      ensurePackages(['mmdebstrap', 'gcc', 'libc6-dev']);
      const debs = path.join(cache, 'debs');
      const overlay = path.join(cache, `${hash}.overlay`);
      const logFile = path.join(cache, `${hash}.log`);
      fs.mkdirSync(debs, { recursive: true });
      fs.writeFileSync(logFile, '');
      writeOverlay(overlay);
      const partial = `${tar}.partial`;
      const args = mmdebstrapArgs({ target: partial, overlayDir: overlay, debCacheDir: debs, sourcesFile: hostSourcesFile() }, inputs);
      log.info({ image: tag, log: logFile }, 'building the node image with mmdebstrap');
      try {
        await run('mmdebstrap', args, logFile);
        fs.renameSync(partial, tar);
      } finally {
        fs.rmSync(partial, { force: true });
        fs.rmSync(overlay, { recursive: true, force: true });
      }
      // Older recipes' tars are of no further use.
      for (const f of fs.readdirSync(cache)) if (/^[0-9a-f]{16}\.tar$/.test(f) && f !== `${hash}.tar`) fs.rmSync(path.join(cache, f), { force: true });
    }
    await importTar(o.docker, tar, tag);
    await pruneOlderImages(o.docker, tag);
    log.info({ image: tag, action, seconds: seconds() }, 'node image ready');
    return { image: tag, action, seconds: seconds() };
  } finally {
    release();
  }
}
