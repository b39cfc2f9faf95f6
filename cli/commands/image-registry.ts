// Pushes a one-layer image to a registry with the Docker Registry HTTP API v2: each blob by a
// monolithic upload (POST, then PUT ?digest=), then the schema-2 manifest PUT under the tag.
import * as http from 'node:http';
import * as crypto from 'node:crypto';

export class RegistryPushError extends Error {
  readonly code = 'REGISTRY_PUSH_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'RegistryPushError';
  }
}

export const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
export const CONFIG_V1 = 'application/vnd.docker.container.image.v1+json';
export const LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export const digestOf = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;

/** Pure: the schema-2 manifest for one config and one gzip layer. */
export function manifestFor(config: Buffer, layer: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_V2,
      config: { mediaType: CONFIG_V1, size: config.length, digest: digestOf(config) },
      layers: [{ mediaType: LAYER_GZIP, size: layer.length, digest: digestOf(layer) }],
    }),
  );
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e) => reject(new RegistryPushError(`${method} ${url}: ${e.message}`)));
    req.end(body);
  });
}

async function pushBlob(base: string, repo: string, blob: Buffer): Promise<void> {
  const digest = digestOf(blob);
  if ((await request('HEAD', `${base}/v2/${repo}/blobs/${digest}`)).status === 200) return;
  const start = await request('POST', `${base}/v2/${repo}/blobs/uploads/`);
  if (start.status !== 202 || !start.headers.location) throw new RegistryPushError(`starting upload: HTTP ${start.status} ${start.body}`);
  const loc = new URL(start.headers.location, base);
  loc.searchParams.set('digest', digest);
  const put = await request('PUT', loc.toString(), blob, { 'Content-Type': 'application/octet-stream' });
  if (put.status !== 201) throw new RegistryPushError(`uploading ${digest}: HTTP ${put.status} ${put.body}`);
}

/** Pushes to "<registry>/<repo>:<tag>"; returns the manifest digest. */
export async function pushImage(registry: string, repo: string, tag: string, config: Buffer, layer: Buffer): Promise<string> {
  const base = `http://${registry}`;
  await pushBlob(base, repo, layer);
  await pushBlob(base, repo, config);
  const manifest = manifestFor(config, layer);
  const r = await request('PUT', `${base}/v2/${repo}/manifests/${tag}`, manifest, { 'Content-Type': MANIFEST_V2 });
  if (r.status !== 201) throw new RegistryPushError(`manifest: HTTP ${r.status} ${r.body}`);
  return digestOf(manifest);
}
