import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import { buildDockerArchive, goArch } from './docker-archive';
import { appletLinks, pauseSpec, webSpec } from './image-specs';

/** Minimal reader for the archives we write: name → content of regular files. */
function readTar(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let off = 0; off + 512 <= buf.length; ) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString().replace(/\0.*$/s, ''), 8);
    out.set(name, buf.subarray(off + 512, off + 512 + size));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const sha = (b: Buffer) => 'sha256:' + crypto.createHash('sha256').update(b).digest('hex');

describe('docker-archive', () => {
  it('writes manifest, config and a gzip layer whose digests match', () => {
    const img = buildDockerArchive(pauseSpec(Buffer.from('ELF')));
    const files = readTar(img.archive);
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    assert.deepEqual(manifest[0].RepoTags, ['k8ts/pause:1.0']);
    const config = files.get(manifest[0].Config)!;
    assert.equal(sha(config), img.configDigest);
    const layer = files.get(manifest[0].Layers[0])!;
    assert.equal(sha(layer), img.layerDigest);
    const parsed = JSON.parse(config.toString());
    assert.deepEqual(parsed.rootfs.diff_ids, [sha(zlib.gunzipSync(layer))]);
    assert.deepEqual(parsed.config.Entrypoint, ['/pause']);
    assert.equal(parsed.os, 'linux');
  });

  it('is reproducible: same inputs, same digests', () => {
    const a = buildDockerArchive(webSpec(Buffer.from('bb'), ['sh', 'httpd'], '#!/bin/sh\n'));
    const b = buildDockerArchive(webSpec(Buffer.from('bb'), ['sh', 'httpd'], '#!/bin/sh\n'));
    assert.equal(a.configDigest, b.configDigest);
    assert.equal(a.layerDigest, b.layerDigest);
  });

  it('web image exposes 8080 and runs the start script', () => {
    const files = readTar(buildDockerArchive(webSpec(Buffer.from('bb'), ['sh'], 'x')).archive);
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    const cfg = JSON.parse(files.get(manifest[0].Config)!.toString()).config;
    assert.deepEqual(cfg.ExposedPorts, { '8080/tcp': {} });
    assert.deepEqual(cfg.Cmd, ['/usr/local/bin/web-start']);
    const layer = readTar(zlib.gunzipSync(files.get(manifest[0].Layers[0])!));
    assert.equal(layer.get('usr/local/bin/web-start')!.toString(), 'x');
    assert.ok(layer.has('etc/passwd') && layer.has('etc/group') && layer.has('bin/busybox'));
  });

  it('maps node architectures to Go names and filters applet names', () => {
    assert.equal(goArch('x64'), 'amd64');
    assert.equal(goArch('arm64'), 'arm64');
    assert.deepEqual(appletLinks(['sh', 'busybox', '', 'ls', 'sh', '../evil']), ['ls', 'sh']);
  });
});
