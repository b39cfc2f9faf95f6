// Forwarding against fake resolvers on 127.0.0.1 (nothing leaves the machine): the reply relayed,
// TCP after a truncated UDP reply, the next upstream after a silent one, and failures as values.
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { emptyHeader, Rcode, record, RRClass, RRType, type DnsMessage } from '../wire';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream';
import { Forwarder } from './forwarder';
import { parseUpstream, nameserversOf, upstreamsFromFlag, UpstreamConfigError } from './upstreams';

function query(name: string, type: number = RRType.A): DnsMessage {
  return { header: { ...emptyHeader(1234), rd: true }, questions: [{ name, type, class: RRClass.IN }], answers: [], authority: [], additional: [] };
}

function answerWith(q: DnsMessage, addresses: string[], tc = false): DnsMessage {
  return {
    header: { ...q.header, qr: true, ra: true, tc },
    questions: q.questions,
    answers: addresses.map((a) => record(q.questions[0].name, 60, { kind: 'A', address: a })),
    authority: [],
    additional: [],
  };
}

describe('dns/server forwarder (fake upstream on loopback)', () => {
  const started: FakeUpstream[] = [];
  const sockets: dgram.Socket[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((u) => u.stop()));
    for (const s of sockets.splice(0)) s.close();
  });
  const fake = async (respond: Parameters<typeof startFakeUpstream>[0]) => {
    const u = await startFakeUpstream(respond);
    started.push(u);
    return u;
  };
  /** Bound but never answering: a dead resolver that does not even refuse. */
  const blackHole = async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    sockets.push(s);
    return (s.address() as AddressInfo).port;
  };

  it('relays the upstream answer over UDP, with a fresh id and our EDNS', async () => {
    const up = await fake((q) => answerWith(q, ['192.0.2.1']));
    const f = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }], timeoutMs: 2000 });
    const r = await f.forward(query('example.com'));
    assert.ok(r.ok);
    assert.deepEqual(
      [r.viaTcp, r.reply.answers.map((a) => a.data), up.received.map((x) => x.transport), up.received[0].query.edns?.udpPayloadSize],
      [false, [{ kind: 'A', address: '192.0.2.1' }], ['udp'], 1232],
    );
  });

  it('retries over TCP when the UDP reply is truncated', async () => {
    const up = await fake((q, t) => (t === 'udp' ? answerWith(q, [], true) : answerWith(q, ['192.0.2.1', '192.0.2.2'])));
    const f = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }], timeoutMs: 2000 });
    const r = await f.forward(query('big.example.com'));
    assert.ok(r.ok);
    assert.deepEqual([r.viaTcp, r.reply.answers.length, up.received.map((x) => x.transport)], [true, 2, ['udp', 'tcp']]);
  });

  it('ignores replies with the wrong id or question, then times out', async () => {
    const up = await fake((q) => {
      const wrongId = answerWith(q, ['192.0.2.66']);
      wrongId.header.id = (q.header.id + 1) & 0xffff;
      return wrongId;
    });
    const f = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }], timeoutMs: 200 });
    const r = await f.forward(query('example.com'));
    assert.ok(!r.ok);
    assert.deepEqual(r.failures.map((x) => x.code), ['TIMEOUT']);
  });

  it('moves on to the next upstream when the first is silent', async () => {
    const dead = await blackHole();
    const up = await fake((q) => answerWith(q, ['192.0.2.9']));
    const f = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: dead }, { host: '127.0.0.1', port: up.port }], timeoutMs: 200 });
    const r = await f.forward(query('example.com'));
    assert.ok(r.ok);
    assert.equal(r.upstream.port, up.port);
  });

  it('relays an upstream NXDOMAIN as it is', async () => {
    const up = await fake((q) => ({ ...answerWith(q, []), header: { ...q.header, qr: true, rcode: Rcode.NXDomain } }));
    const r = await new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }] }).forward(query('nope.example'));
    assert.ok(r.ok);
    assert.equal(r.reply.header.rcode, Rcode.NXDomain);
  });

  it('a garbage reply is BAD_REPLY, not a crash', async () => {
    const up = await fake(() => Buffer.from('not dns at all, far too long to be a header'));
    const r = await new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }], timeoutMs: 200 }).forward(query('example.com'));
    assert.ok(!r.ok);
    assert.deepEqual(r.failures.map((x) => x.code), ['BAD_REPLY']);
  });

  it('no upstream configured: NO_UPSTREAM at once, nothing sent', async () => {
    const r = await new Forwarder({ upstreams: [] }).forward(query('example.com'));
    assert.deepEqual(r, { ok: false, failures: [{ code: 'NO_UPSTREAM', detail: 'no upstream resolver configured' }] });
  });
});

describe('dns/server upstreams', () => {
  const parse: [string, { host: string; port: number } | 'error'][] = [
    ['10.0.0.2', { host: '10.0.0.2', port: 53 }],
    ['10.0.0.2:5353', { host: '10.0.0.2', port: 5353 }],
    ['[fd00::53]', { host: 'fd00::53', port: 53 }],
    ['[fd00::53]:54', { host: 'fd00::53', port: 54 }],
    ['fd00::53', { host: 'fd00::53', port: 53 }],
    ['dns.example.com', 'error'],
    ['10.0.0.2:0', 'error'],
    ['10.0.0.2:70000', 'error'],
  ];
  for (const [text, want] of parse) {
    it(`parses ${text}`, () => {
      if (want === 'error') assert.throws(() => parseUpstream(text), (e: unknown) => e instanceof UpstreamConfigError && e.code === 'DNS_UPSTREAM_INVALID');
      else assert.deepEqual(parseUpstream(text), want);
    });
  }

  it('resolv.conf: nameservers in order, loopback and zone-scoped ones left out', () => {
    const conf = 'search example.com\nnameserver 127.0.0.53\nnameserver 10.0.0.2\n# nameserver 10.9.9.9\nnameserver ::1\nnameserver fe80::1%eth0\nnameserver fd00::53\noptions edns0\n';
    assert.deepEqual(nameserversOf(conf), [{ host: '10.0.0.2', port: 53 }, { host: 'fd00::53', port: 53 }]);
  });

  const flags: [string, string[]][] = [
    ['', ['10.0.0.2:53']],
    ['none', []],
    ['1.1.1.1, 9.9.9.9:5353', ['1.1.1.1:53', '9.9.9.9:5353']],
  ];
  for (const [flag, want] of flags) {
    it(`--upstream "${flag}"`, () => {
      const got = upstreamsFromFlag(flag, () => 'nameserver 10.0.0.2\n').map((u) => `${u.host}:${u.port}`);
      assert.deepEqual(got, want);
    });
  }
});
