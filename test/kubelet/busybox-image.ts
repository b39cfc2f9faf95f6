// A throwaway docker-archive image built from the static /bin/busybox, for kubelet tests that
// must not depend on deploy/images. Uses deploy/images/build.ts when that exists.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Writes <outDir>/<file> as a docker-archive tagged `tag` whose default command is cmd. */
export function buildBusyboxArchive(outDir: string, tag: string, cmd: string[], file = 'busybox.tar'): string {
  const work = fs.mkdtempSync(path.join(outDir, '.build-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    fs.mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    for (const d of ['etc', 'tmp', 'proc', 'sys', 'dev', 'www']) fs.mkdirSync(path.join(rootfs, d));
    fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
    fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
    for (const app of ['sh', 'sleep', 'echo', 'cat', 'hostname', 'httpd', 'ls']) {
      fs.symlinkSync('busybox', path.join(rootfs, 'bin', app));
    }
    const img = path.join(work, 'img');
    fs.mkdirSync(img);
    execFileSync('tar', ['-C', rootfs, '--numeric-owner', '--owner=0', '--group=0', '-cf', path.join(img, 'layer.tar'), '.']);
    const layer = fs.readFileSync(path.join(img, 'layer.tar'));
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: cmd, Env: ['PATH=/bin'], WorkingDir: '/' },
        rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(layer)}`] },
      }),
    );
    const configName = `${sha256(config)}.json`;
    fs.writeFileSync(path.join(img, configName), config);
    fs.writeFileSync(path.join(img, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: ['layer.tar'] }]));
    const out = path.join(outDir, file);
    execFileSync('tar', ['-C', img, '-cf', out, 'manifest.json', configName, 'layer.tar']);
    return out;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** pause + web archives: deploy/images' builder when present, else busybox stand-ins. */
export async function buildTestImages(outDir: string): Promise<{ pause: string; web: string; pauseRef: string; webRef: string }> {
  for (const name of ['build-images', 'build']) {
    const builder = path.join(__dirname, '..', '..', 'deploy', 'images', name);
    if (!fs.existsSync(builder + '.ts') && !fs.existsSync(builder + '.js')) continue;
    try {
      const mod = require(builder) as { buildImages(outDir: string): Promise<{ pause: string; web: string }> };
      const r = await mod.buildImages(outDir);
      return { ...r, pauseRef: 'docker.io/k8ts/pause:1.0', webRef: 'docker.io/k8ts/web:1.0' };
    } catch {
      // deploy/images is being written concurrently; fall back to the busybox stand-ins.
    }
  }
  const pause = buildBusyboxArchive(outDir, 'k8ts/pause:1.0', ['/bin/sleep', '2147483647'], 'pause.tar');
  const web = buildBusyboxArchive(outDir, 'k8ts/web:1.0', ['/bin/sh', '-c', 'hostname > /www/index.html; exec httpd -f -p 8080 -h /www'], 'web.tar');
  return { pause, web, pauseRef: 'docker.io/k8ts/pause:1.0', webRef: 'docker.io/k8ts/web:1.0' };
}
