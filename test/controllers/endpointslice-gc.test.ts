// A deleted Service takes its EndpointSlices and Endpoints with it: the real controller-manager
// (endpoints controller + garbage collector) against the real apiserver on a throwaway etcd.
// Slices are owned by their Service (controller, blockOwnerDeletion) and collected by the garbage
// collector, as in Kubernetes; Endpoints are removed by the endpoints controller. Also when the
// Service went away while the controller-manager was down, including slices it never saw.
import assert from 'node:assert/strict';
import type { Endpoints, KObject, Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { isNotFound } from '../../lib/errors';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { waitFor } from '../harness/exec';

const NS = 'default';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

describe('EndpointSlices and Endpoints of a deleted Service are removed (real controller-manager, real apiserver)', function () {
  this.timeout(120_000);
  let api: TestApiserver | undefined;
  let cm: { stop(): Promise<void> } | undefined;

  const startCm = async () => {
    cm = await startControllerManager({
      ...controllerManagerFlags, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1', client: api!.client,
      controllers: ['endpoints', 'garbage-collector'],
    });
  };
  const stopCm = async () => {
    await cm?.stop();
    cm = undefined;
  };

  before(async () => {
    api = await startTestApiserver({ name: 'slice-gc' });
    await startCm();
  });
  after(async () => {
    await stopCm();
    await api?.stop();
  });

  const service = (name: string) =>
    api!.client.create<Service>(Resources.services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
    } as Service);
  const slicesOf = async (name: string) => (await api!.client.list(Resources.endpointslices, NS, { labelSelector: `${SERVICE_NAME_LABEL}=${name}` })).items;
  const endpointsOf = (name: string) =>
    api!.client.get<Endpoints>(Resources.endpoints, NS, name).catch((e) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
  const gone = (name: string) => waitFor(`slices and endpoints of ${name} removed`, async () => (await slicesOf(name)).length === 0 && !(await endpointsOf(name)), 60_000, 200);
  const managed = (name: string) => waitFor(`slices and endpoints of ${name}`, async () => (await slicesOf(name)).length > 0 && !!(await endpointsOf(name)), 60_000, 200);

  it('slices are owned by their Service and go when it is deleted', async () => {
    const svc = await service('web-a');
    await managed('web-a');
    for (const s of await slicesOf('web-a')) {
      assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web-a', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    await api!.client.delete(Resources.services, NS, 'web-a');
    await gone('web-a');
  });

  it('a Service deleted while the controller-manager was down loses its slices and Endpoints once it is back', async () => {
    await service('web-b');
    await managed('web-b');
    await stopCm();
    await api!.client.delete(Resources.services, NS, 'web-b');
    // Nothing else removes them: they are still there while the controller-manager is down.
    assert.ok((await slicesOf('web-b')).length > 0);
    assert.ok(await endpointsOf('web-b'));

    // Slices and Endpoints written while the controller-manager was down (by a controller
    // instance that is gone, say), for a Service that is then deleted before it comes back.
    const c = await service('web-c');
    await api!.client.create(Resources.endpointslices, {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: {
        name: 'web-c-manual', namespace: NS,
        labels: { [SERVICE_NAME_LABEL]: 'web-c', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web-c', uid: c.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.9'], conditions: { ready: true } }], ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    } as KObject);
    await api!.client.create<Endpoints>(Resources.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web-c', namespace: NS }, subsets: [] } as Endpoints);
    await api!.client.delete(Resources.services, NS, 'web-c');

    await startCm();
    await gone('web-b');
    await gone('web-c');
  });

  it('a live Service keeps its slices and Endpoints', async () => {
    await service('web-d');
    await managed('web-d');
    // Another Service's deletion goes through the same collector; web-d's stay.
    await service('web-e');
    await managed('web-e');
    await api!.client.delete(Resources.services, NS, 'web-e');
    await gone('web-e');
    assert.ok((await slicesOf('web-d')).length > 0);
    assert.ok(await endpointsOf('web-d'));
  });
});
