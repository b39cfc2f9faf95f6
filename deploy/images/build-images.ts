// Builds k8ts/pause:1.0 and k8ts/web:1.0 as docker-archive tars in outDir, without docker or a
// registry. A stamp per image records the hash of its inputs; unchanged inputs skip the rebuild.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { componentLogger } from '../../lib/log';
import { repoRoot } from '../../lib/repo-root';
import { buildDockerArchive, type ImageSpec } from './docker-archive';
import { pauseSpec, webSpec } from './image-specs';

/** Bump when the image layout code changes, so stamps from older builders are ignored. */
const BUILDER_VERSION = '1';

export class ImageBuildError extends Error {
  readonly code = 'IMAGE_BUILD_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ImageBuildError';
  }
}

const log = componentLogger('images');

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

function findBusybox(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) if (fs.existsSync(p)) return p;
  throw new ImageBuildError('busybox not found: install the Debian package busybox-static');
}

function compilePause(source: string): Buffer {
  const cc = which('musl-gcc') ?? which('gcc');
  if (!cc) throw new ImageBuildError('no C compiler: install gcc (and libc6-dev) or musl-tools');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-pause-'));
  try {
    const out = path.join(tmp, 'pause');
    execFileSync(cc, ['-static', '-Os', '-s', '-o', out, source], { stdio: ['ignore', 'pipe', 'pipe'] });
    return fs.readFileSync(out);
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new ImageBuildError(`compiling ${source} with ${cc} failed: ${err.stderr?.toString() ?? err.message}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function writeAtomic(file: string, data: Buffer | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Rebuilds target only when the inputs' hash differs from the stamp left by the last build. */
function buildIfChanged(target: string, inputs: (Buffer | string)[], make: () => ImageSpec): void {
  const h = crypto.createHash('sha256').update(BUILDER_VERSION);
  for (const i of inputs) h.update(crypto.createHash('sha256').update(i).digest());
  const hash = h.digest('hex');
  const stamp = `${target}.inputs`;
  if (fs.existsSync(target) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash) {
    log.debug({ target }, 'image up to date');
    return;
  }
  const built = buildDockerArchive(make());
  writeAtomic(target, built.archive);
  writeAtomic(stamp, hash + '\n');
  log.info({ target, config: built.configDigest, bytes: built.archive.length }, 'image built');
}

export async function buildImages(outDir: string): Promise<{ pause: string; web: string }> {
  fs.mkdirSync(outDir, { recursive: true });
  const src = path.join(repoRoot(), 'deploy', 'images');
  const pauseSrc = path.join(src, 'pause', 'pause.c');
  const startScript = fs.readFileSync(path.join(src, 'web', 'start.sh'), 'utf8');
  const pause = path.join(outDir, 'pause.tar');
  const web = path.join(outDir, 'web.tar');

  buildIfChanged(pause, [fs.readFileSync(pauseSrc), process.arch], () => pauseSpec(compilePause(pauseSrc)));

  const busyboxPath = findBusybox();
  const busybox = fs.readFileSync(busyboxPath);
  buildIfChanged(web, [busybox, startScript, process.arch], () => {
    const applets = execFileSync(busyboxPath, ['--list'], { encoding: 'utf8' }).split('\n');
    return webSpec(busybox, applets, startScript);
  });
  return { pause, web };
}
