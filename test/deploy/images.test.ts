// Builds both project images and imports them into a throwaway containerd (own root, state and
// socket in a temp dir, running inside its own network namespace), then checks the image names.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildImages } from '../../deploy/images/build-images';
import { PAUSE_IMAGE_REF, WEB_IMAGE_REF } from '../../deploy/images/image-specs';

function containerdConfig(dir: string): string {
  return [
    'version = 2',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    // CRI is not needed to import images; leaving it out keeps this containerd small and quiet
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${dir}/containerd.sock"`,
    '[ttrpc]',
    `  address = "${dir}/containerd.sock.ttrpc"`,
    '[debug]',
    '  address = ""',
    '[metrics]',
    '  address = ""',
    '',
  ].join('\n');
}

async function waitFor(check: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('deploy/images: import into a throwaway containerd', function () {
  const netns = `k8ts-img-${process.pid}`;
  let dir = '';
  let containerd: ChildProcess | undefined;
  let logFd: number | undefined;

  before(function () {
    // The suite runs as root with containerd installed (.ci/run installs it): anything else is a failure.
    assert.equal(process.getuid?.(), 0, 'image tests need root');
    for (const bin of ['/usr/bin/containerd', '/usr/bin/ctr']) assert.ok(fs.existsSync(bin), `${bin} is missing`);
  });

  after(async function () {
    if (containerd && containerd.exitCode === null) {
      const exited = new Promise((r) => containerd!.once('exit', r));
      containerd.kill('SIGTERM');
      const timer = setTimeout(() => containerd!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (logFd !== undefined) fs.closeSync(logFd);
    if (dir) {
      // containerd may leave overlay or tmpfs mounts under its root: unmount deepest first
      const mounts = fs
        .readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1])
        .filter((m) => m && m.startsWith(dir + '/'))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) execFileSync('umount', ['-l', m]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    try {
      execFileSync('ip', ['netns', 'del', netns], { stdio: 'ignore' });
    } catch {
      // never created
    }
  });

  it('builds pause and web archives that ctr imports as docker.io/k8ts/*:1.0', async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ctd-'));
    const images = await buildImages(path.join(dir, 'images'));
    assert.ok(fs.statSync(images.pause).size > 0);
    assert.ok(fs.statSync(images.web).size > 0);

    // a second build with unchanged inputs must not rewrite the archives
    const before = fs.statSync(images.web).mtimeMs;
    await buildImages(path.join(dir, 'images'));
    assert.equal(fs.statSync(images.web).mtimeMs, before);

    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    fs.writeFileSync(path.join(dir, 'config.toml'), containerdConfig(dir));
    logFd = fs.openSync(path.join(dir, 'containerd.log'), 'a');
    containerd = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', 'containerd', '--config', path.join(dir, 'config.toml')], {
      stdio: ['ignore', logFd, logFd],
    });
    const sock = path.join(dir, 'containerd.sock');
    await waitFor(() => fs.existsSync(sock) || containerd!.exitCode !== null, 'containerd socket');
    assert.equal(containerd.exitCode, null, fs.readFileSync(path.join(dir, 'containerd.log'), 'utf8'));

    const ctr = (...args: string[]) => execFileSync('ctr', ['-a', sock, '-n', 'k8s.io', ...args], { encoding: 'utf8' });
    ctr('images', 'import', images.pause);
    ctr('images', 'import', images.web);
    const names = ctr('images', 'ls', '-q').split('\n').filter(Boolean).sort();
    assert.deepEqual(names, [PAUSE_IMAGE_REF, WEB_IMAGE_REF].sort());

    // the web image's rootfs really holds busybox, the start script and the httpd applet link
    const mount = path.join(dir, 'mnt');
    fs.mkdirSync(mount);
    ctr('images', 'mount', WEB_IMAGE_REF, mount);
    try {
      assert.ok(fs.statSync(path.join(mount, 'bin/busybox')).mode & 0o111);
      assert.equal(fs.readlinkSync(path.join(mount, 'bin/httpd')), 'busybox');
      assert.match(fs.readFileSync(path.join(mount, 'usr/local/bin/web-start'), 'utf8'), /httpd -f -p/);
      assert.match(fs.readFileSync(path.join(mount, 'etc/passwd'), 'utf8'), /^root:x:0:0:/);
    } finally {
      ctr('images', 'unmount', mount);
    }
  });

  it('runs the web image: GET / on :8080 names the host, and SIGTERM stops it', async function () {
    assert.ok(containerd && containerd.exitCode === null, 'the test containerd is not running');
    const sock = path.join(dir, 'containerd.sock');
    const ctr = (...args: string[]) => execFileSync('ctr', ['-a', sock, '-n', 'k8s.io', ...args], { encoding: 'utf8' });
    // host networking = this containerd's own network namespace, so only the test netns sees :8080
    ctr('run', '-d', '--net-host', WEB_IMAGE_REF, 'k8ts-web-test');
    try {
      const inNs = (...args: string[]) =>
        execFileSync('nsenter', [`--net=/run/netns/${netns}`, '--', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      let body = '';
      await waitFor(() => {
        try {
          body = inNs('busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/');
          return true;
        } catch {
          return false;
        }
      }, 'web server');
      assert.match(body, /^hello from \S+/);
      ctr('tasks', 'kill', '-s', 'SIGTERM', 'k8ts-web-test');
      await waitFor(() => /STOPPED/.test(ctr('tasks', 'ls')), 'web task to stop on SIGTERM');
    } finally {
      try {
        execFileSync('ctr', ['-a', sock, '-n', 'k8s.io', 'tasks', 'kill', '-s', 'SIGKILL', 'k8ts-web-test'], { stdio: 'ignore' });
      } catch {
        // already stopped
      }
      await waitFor(() => !/RUNNING/.test(ctr('tasks', 'ls')), 'web task gone');
      ctr('tasks', 'delete', 'k8ts-web-test');
      ctr('containers', 'delete', 'k8ts-web-test');
    }
  });
});
