import assert from 'node:assert/strict';
import type { KEvent, Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { ServiceLbController } from './controller';
import { parseLbPool } from './pool';

const lb = (name: string, spec: Partial<Service['spec']> = {}, ip?: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
  status: { loadBalancer: ip ? { ingress: [{ ip, ipMode: 'VIP' }] } : {} },
});

describe('service-lb controller', () => {
  let client: FakeApiClient;
  let running: { inf: Informer<Service>; c: ServiceLbController } | undefined;
  const start = async () => {
    const inf = new Informer<Service>(client, Resources.services);
    const c = new ServiceLbController(client, inf, new EventRecorder(client, { component: 'service-lb-controller' }), parseLbPool('192.0.2.1-192.0.2.2'));
    await inf.start();
    c.start();
    running = { inf, c };
  };
  const stop = async () => {
    if (!running) return;
    running.inf.stop();
    await running.c.stop();
    running = undefined;
  };
  beforeEach(() => {
    client = new FakeApiClient();
  });
  afterEach(() => stop());

  const ipOf = (name: string) => client.peek<Service>(Resources.services, 'default', name)?.status?.loadBalancer?.ingress?.[0]?.ip;
  const events = (reason: string) => client.all<KEvent>(Resources.events, 'default').filter((e) => (e as unknown as { reason: string }).reason === reason);

  it('assigns, reports exhaustion, and gives a released address to the waiting Service', async () => {
    await start();
    client.seed(Resources.services, lb('a'));
    client.seed(Resources.services, lb('b'));
    await waitFor(() => !!ipOf('a') && !!ipOf('b'), 'two addresses');
    assert.notEqual(ipOf('a'), ipOf('b'));
    assert.deepEqual(client.peek<Service>(Resources.services, 'default', 'a')!.status!.loadBalancer!.ingress![0].ipMode, 'VIP');
    client.seed(Resources.services, lb('c'));
    await waitFor(() => events('AllocationFailed').length === 1, 'AllocationFailed event');
    assert.equal(ipOf('c'), undefined);
    const freed = ipOf('a');
    await client.delete(Resources.services, 'default', 'a');
    await waitFor(() => ipOf('c') === freed, 'the released address reused');
    assert.equal(running!.c.held().size, 2);
  });

  it('releases when the type changes and leaves other classes alone', async () => {
    await start();
    client.seed(Resources.services, lb('a'));
    client.seed(Resources.services, lb('cloud', { loadBalancerClass: 'example.com/cloud' }));
    await waitFor(() => !!ipOf('a'), 'address');
    client.mutate<Service>(Resources.services, 'default', 'a', (s) => {
      s.spec.type = 'NodePort';
      s.status = { loadBalancer: {} };
    });
    await waitFor(() => running!.c.held().size === 0, 'released');
    await settle();
    assert.equal(ipOf('cloud'), undefined);
    assert.equal(client.actions.filter((x) => x.verb === 'updateStatus' && x.name === 'cloud').length, 0);
  });

  it('a restart rebuilds the allocations from the statuses: no address twice', async () => {
    client.seed(Resources.services, lb('old', {}, '192.0.2.2'));
    client.seed(Resources.services, lb('new'));
    await start();
    await waitFor(() => ipOf('new') === '192.0.2.1', 'the free address');
    await settle();
    assert.equal(ipOf('old'), '192.0.2.2');
    assert.equal(client.actions.filter((x) => x.verb === 'updateStatus' && x.name === 'old').length, 0);
  });
});
