// Hand-written Endpoints of a Service without a selector mirrored into EndpointSlices: the real
// controller-manager (endpointslice-mirroring-controller, with the endpoints controller beside it)
// against the real apiserver on a throwaway etcd. A mirrored slice follows its Endpoints and goes
// when the Endpoints is deleted, gets the skip-mirror label, or its Service gains a selector; the
// apiserver's own `kubernetes` Endpoints (skip-mirror) and Endpoints of selector Services are never
// mirrored. Nothing here sends traffic.
import assert from 'node:assert/strict';
import type { Endpoints, EndpointSubset, Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import type { MirroredSlice } from '../../controller-manager/endpointslice-mirroring/plan';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { waitFor } from '../harness/exec';

const NS = 'default';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MIRRORING = 'endpointslicemirroring-controller.k8s.io';

describe('EndpointSlice mirroring of selector-less Services (real controller-manager, real apiserver)', function () {
  this.timeout(180_000);
  let api: TestApiserver | undefined;
  let cm: { stop(): Promise<void> } | undefined;

  const startCm = async () => {
    cm = await startControllerManager({
      ...controllerManagerFlags, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1', client: api!.client,
      controllers: ['endpoints', 'endpointslice-mirroring-controller'],
    });
  };
  const stopCm = async () => {
    await cm?.stop();
    cm = undefined;
  };

  before(async () => {
    api = await startTestApiserver({ name: 'slice-mirroring' });
    await startCm();
  });
  after(async () => {
    await stopCm();
    await api?.stop();
  });

  const service = (name: string, selector?: Record<string, string>) =>
    api!.client.create<Service>(Resources.services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...(selector ? { selector } : {}) },
    } as Service);
  const endpoints = (name: string, subsets: EndpointSubset[], labels: Record<string, string> = {}) =>
    api!.client.create<Endpoints>(Resources.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: NS, labels }, subsets } as Endpoints);
  const mirrored = async (name: string) =>
    (await api!.client.list<MirroredSlice>(Resources.endpointslices, NS, { labelSelector: `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${MIRRORING}` })).items;
  /** The mirrored slices of `name` once `ok` holds for them. */
  const mirroredWhen = (name: string, what: string, ok: (s: MirroredSlice[]) => boolean) =>
    waitFor(`${name}: ${what}`, async () => {
      const s = await mirrored(name);
      return ok(s) ? s : undefined;
    }, 60_000, 100);
  const noMirror = (name: string) => mirroredWhen(name, 'no mirrored slice', (s) => s.length === 0);
  const addrs = (s: MirroredSlice) => s.endpoints.map((e) => `${e.addresses[0]}:${e.conditions.ready}`).sort();

  const subsets: EndpointSubset[] = [{
    addresses: [{ ip: '192.0.2.10', hostname: 'db-0', nodeName: 'node-a' }, { ip: '192.0.2.9', targetRef: { kind: 'Pod', namespace: NS, name: 'db-1', uid: 'db-1-uid' } }],
    notReadyAddresses: [{ ip: '192.0.2.11' }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }];

  // One slice per address type: k8ts components accept IPv4 Endpoints only (lib/api/checks), so
  // the IPv4/IPv6 split is the plan's table tests'.
  it('mirrors a selector-less Service’s Endpoints: labels, owner, endpoints and ports', async () => {
    await service('ext');
    const ep = await endpoints('ext', subsets, { team: 'db' });
    const [v4] = await mirroredWhen('ext', 'one slice', (s) => s.length === 1);
    assert.equal(v4.addressType, 'IPv4');
    assert.match(v4.metadata.name!, /^ext-[a-z0-9]{5}$/);
    assert.deepEqual(v4.metadata.labels, { team: 'db', [SERVICE_NAME_LABEL]: 'ext', [MANAGED_BY_LABEL]: MIRRORING });
    assert.deepEqual(v4.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'ext', uid: ep.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(v4.endpoints, [
      { addresses: ['192.0.2.10'], conditions: { ready: true }, hostname: 'db-0', nodeName: 'node-a' },
      { addresses: ['192.0.2.9'], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace: NS, name: 'db-1', uid: 'db-1-uid' } },
      { addresses: ['192.0.2.11'], conditions: { ready: false } },
    ]);
    assert.deepEqual(v4.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('follows updates of the Endpoints, and puts back a mirrored slice deleted by hand', async () => {
    const cur = await api!.client.get<Endpoints>(Resources.endpoints, NS, 'ext');
    await api!.client.update(Resources.endpoints, { ...cur, subsets: [{ addresses: [{ ip: '192.0.2.11' }, { ip: '192.0.2.12' }], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] }] });
    const [slice] = await mirroredWhen('ext', 'one IPv4 slice with the new addresses and port', (s) =>
      s.length === 1 && s[0].addressType === 'IPv4' && s[0].ports?.[0]?.port === 9090 && addrs(s[0]).join() === '192.0.2.11:true,192.0.2.12:true');
    await api!.client.delete(Resources.endpointslices, NS, slice.metadata.name!);
    await mirroredWhen('ext', 'a slice again', (s) => s.length === 1 && s[0].metadata.uid !== slice.metadata.uid && addrs(s[0]).length === 2);
  });

  it('removes the slices when the Endpoints gets skip-mirror, and brings them back without it', async () => {
    await api!.client.patch(Resources.endpoints, NS, 'ext', 'merge', { metadata: { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } });
    await noMirror('ext');
    await api!.client.patch(Resources.endpoints, NS, 'ext', 'merge', { metadata: { labels: { 'endpointslice.kubernetes.io/skip-mirror': null } } });
    await mirroredWhen('ext', 'mirrored again', (s) => s.length === 1);
  });

  it('removes the slices when the Service gains a selector; the endpoints controller’s own slices are not mirrored', async () => {
    await api!.client.patch(Resources.services, NS, 'ext', 'merge', { spec: { selector: { app: 'nothing' } } });
    await noMirror('ext');
    // The endpoints controller now manages ext's Endpoints and slices; none of them is mirrored.
    await waitFor('the endpoints controller’s slice of ext', async () =>
      (await api!.client.list<MirroredSlice>(Resources.endpointslices, NS, { labelSelector: `${SERVICE_NAME_LABEL}=ext,${MANAGED_BY_LABEL}=endpointslice-controller.k8s.io` })).items.length > 0, 60_000, 100);
    assert.deepEqual(await mirrored('ext'), []);
  });

  it('removes the slices when the Endpoints is deleted, and when the Service is', async () => {
    await service('gone-ep');
    await endpoints('gone-ep', subsets);
    await mirroredWhen('gone-ep', 'mirrored', (s) => s.length === 1);
    await api!.client.delete(Resources.endpoints, NS, 'gone-ep');
    await noMirror('gone-ep');

    await service('gone-svc');
    await endpoints('gone-svc', subsets);
    await mirroredWhen('gone-svc', 'mirrored', (s) => s.length === 1);
    await api!.client.delete(Resources.services, NS, 'gone-svc');
    await noMirror('gone-svc');
  });

  it('a restarted controller removes the slices of Endpoints deleted while it was down, and mirrors new ones', async () => {
    await service('while-down');
    await endpoints('while-down', subsets);
    await mirroredWhen('while-down', 'mirrored', (s) => s.length === 1);
    await stopCm();
    // No garbage collector runs here: only the mirroring controller removes them.
    await api!.client.delete(Resources.endpoints, NS, 'while-down');
    await service('new-while-down');
    await endpoints('new-while-down', subsets);
    assert.equal((await mirrored('while-down')).length, 1);
    await startCm();
    await noMirror('while-down');
    await mirroredWhen('new-while-down', 'mirrored', (s) => s.length === 1);
  });

  it('an Endpoints without addresses is one empty slice', async () => {
    await service('empty');
    await endpoints('empty', []);
    const [s] = await mirroredWhen('empty', 'one slice', (x) => x.length === 1);
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.endpoints ?? [], []);
  });

  it('never mirrors the apiserver’s `kubernetes` Endpoints (skip-mirror)', async () => {
    const k = await waitFor('the kubernetes Endpoints', () => api!.client.get<Endpoints>(Resources.endpoints, NS, 'kubernetes').catch(() => undefined), 60_000, 100);
    assert.equal(k.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'], 'true');
    // Touch it, then create a marker behind it: once the marker is mirrored, the kubernetes
    // Endpoints' event has been handled too (same queue, earlier).
    await api!.client.patch(Resources.endpoints, NS, 'kubernetes', 'merge', { metadata: { annotations: { 'test.k8ts.io/touched': 'yes' } } });
    await service('marker');
    await endpoints('marker', [{ addresses: [{ ip: '192.0.2.20' }], ports: [{ port: 80 }] }]);
    await mirroredWhen('marker', 'mirrored', (s) => s.length === 1);
    assert.deepEqual(await mirrored('kubernetes'), []);
  });
});
