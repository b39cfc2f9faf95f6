// The apiserver core against a real etcd, through the gRPC door with GrpcApiClient: CRUD, CAS
// conflicts, watches from a revision, 410 after compaction, generateName, binding, finalizers,
// graceful pod deletion, scale, service allocation and namespace deletion.
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { GrpcApiClient } from '../../lib/client/grpc-client';
import { Resources } from '../../lib/api/resources';
import type { KObject, Pod, Service, Deployment } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import type { WatchEvent } from '../../lib/client/api-client';
import type { TestEtcd } from '../helpers/etcd';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { EtcdStore } from '../../apiserver/storage/etcd-store';

const R = Resources;

function pod(name: string, extra: Partial<Pod['spec']> = {}, labels?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }], ...extra },
  };
}

async function expectApiError(p: Promise<unknown>, code: number, reason?: string): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (reason) assert.equal(e.reason, reason);
    return e;
  }
  assert.fail(`expected a ${code} error`);
}

/** Collects watch events until `until` says enough (or a generous safety timeout). */
function collect(client: GrpcApiClient, rt: typeof R.pods, ns: string | undefined, opts: Parameters<GrpcApiClient['watch']>[2], until: (evs: WatchEvent[]) => boolean) {
  const events: WatchEvent[] = [];
  let closeErr: Error | undefined;
  let closed = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const safety = setTimeout(resolveDone, 15_000);
  const h = client.watch(rt, ns, opts, {
    onEvent: (ev) => {
      events.push(ev);
      if (until(events)) resolveDone();
    },
    onClose: (err) => {
      closed = true;
      closeErr = err;
      resolveDone();
    },
  });
  return {
    events,
    wait: async () => {
      await done;
      clearTimeout(safety);
      return events;
    },
    stop: () => h.stop(),
    get closed() {
      return closed;
    },
    get error() {
      return closeErr;
    },
  };
}

describe('apiserver core (real etcd, gRPC door)', function () {
  this.timeout(60_000);
  let etcd: TestEtcd;
  let client: GrpcApiClient;

  let server: TestApiserver | undefined;

  before(async () => {
    server = await startTestApiserver({ name: 'apiserver-core', logLevel: 'warn' });
    ({ etcd, client } = server);
  });

  after(async () => {
    await server?.stop();
  });

  it('bootstraps system namespaces and the kubernetes Service + Endpoints', async () => {
    const ns = await client.list(R.namespaces);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      assert.ok(ns.items.some((i) => i.metadata.name === n), n);
    const svc = await client.get<Service>(R.services, 'default', 'kubernetes');
    assert.equal(svc.spec.clusterIP, '10.96.0.1');
    assert.deepEqual(svc.spec.ports?.map((p) => [p.name, p.port, p.targetPort]), [['https', 443, svc.spec.ports![0].targetPort]]);
    const ep = await client.get(R.endpoints, 'default', 'kubernetes');
    assert.equal((ep as any).subsets[0].addresses[0].ip, '127.0.0.1');
    // and its EndpointSlice, which kube-proxy and cluster DNS read
    const slice = (await client.get(R.endpointslices, 'default', 'kubernetes')) as any;
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
    assert.deepEqual(slice.endpoints.map((e: any) => e.addresses), [['127.0.0.1']]);
    assert.deepEqual(slice.ports.map((p: any) => [p.name, p.port]), [['https', svc.spec.ports![0].targetPort]]);
  });

  it('creates with defaults, gets, lists, and rejects duplicates and invalid objects', async () => {
    const created = await client.create<Pod>(R.pods, pod('p1', {}, { app: 'web' }));
    assert.ok(created.metadata.uid);
    assert.ok(/^\d+$/.test(created.metadata.resourceVersion!));
    assert.equal(created.spec.restartPolicy, 'Always');
    assert.equal(created.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(created.status?.phase, 'Pending');
    const got = await client.get<Pod>(R.pods, 'default', 'p1');
    assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);
    const e404 = await expectApiError(client.get(R.pods, 'default', 'nope'), 404, 'NotFound');
    assert.equal(e404.message, 'pods "nope" not found');
    await expectApiError(client.create(R.pods, pod('p1')), 409, 'AlreadyExists');
    const bad = await expectApiError(client.create(R.pods, { ...pod('p2'), spec: { containers: [] } } as Pod), 422, 'Invalid');
    assert.equal(bad.message, 'Pod "p2" is invalid: spec.containers: Required value');
    assert.deepEqual(bad.status.details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);
    const nsErr = await expectApiError(client.create(R.pods, { ...pod('p3'), metadata: { name: 'p3', namespace: 'ghost' } }), 404);
    assert.equal(nsErr.message, 'namespaces "ghost" not found');
    const list = await client.list(R.pods, 'default', { labelSelector: 'app=web' });
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['p1']);
    assert.ok(Number(list.metadata.resourceVersion) >= Number(created.metadata.resourceVersion));
    await expectApiError(client.list(R.pods, 'default', { labelSelector: 'app in (' }), 400, 'BadRequest');
    const byField = await client.list(R.pods, undefined, { fieldSelector: 'metadata.name=p1,status.phase=Pending' });
    assert.equal(byField.items.length, 1);
  });

  it('updates with compare-and-swap and bumps generation only on spec changes', async () => {
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }] } } },
    };
    const c = await client.create<Deployment>(R.deployments, d);
    assert.equal(c.metadata.generation, 1);
    assert.equal(c.spec.replicas, 1);
    assert.equal(c.spec.strategy?.rollingUpdate?.maxSurge, '25%');
    const labelled = await client.update<Deployment>(R.deployments, { ...c, metadata: { ...c.metadata, labels: { x: 'y' } } });
    assert.equal(labelled.metadata.generation, 1);
    const scaled = await client.update<Deployment>(R.deployments, { ...labelled, spec: { ...labelled.spec, replicas: 3 } });
    assert.equal(scaled.metadata.generation, 2);
    const stale = await expectApiError(client.update(R.deployments, { ...c, spec: { ...c.spec, replicas: 5 } }), 409, 'Conflict');
    assert.match(stale.message, /the object has been modified; please apply your changes to the latest version and try again/);
    // status subresource keeps spec; main update keeps status
    const st = await client.updateStatus<Deployment>(R.deployments, { ...scaled, spec: { ...scaled.spec, replicas: 9 }, status: { replicas: 3, readyReplicas: 2 } });
    assert.equal(st.spec.replicas, 3);
    assert.equal(st.status?.readyReplicas, 2);
    const main = await client.update<Deployment>(R.deployments, { ...st, status: { replicas: 0 } });
    assert.equal(main.status?.readyReplicas, 2);
    await expectApiError(client.update(R.deployments, { ...main, spec: { ...main.spec, selector: { matchLabels: { app: 'other' } } } }), 422, 'Invalid');
    // patch (merge) and scale subresource
    const patched = await client.patch<Deployment>(R.deployments, 'default', 'web', 'merge', { spec: { replicas: 5 } });
    assert.equal(patched.spec.replicas, 5);
    const scale = await client.patch<KObject & { spec: { replicas: number }; status: { selector: string } }>(R.deployments, 'default', 'web', 'merge', { spec: { replicas: 2 } }, 'scale');
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec.replicas, 2);
    assert.equal(scale.status.selector, 'app=web');
    assert.equal((await client.get<Deployment>(R.deployments, 'default', 'web')).spec.replicas, 2);
  });

  it('watches from a revision with ADDED/MODIFIED/DELETED and selector transitions', async () => {
    const start = await client.list(R.configmaps, 'default');
    const w = collect(client, R.configmaps, 'default', { resourceVersion: start.metadata.resourceVersion, labelSelector: 'tier=a' }, (evs) => evs.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'cm2'));
    const cm = await client.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'default', labels: { tier: 'a' } }, data: { k: 'v' } } as KObject);
    const cm1b = await client.update(R.configmaps, { ...cm, data: { k: 'v2' } } as KObject);
    await client.update(R.configmaps, { ...cm1b, metadata: { ...cm1b.metadata, labels: { tier: 'b' } } }); // leaves the selector
    await client.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm2', namespace: 'default', labels: { tier: 'a' } } } as KObject);
    const deleted = await client.get(R.configmaps, 'default', 'cm2');
    await client.delete(R.configmaps, 'default', 'cm2');
    const evs = await w.wait();
    w.stop();
    assert.deepEqual(evs.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED cm1', 'MODIFIED cm1', 'DELETED cm1', 'ADDED cm2', 'DELETED cm2']);
    const del = evs[4].object;
    assert.ok(Number(del.metadata.resourceVersion) > Number(deleted.metadata.resourceVersion), 'DELETED carries the delete revision');
    assert.equal(evs[0].object.kind, 'ConfigMap');
  });

  it('sends the current state as ADDED when no resourceVersion is given', async () => {
    const w = collect(client, R.namespaces, undefined, {}, (evs) => evs.length >= 4);
    const evs = await w.wait();
    w.stop();
    assert.ok(evs.every((e) => e.type === 'ADDED'));
    assert.ok(evs.some((e) => e.object.metadata.name === 'kube-system'));
  });

  it('answers a watch from a compacted revision with a 410 Expired ERROR event', async () => {
    const first = await client.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'default' } } as KObject);
    await client.update(R.configmaps, { ...first, data: { a: 'b' } } as KObject);
    const raw = new Etcd3({ hosts: etcd.endpoint });
    try {
      const store = new EtcdStore(raw);
      await store.compact(await store.currentRevision());
    } finally {
      raw.close();
    }
    const w = collect(client, R.configmaps, 'default', { resourceVersion: first.metadata.resourceVersion }, (evs) => evs.length > 0);
    const evs = await w.wait();
    w.stop();
    assert.equal(evs[0]?.type, 'ERROR');
    assert.equal((evs[0].object as any).code, 410);
    assert.equal((evs[0].object as any).reason, 'Expired');
  });

  it('creates from generateName', async () => {
    const a = await client.create<Pod>(R.pods, { ...pod(''), metadata: { name: undefined, generateName: 'gen-', namespace: 'default' } });
    assert.match(a.metadata.name!, /^gen-[a-z0-9]{5}$/);
    assert.equal(a.metadata.generation, 1);
  });

  it('binds a pod once, adding PodScheduled, and refuses a second binding', async () => {
    await client.create(R.pods, pod('bindme'));
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bindme', namespace: 'default' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    await client.create(R.pods, binding as KObject, 'binding');
    const p = await client.get<Pod>(R.pods, 'default', 'bindme');
    assert.equal(p.spec.nodeName, 'node-1');
    assert.equal(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
    await expectApiError(client.create(R.pods, binding as KObject, 'binding'), 409, 'Conflict');
  });

  it('deletes a bound pod gracefully, then for good when the kubelet confirms with grace 0', async () => {
    await client.delete(R.pods, 'default', 'bindme');
    const marked = await client.get<Pod>(R.pods, 'default', 'bindme');
    assert.ok(marked.metadata.deletionTimestamp);
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    await client.delete(R.pods, 'default', 'bindme', { gracePeriodSeconds: 0 });
    await expectApiError(client.get(R.pods, 'default', 'bindme'), 404);
    await client.delete(R.pods, 'default', 'p1'); // unbound: removed at once
    await expectApiError(client.get(R.pods, 'default', 'p1'), 404);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    await client.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', namespace: 'default', finalizers: ['example.com/keep'] } } as KObject);
    await client.delete(R.configmaps, 'default', 'fin', { propagationPolicy: 'Foreground' });
    const marked = await client.get(R.configmaps, 'default', 'fin');
    assert.ok(marked.metadata.deletionTimestamp);
    assert.deepEqual(marked.metadata.finalizers, ['example.com/keep', 'foregroundDeletion']);
    await client.update(R.configmaps, { ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    await expectApiError(client.get(R.configmaps, 'default', 'fin'), 404);
  });

  it('allocates ClusterIPs and NodePorts, refuses taken ones, and releases them on delete', async () => {
    const svc = (name: string, spec: Partial<Service['spec']>): Service => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
    });
    const a = await client.create<Service>(R.services, svc('web', { type: 'NodePort' }));
    assert.match(a.spec.clusterIP!, /^10\.96\.\d+\.\d+$/);
    assert.notEqual(a.spec.clusterIP, '10.96.0.10');
    const np = a.spec.ports![0].nodePort!;
    assert.ok(np >= 30000 && np <= 32767);
    assert.equal(a.spec.ports![0].protocol, 'TCP');
    await expectApiError(client.create(R.services, svc('clash', { clusterIP: a.spec.clusterIP })), 422, 'Invalid');
    await expectApiError(client.create(R.services, svc('clash', { type: 'NodePort', ports: [{ port: 80, nodePort: np }] })), 422, 'Invalid');
    const dns = await client.create<Service>(R.services, svc('dns', { clusterIP: '10.96.0.10' }));
    assert.equal(dns.spec.clusterIP, '10.96.0.10');
    // update without clusterIP keeps it
    const kept = await client.update<Service>(R.services, { ...a, spec: { ...a.spec, clusterIP: undefined, clusterIPs: undefined } });
    assert.equal(kept.spec.clusterIP, a.spec.clusterIP);
    await client.delete(R.services, 'default', 'web');
    const again = await client.create<Service>(R.services, svc('web2', { clusterIP: a.spec.clusterIP, type: 'NodePort', ports: [{ port: 80, nodePort: np }] }));
    assert.equal(again.spec.clusterIP, a.spec.clusterIP);
  });

  it('ends the watch stream cleanly when the client cancels', async () => {
    const w = collect(client, R.pods, 'default', {}, () => false);
    await new Promise((r) => setTimeout(r, 200));
    w.stop();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(w.error, undefined);
    // the door still serves after the cancel
    assert.ok((await client.list(R.pods, 'default')).metadata.resourceVersion);
  });

  it('deletes a namespace with its content', async () => {
    await client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await client.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team' } } as KObject);
    await client.delete(R.namespaces, undefined, 'team');
    const ns = await client.get(R.namespaces, undefined, 'team').catch((e) => e);
    if (!(ns instanceof ApiError)) assert.equal((ns as any).status.phase, 'Terminating');
    await expectApiError(client.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd', namespace: 'team' } } as KObject), ns instanceof ApiError ? 404 : 403);
    for (let i = 0; i < 100; i++) {
      const gone = await client.get(R.namespaces, undefined, 'team').then(() => false, () => true);
      if (gone) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await expectApiError(client.get(R.namespaces, undefined, 'team'), 404);
    await expectApiError(client.get(R.configmaps, 'team', 'c'), 404);
  });
});
