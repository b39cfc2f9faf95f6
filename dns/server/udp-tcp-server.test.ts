// The server on real loopback sockets with a fixed zone (the spec's example snapshot): UDP and TCP
// on one port, FORMERR for garbage, broken TCP frames closing only their connection, idle TCP
// connections closed, SERVFAIL before the zone is built or with no upstream, and forwarding to a
// fake resolver on 127.0.0.1, with and without the response cache.
import assert from 'node:assert/strict';
import { componentLogger } from '../../lib/log';
import { specSnapshot } from '../records/test-fixtures';
import { buildZoneIndex, type ZoneIndex } from '../records/zone-index';
import { Rcode, record, RRType } from '../wire';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream';
import { Forwarder } from './forwarder';
import { DnsMetrics } from './metrics';
import { ResponseCache } from './response-cache';
import { buildQuery, frameTcp, tcpSession, udpExchange } from './test-client';
import { DnsServer } from './udp-tcp-server';
import type { Upstream } from './upstreams';

describe('dns/server UDP+TCP server (loopback)', function () {
  this.timeout(20_000);
  const log = componentLogger('dns-test');
  let server: DnsServer | undefined;
  let upstream: FakeUpstream | undefined;
  let metrics: DnsMetrics;
  let zone: ZoneIndex | undefined;

  async function start(upstreams: Upstream[] = [], tcpIdleTimeoutMs = 10_000, maxConcurrentForwards?: number, cache?: ResponseCache): Promise<number> {
    metrics = new DnsMetrics();
    zone = buildZoneIndex(specSnapshot);
    const forwarder = new Forwarder({ upstreams, timeoutMs: 500 });
    server = new DnsServer({ host: '127.0.0.1', port: 0, index: () => zone, forwarder, cache, metrics, log, tcpIdleTimeoutMs, maxConcurrentForwards });
    await server.start();
    return server.port;
  }
  afterEach(async () => {
    await server?.stop();
    await upstream?.stop();
    server = undefined;
    upstream = undefined;
  });

  it('answers over UDP and over TCP on the same port', async () => {
    const port = await start();
    const u = await udpExchange(port, buildQuery('single.default.svc.cluster.local', RRType.A));
    const [t] = await tcpSession(port, [frameTcp(buildQuery('single.default.svc.cluster.local', RRType.A))]);
    for (const r of [u, t]) assert.deepEqual(r.answers.map((a) => a.data), [{ kind: 'A', address: '10.96.7.7' }]);
    assert.equal(metrics.requests.get({ proto: 'udp', type: 'A' }), 1);
    assert.equal(metrics.responses.get({ proto: 'tcp', rcode: 'NOERROR' }), 1);
  });

  it('TCP: pipelined queries in one write, split across writes, each answered under its id', async () => {
    const port = await start();
    const q1 = buildQuery('single.default.svc.cluster.local', RRType.A);
    const q2 = buildQuery('nope.default.svc.cluster.local', RRType.A);
    const q3 = buildQuery('7.7.96.10.in-addr.arpa', RRType.PTR);
    const f3 = frameTcp(q3);
    const replies = await tcpSession(port, [Buffer.concat([frameTcp(q1), frameTcp(q2), f3.subarray(0, 5)]), f3.subarray(5)]);
    const byId = new Map(replies.map((r) => [r.header.id, r.header.rcode]));
    assert.deepEqual([byId.get(q1.readUInt16BE(0)), byId.get(q2.readUInt16BE(0)), byId.get(q3.readUInt16BE(0))], [Rcode.NoError, Rcode.NXDomain, Rcode.NoError]);
  });

  it('garbage over UDP: FORMERR with its id, and the server keeps answering', async () => {
    const port = await start();
    const loop = Buffer.from('beef01000001000000000000c00c00010001', 'hex');
    const r = await udpExchange(port, loop);
    assert.deepEqual([r.header.id, r.header.rcode], [0xbeef, Rcode.FormErr]);
    const ok = await udpExchange(port, buildQuery('single.default.svc.cluster.local', RRType.A));
    assert.equal(ok.header.rcode, Rcode.NoError);
    assert.equal(metrics.responses.get({ proto: 'udp', rcode: 'FORMERR' }), 1);
  });

  it('a zero-length TCP frame closes that connection; the server still answers', async () => {
    const port = await start();
    const replies = await tcpSession(port, [Buffer.from([0, 0])], { halfClose: false });
    assert.deepEqual(replies, []);
    assert.equal(metrics.dropped.get({ reason: 'bad-frame' }), 1);
    assert.equal((await udpExchange(port, buildQuery('single.default.svc.cluster.local', RRType.A))).header.rcode, Rcode.NoError);
  });

  it('an idle TCP connection is closed by the server', async () => {
    const port = await start([], 200);
    // Never half-closed by the client: only the idle timeout can end this session.
    const replies = await tcpSession(port, [frameTcp(buildQuery('single.default.svc.cluster.local', RRType.A))], { halfClose: false });
    assert.equal(replies.length, 1);
  });

  it('before the zone is built every query is SERVFAIL', async () => {
    const port = await start();
    zone = undefined;
    const r = await udpExchange(port, buildQuery('single.default.svc.cluster.local', RRType.A));
    assert.equal(r.header.rcode, Rcode.ServFail);
  });

  it('out of zone with no upstream: SERVFAIL', async () => {
    const port = await start([]);
    const r = await udpExchange(port, buildQuery('example.com', RRType.A));
    assert.deepEqual([r.header.rcode, r.questions[0].name], [Rcode.ServFail, 'example.com']);
    assert.equal(metrics.forwards.get({ result: 'NO_UPSTREAM' }), 1);
  });

  it('out of zone: forwarded to the upstream and relayed, over UDP and TCP', async () => {
    upstream = await startFakeUpstream((q) => ({
      header: { ...q.header, qr: true, ra: true },
      questions: q.questions,
      answers: [record(q.questions[0].name, 60, { kind: 'A', address: '192.0.2.44' })],
      authority: [],
      additional: [],
    }));
    const port = await start([{ host: '127.0.0.1', port: upstream.port }]);
    const u = await udpExchange(port, buildQuery('www.example.com', RRType.A));
    const [t] = await tcpSession(port, [frameTcp(buildQuery('www.example.com', RRType.A))]);
    for (const r of [u, t]) assert.deepEqual([r.header.rcode, r.header.aa, r.answers.map((a) => a.data)], [Rcode.NoError, false, [{ kind: 'A', address: '192.0.2.44' }]]);
    assert.equal(metrics.forwards.get({ result: 'ok' }), 2);

    // An ExternalName Service (foo → www.example.com): the CNAME and the upstream's address.
    const ext = await udpExchange(port, buildQuery('foo.default.svc.cluster.local', RRType.A));
    assert.deepEqual(ext.answers.map((a) => a.data), [{ kind: 'CNAME', target: 'www.example.com' }, { kind: 'A', address: '192.0.2.44' }]);
  });

  it('with a cache: a forwarded answer and an ExternalName target reached upstream once; SERVFAIL cached, timeouts not', async () => {
    upstream = await startFakeUpstream((q) => {
      const name = q.questions[0].name;
      if (name === 'broken.example.com') return { header: { ...q.header, qr: true, ra: true, rcode: Rcode.ServFail }, questions: q.questions, answers: [], authority: [], additional: [] };
      if (name === 'silent.example.com') return undefined;
      return { header: { ...q.header, qr: true, ra: true }, questions: q.questions, answers: [record(name, 60, { kind: 'A', address: '192.0.2.44' })], authority: [], additional: [] };
    });
    const cache = new ResponseCache({ maxEntries: 100 });
    const port = await start([{ host: '127.0.0.1', port: upstream.port }], 10_000, undefined, cache);
    const direct = await udpExchange(port, buildQuery('www.example.com', RRType.A));
    // The ExternalName's target is the same question: its address comes from the cache.
    const ext = await udpExchange(port, buildQuery('foo.default.svc.cluster.local', RRType.A));
    assert.deepEqual(direct.answers.map((a) => a.data), [{ kind: 'A', address: '192.0.2.44' }]);
    assert.deepEqual(ext.answers.map((a) => a.data), [{ kind: 'CNAME', target: 'www.example.com' }, { kind: 'A', address: '192.0.2.44' }]);
    for (let i = 0; i < 2; i++) assert.equal((await udpExchange(port, buildQuery('broken.example.com', RRType.A))).header.rcode, Rcode.ServFail);
    for (let i = 0; i < 2; i++) assert.equal((await udpExchange(port, buildQuery('silent.example.com', RRType.A))).header.rcode, Rcode.ServFail);
    assert.deepEqual(
      upstream.received.map((x) => x.query.questions[0].name),
      ['www.example.com', 'broken.example.com', 'silent.example.com', 'silent.example.com'],
    );
    assert.deepEqual([metrics.cacheHits.get(), metrics.cacheMisses.get(), metrics.cacheEntries.get()], [2, 4, 2]);
  });

  it('past the forwarding cap: SERVFAIL at once, nothing sent upstream', async () => {
    upstream = await startFakeUpstream(() => undefined);
    const port = await start([{ host: '127.0.0.1', port: upstream.port }], 10_000, 0);
    const r = await udpExchange(port, buildQuery('www.example.com', RRType.A));
    assert.deepEqual([r.header.rcode, upstream.received.length, metrics.forwards.get({ result: 'OVERLOADED' })], [Rcode.ServFail, 0, 1]);
  });

  it('a response packet sent to the server is never answered', async () => {
    const port = await start();
    const response = Buffer.from('beef81000001000000000000c00c00010001', 'hex');
    await assert.rejects(udpExchange(port, response, 300), /no UDP reply/);
    assert.equal(metrics.dropped.get({ reason: 'response' }), 1);
  });
});
