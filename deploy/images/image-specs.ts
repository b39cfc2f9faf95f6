// What goes into each project image, as pure functions of their inputs (the compiled pause binary,
// busybox and its applet list, the start script). build-images.ts gathers the inputs and writes.
import type { ImageSpec } from './docker-archive';
import type { TarEntry } from './tar-writer';

export const PAUSE_IMAGE = 'k8ts/pause:1.0';
export const WEB_IMAGE = 'k8ts/web:1.0';
/** The names containerd gives them after import. */
export const PAUSE_IMAGE_REF = `docker.io/${PAUSE_IMAGE}`;
export const WEB_IMAGE_REF = `docker.io/${WEB_IMAGE}`;

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function pauseSpec(pauseBinary: Buffer): ImageSpec {
  return {
    repoTag: PAUSE_IMAGE,
    rootfs: [{ type: 'file', path: 'pause', data: pauseBinary, mode: 0o755 }],
    config: { Entrypoint: ['/pause'], Env: [PATH_ENV], WorkingDir: '/', Labels: { 'io.k8ts.image': 'pause' } },
  };
}

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
export const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

/** Applet names worth linking: busybox's own list minus itself and anything path-like. */
export function appletLinks(applets: string[]): string[] {
  const names = new Set(applets.map((a) => a.trim()).filter((a) => /^[A-Za-z0-9_.[\]-]+$/.test(a) && a !== 'busybox'));
  return [...names].sort();
}

export function webSpec(busybox: Buffer, applets: string[], startScript: string): ImageSpec {
  const rootfs: TarEntry[] = [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    ...appletLinks(applets).map((a): TarEntry => ({ type: 'symlink', path: `bin/${a}`, target: 'busybox' })),
    { type: 'dir', path: 'dev' },
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/passwd', data: PASSWD },
    { type: 'file', path: 'etc/group', data: GROUP },
    { type: 'dir', path: 'proc' },
    { type: 'dir', path: 'root', mode: 0o700 },
    { type: 'dir', path: 'sys' },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'usr' },
    { type: 'dir', path: 'usr/local' },
    { type: 'dir', path: 'usr/local/bin' },
    { type: 'file', path: 'usr/local/bin/web-start', data: startScript, mode: 0o755 },
    { type: 'dir', path: 'var' },
  ];
  return {
    repoTag: WEB_IMAGE,
    rootfs,
    config: {
      Cmd: ['/usr/local/bin/web-start'],
      Env: [PATH_ENV, 'PORT=8080'],
      WorkingDir: '/',
      ExposedPorts: { '8080/tcp': {} },
      Labels: { 'io.k8ts.image': 'web' },
    },
  };
}
