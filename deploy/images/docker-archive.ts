// Builds a docker-archive (the `docker save` format) in memory: manifest.json naming the image,
// the image config, and one gzip layer. containerd's `ctr images import` accepts it and names the
// image docker.io/<repoTag>. Pure: same inputs give the same bytes, hence the same digests.
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import { writeTar, type TarEntry } from './tar-writer';

export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
  User?: string;
}

export interface ImageSpec {
  /** e.g. "k8ts/pause:1.0"; containerd normalises it to docker.io/k8ts/pause:1.0 */
  repoTag: string;
  rootfs: TarEntry[];
  config: ImageConfig;
  /** Go architecture name (amd64, arm64); defaults to the running machine's. */
  architecture?: string;
}

export interface BuiltImage {
  archive: Buffer;
  configDigest: string;
  layerDigest: string;
  diffId: string;
}

const CREATED = '2000-01-01T00:00:00Z';

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

export function goArch(nodeArch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return map[nodeArch] ?? nodeArch;
}

export function buildDockerArchive(spec: ImageSpec): BuiltImage {
  const layerTar = writeTar(spec.rootfs);
  // level 9 + no header timestamp (node writes mtime 0): deterministic compressed bytes
  const layerGz = zlib.gzipSync(layerTar, { level: 9 });
  const diffId = sha256(layerTar);
  const layerDigest = sha256(layerGz);
  const config = {
    architecture: spec.architecture ?? goArch(),
    os: 'linux',
    created: CREATED,
    config: { ...spec.config },
    rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
    history: [{ created: CREATED, created_by: 'k8ts deploy/images', comment: spec.repoTag }],
  };
  const configJson = JSON.stringify(config);
  const configDigest = sha256(configJson);
  const manifest = [
    { Config: `${configDigest}.json`, RepoTags: [spec.repoTag], Layers: [`${layerDigest}/layer.tar`] },
  ];
  const archive = writeTar([
    { type: 'file', path: 'manifest.json', data: JSON.stringify(manifest) },
    { type: 'file', path: `${configDigest}.json`, data: configJson },
    { type: 'dir', path: layerDigest },
    { type: 'file', path: `${layerDigest}/layer.tar`, data: layerGz },
  ]);
  return { archive, configDigest: `sha256:${configDigest}`, layerDigest: `sha256:${layerDigest}`, diffId: `sha256:${diffId}` };
}
