// LoadBalancer addresses: the real controller-manager's service-lb-controller against the real
// apiserver on a throwaway etcd, with a pool of three addresses. Addresses are written through
// the status subresource; an exhausted pool is an AllocationFailed Event until an address is
// released (a deleted Service, a type change); a restarted controller rebuilds its allocations
// from the stored statuses and never hands out an address twice. Nothing here sends traffic.
import assert from 'node:assert/strict';
import type { KEvent, Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { waitFor } from '../harness/exec';

const NS = 'default';
const POOL = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];

describe('LoadBalancer addresses from the pool (real controller-manager, real apiserver)', function () {
  this.timeout(180_000);
  let api: TestApiserver | undefined;
  let cm: { stop(): Promise<void> } | undefined;

  const startCm = async () => {
    cm = await startControllerManager({
      ...controllerManagerFlags, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1', client: api!.client,
      controllers: ['service-lb-controller'], loadBalancerIpPool: `${POOL[0]}-${POOL[2]}`,
    });
  };
  const stopCm = async () => {
    await cm?.stop();
    cm = undefined;
  };

  before(async () => {
    api = await startTestApiserver({ name: 'service-lb' });
    await startCm();
  });
  after(async () => {
    await stopCm();
    await api?.stop();
  });

  const create = (name: string, spec: Partial<Service['spec']> = {}) =>
    api!.client.create<Service>(Resources.services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
    } as Service);
  const get = (name: string) => api!.client.get<Service>(Resources.services, NS, name);
  const ingressOf = async (name: string) => (await get(name)).status?.loadBalancer?.ingress ?? [];
  const ipOf = async (name: string) => (await ingressOf(name))[0]?.ip;
  const addressed = (name: string) => waitFor(`an address for ${name}`, () => ipOf(name), 60_000, 100);
  const failedFor = async (name: string) =>
    (await api!.client.list<KEvent>(Resources.events, NS)).items.some((e) => {
      const ev = e as unknown as { reason?: string; involvedObject?: { name?: string }; message?: string };
      return ev.reason === 'AllocationFailed' && ev.involvedObject?.name === name && /no available IP addresses/.test(ev.message ?? '');
    });

  it('gives each LoadBalancer its own address, VIP mode, and leaves other classes alone', async () => {
    for (const n of ['a', 'b', 'c']) await create(n);
    await create('cloud', { loadBalancerClass: 'example.com/cloud' });
    const ips = [await addressed('a'), await addressed('b'), await addressed('c')];
    assert.deepEqual([...ips].sort(), POOL);
    assert.deepEqual(await ingressOf('a'), [{ ip: ips[0], ipMode: 'VIP' }]);
    assert.deepEqual(await ingressOf('cloud'), []);
  });

  it('an exhausted pool is an AllocationFailed Event until an address is released', async () => {
    await create('d');
    await waitFor('AllocationFailed for d', () => failedFor('d'), 60_000, 100);
    assert.equal(await ipOf('d'), undefined);
    const freed = await ipOf('a');
    await api!.client.delete(Resources.services, NS, 'a');
    assert.equal(await addressed('d'), freed);
  });

  it('a Service that stops being a LoadBalancer releases its address', async () => {
    const freed = await ipOf('b');
    await api!.client.patch(Resources.services, NS, 'b', 'merge', { spec: { type: 'ClusterIP' } });
    assert.deepEqual(await ingressOf('b'), [], 'the apiserver clears the status with the type');
    await create('e');
    assert.equal(await addressed('e'), freed);
  });

  it('a restarted controller rebuilds its allocations: no address is handed out twice', async () => {
    const before = { c: await ipOf('c'), d: await ipOf('d'), e: await ipOf('e') };
    await stopCm();
    const freed = before.c;
    await api!.client.delete(Resources.services, NS, 'c');
    await create('f');
    await create('g');
    await startCm();
    const got = await waitFor('f or g addressed and the other refused', async () => {
      const f = await ipOf('f');
      const g = await ipOf('g');
      const refused = f ? await failedFor('g') : g ? await failedFor('f') : false;
      return refused ? { f, g } : undefined;
    }, 60_000, 100);
    assert.equal(got.f ?? got.g, freed);
    assert.deepEqual({ d: await ipOf('d'), e: await ipOf('e') }, { d: before.d, e: before.e });
    const all = await Promise.all(['d', 'e', 'f', 'g'].map(ipOf));
    const held = all.filter(Boolean);
    assert.equal(new Set(held).size, held.length, `an address twice: ${JSON.stringify(all)}`);
  });

  it('honours spec.loadBalancerIP when it is in the pool and free', async () => {
    const owner = (await ipOf('f')) ? 'f' : 'g';
    const freed = (await ipOf(owner))!;
    await api!.client.delete(Resources.services, NS, owner);
    await api!.client.delete(Resources.services, NS, owner === 'f' ? 'g' : 'f');
    await create('wanted', { loadBalancerIP: freed });
    assert.equal(await addressed('wanted'), freed);
  });
});
