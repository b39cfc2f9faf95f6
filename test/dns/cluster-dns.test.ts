// Cluster DNS in a real single-node cluster (deploy/cluster up, in its own network namespace): the
// `dns` component runs beside kube-proxy, kube-dns sits at 10.96.0.10 with the node's address as
// its one endpoint (slice and Endpoints, left alone by the controller-manager's endpoints
// controller), and a UDP query sent from inside the namespace to 10.96.0.10:53 — through
// kube-proxy's DNAT — resolves kubernetes.default.svc.cluster.local to the kubernetes Service IP.
import assert from 'node:assert/strict';
import type { Endpoints } from '../../lib/api/types';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import { Rcode, RRType } from '../../dns/wire';
import { waitFor } from '../harness/exec';
import { singleNodeCluster } from '../harness/single-node';
import { queryInNetns } from './netns-query';

describe('cluster DNS deployed in a single-node cluster', function () {
  this.timeout(600_000);
  const c = singleNodeCluster('dns');

  it('kube-dns at 10.96.0.10 lists the node, and answers through the Service IP', async () => {
    const svc = await c.k.json(['get', '-n', 'kube-system', 'service', 'kube-dns', '-o', 'json']);
    assert.equal(svc.spec.clusterIP, '10.96.0.10');
    const ip = c.info.nodeIp;
    await waitFor('the node in the kube-dns slice', async () => {
      const s = await c.k.json<EndpointSlice>(['get', '-n', 'kube-system', 'endpointslice', 'kube-dns-leases', '-o', 'json']).catch(() => undefined);
      return s?.endpoints?.some((e) => e.addresses[0] === ip && e.nodeName === c.info.nodeName);
    });
    const ep = await c.k.json<Endpoints>(['get', '-n', 'kube-system', 'endpoints', 'kube-dns', '-o', 'json']);
    assert.deepEqual(ep.subsets?.[0]?.addresses?.map((a) => a.ip), [ip]);
    assert.deepEqual(ep.subsets?.[0]?.ports?.map((p) => `${p.name} ${p.port}/${p.protocol}`).sort(), ['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);

    // kube-proxy may not have synced the Service yet: ask until it has
    const r = await waitFor(
      'an answer from 10.96.0.10:53',
      () => queryInNetns(c.info.netns!, '10.96.0.10', 53, 'kubernetes.default.svc.cluster.local', RRType.A).catch(() => undefined),
      120_000,
      1000,
    );
    assert.equal(r.rcode, Rcode.NoError);
    assert.deepEqual(r.answers, ['A 10.96.0.1']);
    const self = await queryInNetns(c.info.netns!, '10.96.0.10', 53, 'kube-dns.kube-system.svc.cluster.local', RRType.A);
    assert.deepEqual(self.answers, ['A 10.96.0.10']);
    const missing = await queryInNetns(c.info.netns!, '10.96.0.10', 53, 'nothing-here.default.svc.cluster.local', RRType.A);
    assert.equal(missing.rcode, Rcode.NXDomain);
  });

  it('the endpoints controller leaves the selector-less kube-dns alone', async () => {
    // The controller-manager has been running all along; after a relabel event on the Service
    // (which queues it) our Endpoints still list the node.
    await c.k.run(['label', '-n', 'kube-system', 'service', 'kube-dns', 'touched=yes', '--overwrite']);
    await waitFor('the relabel seen', async () => (await c.k.json(['get', '-n', 'kube-system', 'service', 'kube-dns', '-o', 'json'])).metadata.labels.touched === 'yes');
    const ep = await c.k.json<Endpoints>(['get', '-n', 'kube-system', 'endpoints', 'kube-dns', '-o', 'json']);
    assert.deepEqual(ep.subsets?.[0]?.addresses?.map((a) => a.ip), [c.info.nodeIp]);
    const slices = await c.k.json<{ items: EndpointSlice[] }>(['get', '-n', 'kube-system', 'endpointslices', '-l', 'kubernetes.io/service-name=kube-dns', '-o', 'json']);
    assert.deepEqual(slices.items.map((s) => s.metadata.name), ['kube-dns-leases']);
  });
});
