// A small HTTPS server that fakes the apiserver's REST API for CLI tests: discovery, an in-memory
// object store with Table rendering, merge-patch, delete (optionally delayed, as with finalizers),
// watch streams, and canned Status errors. It requires a client certificate signed by the CA.
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  accept: string;
  contentType: string;
  body: any;
}

type Res = { group: string; version: string; resource: string; kind: string; namespaced: boolean; shortNames: string[]; singularName: string; subresources: string[] };

const RESOURCES: Res[] = [
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'], singularName: 'pod', subresources: ['status'] },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'], singularName: 'service', subresources: [] },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'], singularName: 'endpoints', subresources: [] },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'], singularName: 'event', subresources: [] },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], singularName: 'node', subresources: ['status'] },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], singularName: 'deployment', subresources: ['scale', 'status'] },
];

function resourceList(group: string, version: string) {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).flatMap((r) => [
    { name: r.resource, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, shortNames: r.shortNames, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], categories: ['all'] },
    ...r.subresources.map((s) => ({ name: `${r.resource}/${s}`, singularName: '', namespaced: r.namespaced, kind: s === 'scale' ? 'Scale' : r.kind, verbs: ['get', 'patch', 'update'] })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Table rows the way the real server would print pods/deployments; a NAME/AGE table otherwise. */
function toTable(r: Res, objs: any[], rv: string) {
  const base = [{ name: 'Name', type: 'string', format: 'name', priority: 0 }];
  let cols: any[];
  let cells: (o: any) => unknown[];
  if (r.kind === 'Pod') {
    cols = [...base, { name: 'Ready', type: 'string', priority: 0 }, { name: 'Status', type: 'string', priority: 0 }, { name: 'Age', type: 'string', format: 'date', priority: 0 }, { name: 'IP', type: 'string', priority: 1 }];
    cells = (o) => [o.metadata.name, '1/1', o.status?.phase ?? 'Pending', o.metadata.creationTimestamp, o.status?.podIP ?? null];
  } else if (r.kind === 'Deployment') {
    cols = [...base, { name: 'Ready', type: 'string', priority: 0 }, { name: 'Age', type: 'string', format: 'date', priority: 0 }];
    cells = (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, o.metadata.creationTimestamp];
  } else {
    cols = [...base, { name: 'Age', type: 'string', format: 'date', priority: 0 }];
    cells = (o) => [o.metadata.name, o.metadata.creationTimestamp];
  }
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: rv },
    columnDefinitions: cols,
    rows: objs.map((o) => ({ cells: cells(o), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
  };
}

export class FakeApiserver {
  readonly requests: FakeRequest[] = [];
  /** key: "<resource>/<namespace>/<name>" (namespace empty for cluster-scoped). */
  readonly objects = new Map<string, any>();
  /** Names whose DELETE only marks them terminating; they vanish after this many ms. */
  readonly delayedDeletes = new Map<string, number>();
  /** Canned error responses by "METHOD path". */
  readonly failures = new Map<string, { code: number; reason: string; message: string }>();
  private rv = 100;
  private watchers: { r: Res; ns?: string; name?: string; table: boolean; res: ServerResponse }[] = [];
  private server: https.Server;
  port = 0;

  constructor(tls: { ca: string; cert: string; key: string }) {
    this.server = https.createServer({ ca: tls.ca, cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.watchers = [];
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  put(resource: string, obj: any): void {
    const r = RESOURCES.find((x) => x.resource === resource)!;
    const o = { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, ...obj };
    o.metadata = { uid: `uid-${o.metadata.name}`, creationTimestamp: new Date().toISOString(), ...o.metadata, resourceVersion: String(++this.rv) };
    const key = `${resource}/${r.namespaced ? o.metadata.namespace ?? 'default' : ''}/${o.metadata.name}`;
    const existed = this.objects.has(key);
    this.objects.set(key, o);
    this.notify(r, existed ? 'MODIFIED' : 'ADDED', o);
  }

  private notify(r: Res, type: string, o: any): void {
    for (const w of this.watchers) {
      if (w.r !== r || (w.ns && w.ns !== o.metadata.namespace) || (w.name && w.name !== o.metadata.name)) continue;
      const object = w.table ? toTable(r, [o], o.metadata.resourceVersion) : o;
      w.res.write(JSON.stringify({ type, object }) + '\n');
    }
  }

  watcherCount(): number {
    return this.watchers.length;
  }

  private send(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'https://x');
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      accept: String(req.headers.accept ?? ''),
      contentType: String(req.headers['content-type'] ?? ''),
      body: raw ? JSON.parse(raw) : undefined,
    };
    this.requests.push(fr);
    const fail = this.failures.get(`${fr.method} ${fr.path}`);
    if (fail) return this.send(res, fail.code, status(fail.code, fail.reason, fail.message));
    const p = url.pathname;
    if (p === '/version') return this.send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-k8ts' });
    if (p === '/api') return this.send(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (p === '/api/v1') return this.send(res, 200, resourceList('', 'v1'));
    if (p === '/apis')
      return this.send(res, 200, {
        kind: 'APIGroupList',
        groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
      });
    if (p === '/apis/apps/v1') return this.send(res, 200, resourceList('apps', 'v1'));
    const m = /^\/(?:api\/v1|apis\/apps\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(p);
    const r = m && RESOURCES.find((x) => x.resource === m[2]);
    if (!m || !r) return this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const ns = r.namespaced ? m[1] : undefined;
    const name = m[3] ? decodeURIComponent(m[3]) : undefined;
    const sub = m[4];
    const key = `${r.resource}/${ns ?? ''}/${name}`;
    const table = fr.accept.includes('as=Table');
    const notFound = () => this.send(res, 404, status(404, 'NotFound', `${r.group ? `${r.resource}.${r.group}` : r.resource} "${name}" not found`));

    if (fr.method === 'GET' && !name) {
      const fieldName = /metadata\.name=([^,]+)/.exec(fr.query.get('fieldSelector') ?? '')?.[1];
      if (fr.query.get('watch') === 'true') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        res.flushHeaders();
        const w = { r, ns, name: fieldName, table, res };
        this.watchers.push(w);
        res.on('close', () => (this.watchers = this.watchers.filter((x) => x !== w)));
        return;
      }
      const sel = fr.query.get('labelSelector');
      const items = [...this.objects.values()].filter(
        (o) =>
          o.kind === r.kind &&
          (!ns || o.metadata.namespace === ns) &&
          (!sel || sel.split(',').every((t) => o.metadata.labels?.[t.split('=')[0]] === t.split('=')[1])) &&
          (!fieldName || o.metadata.name === fieldName),
      );
      if (table) return this.send(res, 200, toTable(r, items, String(this.rv)));
      return this.send(res, 200, { kind: `${r.kind}List`, apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items: items.map(({ kind, apiVersion, ...rest }) => rest) });
    }
    if (fr.method === 'GET') {
      const o = this.objects.get(key);
      if (!o) return notFound();
      return this.send(res, 200, table ? toTable(r, [o], o.metadata.resourceVersion) : o);
    }
    if (fr.method === 'POST') {
      const n = fr.body?.metadata?.name;
      if (this.objects.has(`${r.resource}/${ns ?? ''}/${n}`)) return this.send(res, 409, status(409, 'AlreadyExists', `${r.resource} "${n}" already exists`));
      this.put(r.resource, { ...fr.body, metadata: { ...fr.body.metadata, namespace: ns } });
      return this.send(res, 201, this.objects.get(`${r.resource}/${ns ?? ''}/${n}`));
    }
    if (fr.method === 'PATCH') {
      const o = this.objects.get(key);
      if (!o) return notFound();
      if (sub === 'scale') {
        this.put(r.resource, { ...o, spec: { ...o.spec, replicas: fr.body.spec.replicas } });
        return this.send(res, 200, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name }, spec: { replicas: fr.body.spec.replicas } });
      }
      this.put(r.resource, mergePatch(o, fr.body));
      return this.send(res, 200, this.objects.get(key));
    }
    if (fr.method === 'DELETE') {
      const o = this.objects.get(key);
      if (!o) return notFound();
      const delay = this.delayedDeletes.get(name!);
      if (delay !== undefined) {
        this.put(r.resource, { ...o, metadata: { ...o.metadata, deletionTimestamp: new Date().toISOString() } });
        setTimeout(() => {
          const cur = this.objects.get(key);
          this.objects.delete(key);
          this.notify(r, 'DELETED', cur);
        }, delay);
        return this.send(res, 200, this.objects.get(key));
      }
      this.objects.delete(key);
      this.notify(r, 'DELETED', o);
      return this.send(res, 200, o);
    }
    this.send(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
  }
}
