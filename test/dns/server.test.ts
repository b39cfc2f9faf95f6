// The cluster DNS server against a real apiserver (real etcd): started in-process on 127.0.0.1 on
// a random port with no upstream, queried over UDP and TCP with dns/wire. Covers a ClusterIP
// Service (A, SRV, PTR), a headless Service with a hand-written EndpointSlice (no controller-
// manager runs here), NXDOMAIN vs NODATA, a Service change seen by a later query, and out-of-zone
// names: SERVFAIL with no upstream, relayed from a fake resolver on 127.0.0.1 with one (with the
// response cache off, then on: a repeated question not reaching the upstream). Nothing is sent off
// this machine.
import assert from 'node:assert/strict';
import { Resources } from '../../lib/api/resources';
import type { KObject, Service } from '../../lib/api/types';
import { DNS_FLAGS, dnsConfigFromFlags, type DnsConfig } from '../../dns/config';
import { startDns, type RunningDns } from '../../dns/start';
import { startFakeUpstream, type FakeUpstream } from '../../dns/server/fake-upstream';
import { answerText, buildQuery, frameTcp, tcpSession, udpExchange } from '../../dns/server/test-client';
import { Rcode, record, RRType } from '../../dns/wire';
import { waitFor } from '../harness/exec';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';

const NS = 'dns-test';

const data = answerText;

describe('cluster DNS server (real apiserver, loopback sockets)', function () {
  this.timeout(120_000);
  let api: TestApiserver | undefined;
  let dns: RunningDns | undefined;
  let upstream: FakeUpstream | undefined;

  function config(upstream: string, over: Partial<typeof DNS_FLAGS> = {}): DnsConfig {
    return dnsConfigFromFlags({ ...DNS_FLAGS, kubeconfig: 'unused: the test passes a client', bindAddress: '127.0.0.1', port: 0, upstream, healthPort: 0, metricsPort: 0, ...over });
  }

  before(async () => {
    api = await startTestApiserver({ name: 'dns-server' });
    const c = api.client;
    await c.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as KObject);
    await c.create<Service>(Resources.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: NS, name: 'web' },
      spec: { type: 'ClusterIP', clusterIP: '10.96.50.5', ports: [{ name: 'http', protocol: 'TCP', port: 80 }] },
    } as Service);
    await c.create<Service>(Resources.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: NS, name: 'db' },
      spec: { clusterIP: 'None', ports: [{ name: 'pg', protocol: 'TCP', port: 5432 }] },
    } as Service);
    await c.create(Resources.endpointslices, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { namespace: NS, name: 'db-a', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.1.7'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.244.2.8'], hostname: 'db-1', conditions: { ready: true } },
      ],
      ports: [{ name: 'pg', protocol: 'TCP', port: 15432 }],
    } as KObject);
  });
  afterEach(async () => {
    await dns?.stop();
    await upstream?.stop();
    dns = undefined;
    upstream = undefined;
  });
  after(async () => {
    await api?.stop();
  });

  it('answers the cluster zone over UDP and TCP, follows changes, SERVFAIL out of zone without upstream', async () => {
    dns = await startDns(config('none'), { client: api!.client });
    const port = dns.port;
    const udp = (name: string, type: number) => udpExchange(port, buildQuery(name, type));
    const tcp = async (name: string, type: number) => (await tcpSession(port, [frameTcp(buildQuery(name, type))]))[0];

    const web = await udp(`web.${NS}.svc.cluster.local`, RRType.A);
    assert.deepEqual([web.header.rcode, web.header.aa, data(web)], [Rcode.NoError, true, ['A 10.96.50.5']]);
    const webTcp = await tcp(`web.${NS}.svc.cluster.local`, RRType.A);
    assert.deepEqual(data(webTcp), ['A 10.96.50.5']);

    const headless = await udp(`db.${NS}.svc.cluster.local`, RRType.A);
    assert.deepEqual(data(headless).sort(), ['A 10.244.1.7', 'A 10.244.2.8']);
    const pet = await tcp(`db-1.db.${NS}.svc.cluster.local`, RRType.A);
    assert.deepEqual(data(pet), ['A 10.244.2.8']);

    const srv = await udp(`_http._tcp.web.${NS}.svc.cluster.local`, RRType.SRV);
    assert.deepEqual(data(srv), [`SRV 0 100 80 web.${NS}.svc.cluster.local`]);
    const srvHeadless = await tcp(`_pg._tcp.db.${NS}.svc.cluster.local`, RRType.SRV);
    assert.deepEqual(data(srvHeadless).sort(), [`SRV 0 50 15432 db-0.db.${NS}.svc.cluster.local`, `SRV 0 50 15432 db-1.db.${NS}.svc.cluster.local`]);
    assert.deepEqual(srvHeadless.additional.map((a) => a.name).sort(), [`db-0.db.${NS}.svc.cluster.local`, `db-1.db.${NS}.svc.cluster.local`]);

    const ptr = await udp('5.50.96.10.in-addr.arpa', RRType.PTR);
    assert.deepEqual(data(ptr), [`PTR web.${NS}.svc.cluster.local`]);
    const kubernetes = await udp('kubernetes.default.svc.cluster.local', RRType.A);
    assert.deepEqual(data(kubernetes), ['A 10.96.0.1']);

    const nx = await udp(`nope.${NS}.svc.cluster.local`, RRType.A);
    assert.deepEqual([nx.header.rcode, nx.answers.length, nx.authority.map((a) => a.type)], [Rcode.NXDomain, 0, [RRType.SOA]]);
    const nodata = await udp(`web.${NS}.svc.cluster.local`, RRType.AAAA);
    assert.deepEqual([nodata.header.rcode, nodata.answers.length, nodata.authority.map((a) => a.type)], [Rcode.NoError, 0, [RRType.SOA]]);

    // A new Service: NXDOMAIN before, its address once the watch has brought it.
    await api!.client.create<Service>(Resources.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: NS, name: 'late' },
      spec: { type: 'ClusterIP', clusterIP: '10.96.50.9', ports: [{ name: 'http', protocol: 'TCP', port: 80 }] },
    } as Service);
    const late = await waitFor('the new Service answered', async () => {
      const r = await udp(`late.${NS}.svc.cluster.local`, RRType.A);
      return r.header.rcode === Rcode.NoError && r;
    }, 30_000, 50);
    assert.deepEqual(data(late), ['A 10.96.50.9']);
    // ... and NXDOMAIN again once it is deleted.
    await api!.client.delete(Resources.services, NS, 'late');
    await waitFor('the deleted Service gone', async () => (await udp(`late.${NS}.svc.cluster.local`, RRType.A)).header.rcode === Rcode.NXDomain, 30_000, 50);

    const outside = await udp('www.example.com', RRType.A);
    assert.deepEqual([outside.header.rcode, outside.answers.length], [Rcode.ServFail, 0]);
    assert.equal(dns.metrics.forwards.get({ result: 'NO_UPSTREAM' }), 1);
    assert.ok(dns.metrics.zoneRebuilds.get() >= 3, 'initial build plus the create and the delete');
  });

  it('forwards names outside the zone to the upstream (a fake resolver on 127.0.0.1), cache off', async () => {
    upstream = await startFakeUpstream((q) => ({
      header: { ...q.header, qr: true, ra: true },
      questions: q.questions,
      answers: [record(q.questions[0].name, 60, { kind: 'A', address: '192.0.2.80' })],
      authority: [],
      additional: [],
    }));
    dns = await startDns(config(`127.0.0.1:${upstream.port}`, { cacheSize: 0 }), { client: api!.client });
    const viaUdp = await udpExchange(dns.port, buildQuery('www.example.com', RRType.A));
    const [viaTcp] = await tcpSession(dns.port, [frameTcp(buildQuery('www.example.com', RRType.A))]);
    for (const r of [viaUdp, viaTcp]) assert.deepEqual([r.header.rcode, r.header.aa, data(r)], [Rcode.NoError, false, ['A 192.0.2.80']]);
    assert.deepEqual(upstream.received.map((x) => x.query.questions[0].name), ['www.example.com', 'www.example.com']);
    // The zone is still answered locally, not forwarded.
    const web = await udpExchange(dns.port, buildQuery(`web.${NS}.svc.cluster.local`, RRType.A));
    assert.deepEqual(data(web), ['A 10.96.50.5']);
    assert.equal(upstream.received.length, 2);
  });
  it('answers a repeated forwarded question from the response cache; zone answers are never cached', async () => {
    upstream = await startFakeUpstream((q) => {
      const name = q.questions[0].name;
      if (name.toLowerCase().startsWith('nope.')) {
        return {
          header: { ...q.header, qr: true, ra: true, rcode: Rcode.NXDomain },
          questions: q.questions,
          answers: [],
          authority: [record('example.com', 3600, { kind: 'SOA', mname: 'ns.example.com', rname: 'h.example.com', serial: 1, refresh: 7200, retry: 900, expire: 86400, minimum: 300 })],
          additional: [],
        };
      }
      return { header: { ...q.header, qr: true, ra: true }, questions: q.questions, answers: [record(name, 60, { kind: 'A', address: '192.0.2.80' })], authority: [], additional: [] };
    });
    dns = await startDns(config(`127.0.0.1:${upstream.port}`), { client: api!.client });
    const first = await udpExchange(dns.port, buildQuery('www.example.com', RRType.A));
    // Another spelling, another id, over TCP: the same cache entry.
    const [second] = await tcpSession(dns.port, [frameTcp(buildQuery('WWW.Example.com', RRType.A))]);
    for (const r of [first, second]) assert.deepEqual([r.header.rcode, r.header.aa, data(r)], [Rcode.NoError, false, ['A 192.0.2.80']]);
    assert.equal(second.questions[0].name, 'WWW.Example.com', 'the reply echoes the question as asked');
    assert.ok(second.answers[0].ttl <= 60 && second.answers[0].ttl > 0);
    assert.equal(upstream.received.length, 1, 'the second query did not reach the upstream');

    // NXDOMAIN is cached too (for the SOA minimum).
    for (let i = 0; i < 2; i++) assert.equal((await udpExchange(dns.port, buildQuery('nope.example.com', RRType.A))).header.rcode, Rcode.NXDomain);
    assert.equal(upstream.received.length, 2);

    // The zone is answered from the index every time, without consulting the cache.
    for (let i = 0; i < 2; i++) assert.deepEqual(data(await udpExchange(dns.port, buildQuery(`web.${NS}.svc.cluster.local`, RRType.A))), ['A 10.96.50.5']);
    assert.equal(upstream.received.length, 2);

    const m = dns.metrics;
    assert.deepEqual([m.cacheHits.get(), m.cacheMisses.get(), m.cacheEntries.get(), m.forwards.get({ result: 'ok' })], [2, 2, 2, 2]);
    const text = m.registry.render();
    assert.match(text, /^k8ts_dns_cache_hits_total 2$/m);
    assert.match(text, /^k8ts_dns_cache_misses_total 2$/m);
    assert.match(text, /^k8ts_dns_cache_entries 2$/m);
  });
});
