// The cluster DNS's Service membership against a real apiserver (real etcd): two DNS instances
// started in-process on 127.0.0.1 (ephemeral ports), each a member of kube-system/kube-dns through
// its Lease, advertising an address of a documentation range that no test sends to. The first
// creates the kube-dns Service at 10.96.0.10; both are listed in the EndpointSlice and the
// Endpoints; one that stops is gone the moment stop() returns; one that stops renewing (its Lease
// left behind, as after a crash) is gone once the Lease runs out. Nothing is sent off this machine.
import assert from 'node:assert/strict';
import { Resources } from '../../lib/api/resources';
import type { Endpoints, Lease, Service } from '../../lib/api/types';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import { DNS_FLAGS, dnsConfigFromFlags } from '../../dns/config';
import { startDns, type RunningDns } from '../../dns/start';
import { waitFor } from '../harness/exec';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';

const NS = 'kube-system';

describe('cluster DNS Service membership: lease-backed endpoints (real apiserver)', function () {
  this.timeout(120_000);
  let api: TestApiserver | undefined;
  const running: RunningDns[] = [];

  function start(nodeName: string, address: string): Promise<RunningDns> {
    const config = dnsConfigFromFlags({
      ...DNS_FLAGS,
      kubeconfig: 'unused: the test passes a client',
      bindAddress: '127.0.0.1',
      port: 0,
      upstream: 'none',
      healthPort: 0,
      metricsPort: 0,
      nodeName,
      advertiseAddress: address,
      // short, so that expiry is seen within the test
      leaseRenewMs: 500,
      leaseDurationSeconds: 3,
    });
    return startDns(config, { client: api!.client }).then((d) => (running.push(d), d));
  }

  const slice = () => api!.client.get<EndpointSlice>(Resources.endpointslices, NS, 'kube-dns-leases');
  const sliceAddresses = async () => ((await slice()).endpoints ?? []).map((e) => `${e.addresses[0]}@${e.nodeName}`);
  const endpointAddresses = async () =>
    ((await api!.client.get<Endpoints>(Resources.endpoints, NS, 'kube-dns')).subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => `${a.ip}@${a.nodeName}`));

  before(async () => {
    api = await startTestApiserver({ name: 'dns-lease' });
  });
  after(async () => {
    for (const d of running.splice(0)) await d.stop().catch(() => undefined);
    await api?.stop();
  });

  it('creates kube-dns at 10.96.0.10 and lists both instances in the slice and the Endpoints', async () => {
    await start('node-a', '192.0.2.21');
    await start('node-b', '192.0.2.22');
    const want = ['192.0.2.21@node-a', '192.0.2.22@node-b'];
    await waitFor('both instances in the slice', async () => JSON.stringify(await sliceAddresses().catch(() => [])) === JSON.stringify(want));
    await waitFor('both instances in the Endpoints', async () => JSON.stringify(await endpointAddresses().catch(() => [])) === JSON.stringify(want));

    const svc = await api!.client.get<Service>(Resources.services, NS, 'kube-dns');
    assert.equal(svc.spec.clusterIP, '10.96.0.10');
    assert.equal(svc.spec.selector, undefined);
    assert.equal(svc.metadata.labels?.['k8s-app'], 'kube-dns');
    assert.deepEqual(svc.spec.ports?.map((p) => `${p.name} ${p.port}/${p.protocol}`), ['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);

    const s = await slice();
    assert.equal(s.metadata.labels?.['kubernetes.io/service-name'], 'kube-dns');
    assert.equal(s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'k8ts-lease-endpoints');
    assert.equal(s.metadata.ownerReferences?.[0]?.uid, svc.metadata.uid);
    assert.deepEqual(s.endpoints?.map((e) => e.conditions?.ready), [true, true]);
    // The bound DNS port is the endpoint port of both dns ports (no metrics port: it is off here).
    // Members of one Service serve the same ports; these two bound ephemeral ones, so the slice
    // carries the port of whichever wrote last.
    assert.deepEqual(s.ports?.map((p) => `${p.name}/${p.protocol}`), ['dns/UDP', 'dns-tcp/TCP']);
    assert.ok(running.map((d) => d.port).includes(s.ports![0].port!), 'a port an instance bound');
    assert.equal(s.ports![0].port, s.ports![1].port);

    const leases = (await api!.client.list<Lease>(Resources.leases, NS, { labelSelector: 'k8ts.io/lease-endpoints-service=kube-dns' })).items;
    assert.deepEqual(leases.map((l) => l.metadata.name).sort(), ['kube-dns-node-a', 'kube-dns-node-b']);
  });

  it('an instance that stops is gone the moment stop() returns', async () => {
    const b = running.pop()!;
    await b.stop();
    assert.deepEqual(await sliceAddresses(), ['192.0.2.21@node-a']);
    assert.deepEqual(await endpointAddresses(), ['192.0.2.21@node-a']);
    await assert.rejects(api!.client.get(Resources.leases, NS, 'kube-dns-node-b'), { code: 404 });
  });

  it('an instance that stops renewing is gone once its Lease runs out', async () => {
    const c = await start('node-c', '192.0.2.23');
    await waitFor('node-c listed', async () => (await sliceAddresses()).includes('192.0.2.23@node-c'));
    // A crash, as the others see it: no more renewals, the Lease stays.
    await c.membership!.abandon();
    running.splice(running.indexOf(c), 1);
    await c.stop();
    const lease = await api!.client.get<Lease>(Resources.leases, NS, 'kube-dns-node-c');
    const expiry = Date.parse(lease.spec.renewTime!) + lease.spec.leaseDurationSeconds! * 1000;
    await waitFor('node-c gone from the slice', async () => !(await sliceAddresses()).includes('192.0.2.23@node-c'), 30_000, 200);
    // gone because the Lease ran out, not before
    assert.ok(Date.now() >= expiry, 'removed only after the lease expired');
    assert.deepEqual(await sliceAddresses(), ['192.0.2.21@node-a']);
    assert.deepEqual(await endpointAddresses(), ['192.0.2.21@node-a']);
  });

  it('the last instance leaves an empty slice and no Endpoints addresses', async () => {
    const a = running.pop()!;
    await a.stop();
    assert.deepEqual(await sliceAddresses(), []);
    assert.deepEqual(await endpointAddresses(), []);
    // the Service stays: it belongs to the cluster, not to one instance
    assert.equal((await api!.client.get<Service>(Resources.services, NS, 'kube-dns')).spec.clusterIP, '10.96.0.10');
  });
});
