// The lease endpoints runner against the in-memory client, on a fake clock: two members listed,
// nothing written when nothing changed, a stopped member gone at once, a silent one gone once its
// Lease runs out, a conflict retried, and nothing written while the Service is missing.
import assert from 'node:assert/strict';
import type { Endpoints, Lease, Service } from '../api/types';
import type { EndpointSlice } from '../api/endpoint-slice';
import { Resources } from '../api/resources';
import { apiError } from '../errors';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { startLeaseEndpoints, type LeaseEndpoints, type LeaseEndpointsConfig } from './lease-endpoints';

const NS = 'kube-system';
const SVC = { namespace: NS, name: 'kube-dns' };
const PORTS = [{ name: 'dns', port: 53, protocol: 'UDP' as const }];

describe('lease endpoints runner (fake client, fake clock)', () => {
  let client: FakeApiClient;
  let t: number;
  const members: LeaseEndpoints[] = [];

  function member(identity: string, address: string, over: Partial<LeaseEndpointsConfig> = {}): LeaseEndpoints {
    // renewMs is long: the test drives every round with syncNow
    const m = startLeaseEndpoints({ client, service: SVC, leaseNamespace: NS, identity, address, nodeName: identity, ports: PORTS, renewMs: 3_600_000, leaseDurationSeconds: 7200, now: () => t, ...over });
    members.push(m);
    return m;
  }
  const sliceAddresses = () => (client.peek<EndpointSlice>(Resources.endpointslices, NS, 'kube-dns-leases')?.endpoints ?? []).map((e) => e.addresses[0]);
  const endpointAddresses = () => (client.peek<Endpoints>(Resources.endpoints, NS, 'kube-dns')?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));

  beforeEach(() => {
    client = new FakeApiClient();
    t = Date.parse('2026-12-05T18:00:00Z');
    client.seed<Service>(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { namespace: NS, name: 'kube-dns' }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] } });
  });
  afterEach(async () => {
    for (const m of members.splice(0)) await m.abandon();
  });

  it('lists both members; a round with no change writes only the Lease', async () => {
    const a = member('node-a', '172.31.1.1');
    const b = member('node-b', '172.31.0.9');
    await a.syncNow();
    await b.syncNow();
    await a.syncNow();
    assert.deepEqual(sliceAddresses(), ['172.31.0.9', '172.31.1.1']);
    assert.deepEqual(endpointAddresses(), ['172.31.0.9', '172.31.1.1']);
    const slice = client.peek<EndpointSlice>(Resources.endpointslices, NS, 'kube-dns-leases')!;
    assert.equal(slice.metadata.ownerReferences?.[0]?.uid, client.peek<Service>(Resources.services, NS, 'kube-dns')!.metadata.uid);
    const before = client.actions.length;
    t += 1000;
    await b.syncNow();
    assert.deepEqual(client.actions.slice(before).map((x) => `${x.verb} ${x.resource}`), ['update leases']);
  });

  it('a stopped member leaves at once; a silent one once its Lease runs out', async () => {
    const a = member('node-a', '172.31.1.1', { leaseDurationSeconds: 30, renewMs: 10_000 });
    const b = member('node-b', '172.31.2.1', { leaseDurationSeconds: 30, renewMs: 10_000 });
    const c = member('node-c', '172.31.3.1', { leaseDurationSeconds: 30, renewMs: 10_000 });
    for (const m of [a, b, c]) await m.syncNow();
    assert.deepEqual(sliceAddresses(), ['172.31.1.1', '172.31.2.1', '172.31.3.1']);

    await c.stop();
    assert.deepEqual(sliceAddresses(), ['172.31.1.1', '172.31.2.1']);
    assert.deepEqual(endpointAddresses(), ['172.31.1.1', '172.31.2.1']);
    assert.equal(client.peek<Lease>(Resources.leases, NS, 'kube-dns-node-c'), undefined);

    await b.abandon();
    t += 29_000;
    await a.syncNow();
    assert.deepEqual(sliceAddresses(), ['172.31.1.1', '172.31.2.1'], 'not yet expired');
    t += 1000;
    await a.syncNow();
    assert.deepEqual(sliceAddresses(), ['172.31.1.1']);
    assert.ok(client.peek<Lease>(Resources.leases, NS, 'kube-dns-node-b'), 'kept until stale');
    t += 150_000;
    await a.syncNow();
    assert.equal(client.peek<Lease>(Resources.leases, NS, 'kube-dns-node-b'), undefined, 'stale lease removed');

    await a.stop();
    assert.deepEqual(sliceAddresses(), []);
    assert.deepEqual(endpointAddresses(), []);
  });

  it('retries an Endpoints update that meets a conflict', async () => {
    const a = member('node-a', '172.31.1.1');
    let conflicts = 1;
    client.beforeWrite = (x) => {
      if (x.verb === 'create' && x.resource === 'endpoints' && conflicts-- > 0) throw apiError(409, 'AlreadyExists', 'endpoints "kube-dns" already exists');
    };
    await a.syncNow();
    assert.deepEqual(endpointAddresses(), ['172.31.1.1']);
  });

  it('writes no endpoints without the Service, and creates it through ensureService', async () => {
    await client.delete(Resources.services, NS, 'kube-dns');
    const a = member('node-a', '172.31.1.1');
    await a.syncNow();
    assert.equal(client.peek(Resources.endpointslices, NS, 'kube-dns-leases'), undefined);
    assert.equal(client.peek(Resources.endpoints, NS, 'kube-dns'), undefined);
    const b = member('node-b', '172.31.2.1', {
      ensureService: async () => {
        await client.create<Service>(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { namespace: NS, name: 'kube-dns' }, spec: { clusterIP: '10.96.0.10' } });
      },
    });
    await b.syncNow();
    assert.deepEqual(sliceAddresses(), ['172.31.1.1', '172.31.2.1']);
  });

  it('refuses a lease no longer than its renew interval', () => {
    assert.throws(() => startLeaseEndpoints({ client, service: SVC, leaseNamespace: NS, identity: 'x', address: '10.0.0.1', ports: PORTS, renewMs: 10_000, leaseDurationSeconds: 10 }), { code: 'LEASE_ENDPOINTS_INVALID' });
  });
});
