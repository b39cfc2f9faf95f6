// The handler as query packet → decision, table-driven: queries built and replies decoded with
// dns/wire, answers from the spec's example snapshot (dns/records/test-fixtures).
import assert from 'node:assert/strict';
import { fmt, specSnapshot } from '../records/test-fixtures';
import { buildZoneIndex } from '../records/zone-index';
import { BUSYBOX_A_QUERY, BUSYBOX_A_RESPONSE } from '../wire/golden-packets';
import { decodeMessage, emptyHeader, encodeMessage, Opcode, Rcode, RRClass, RRType, record, type DnsMessage, type Edns } from '../wire';
import { handleQuery, replyAfterChase, replyFromUpstream, replyServfail, type Decision, type HandlerOptions } from './handler';

const index = buildZoneIndex(specSnapshot, { serial: 1 });
const UDP: HandlerOptions = { transport: 'udp' };
const TCP: HandlerOptions = { transport: 'tcp' };

function query(name: string, type: number, opts: { id?: number; edns?: Edns; opcode?: number; questions?: number; cls?: number } = {}): Buffer {
  const header = { ...emptyHeader(opts.id ?? 7), rd: true, opcode: opts.opcode ?? Opcode.Query };
  const q = { name, type, class: opts.cls ?? RRClass.IN };
  const msg: DnsMessage = { header, questions: Array.from({ length: opts.questions ?? 1 }, () => q), answers: [], authority: [], additional: [] };
  if (opts.edns) msg.edns = opts.edns;
  return encodeMessage(msg);
}

function reply(d: Decision): DnsMessage {
  assert.equal(d.action, 'reply', `expected a reply, got ${JSON.stringify(d)}`);
  return decodeMessage((d as Decision & { action: 'reply' }).bytes);
}

const RCODE: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 16: 'BADVERS' };

interface Row {
  why: string;
  packet: Buffer;
  opts?: HandlerOptions;
  rcode?: string;
  aa?: boolean;
  answers?: string[];
  authority?: string[];
  additional?: string[];
  tc?: boolean;
}

const EDNS: Edns = { udpPayloadSize: 4096, version: 0, dnssecOk: false, options: [] };
const SOA_NEG = 'cluster.local 30 SOA ns.dns.cluster.local hostmaster.cluster.local 1 7200 1800 86400 30';

const rows: Row[] = [
  { why: 'ClusterIP A', packet: query('single.default.svc.cluster.local', RRType.A), answers: ['single.default.svc.cluster.local 5 A 10.96.7.7'] },
  { why: 'case echoed (0x20)', packet: query('SINGLE.Default.svc.cluster.local', RRType.A), answers: ['SINGLE.Default.svc.cluster.local 5 A 10.96.7.7'] },
  {
    why: 'headless A: one per ready endpoint',
    packet: query('headless.default.svc.cluster.local', RRType.A),
    answers: ['headless.default.svc.cluster.local 5 A 10.3.0.100', 'headless.default.svc.cluster.local 5 A 10.3.0.101', 'headless.default.svc.cluster.local 5 A 10.3.0.102'],
  },
  {
    why: 'SRV with target addresses in additional',
    packet: query('_pg._tcp.db.default.svc.cluster.local', RRType.SRV),
    answers: ['_pg._tcp.db.default.svc.cluster.local 5 SRV 0 100 15432 db-0.db.default.svc.cluster.local'],
    additional: ['db-0.db.default.svc.cluster.local 5 A 10.244.3.7', 'db-0.db.default.svc.cluster.local 5 AAAA fd00:244::7'],
  },
  { why: 'PTR of a ClusterIP', packet: query('7.7.96.10.in-addr.arpa', RRType.PTR), answers: ['7.7.96.10.in-addr.arpa 5 PTR single.default.svc.cluster.local'] },
  { why: 'NXDOMAIN with SOA', packet: query('nope.default.svc.cluster.local', RRType.A), rcode: 'NXDOMAIN', authority: [SOA_NEG] },
  { why: 'NODATA: exists, no AAAA', packet: query('single.default.svc.cluster.local', RRType.AAAA), authority: [SOA_NEG] },
  { why: 'NODATA: empty non-terminal', packet: query('default.svc.cluster.local', RRType.A), authority: [SOA_NEG] },
  { why: 'zone transfer refused', packet: query('cluster.local', RRType.AXFR), rcode: 'REFUSED', aa: false },
  { why: 'two questions: FORMERR', packet: query('single.default.svc.cluster.local', RRType.A, { questions: 2 }), rcode: 'FORMERR', aa: false },
  { why: 'opcode STATUS: NOTIMP', packet: query('single.default.svc.cluster.local', RRType.A, { opcode: Opcode.Status }), rcode: 'NOTIMP', aa: false },
  { why: 'EDNS version 1: BADVERS', packet: query('single.default.svc.cluster.local', RRType.A, { edns: { ...EDNS, version: 1 } }), rcode: 'BADVERS', aa: false },
  { why: 'over TCP the same answer', packet: query('single.default.svc.cluster.local', RRType.A), opts: TCP, answers: ['single.default.svc.cluster.local 5 A 10.96.7.7'] },
];

describe('dns/server handler: query packet → reply', () => {
  for (const row of rows) {
    it(row.why, () => {
      const r = reply(handleQuery(row.packet, index, row.opts ?? UDP));
      assert.deepEqual(
        {
          id: r.header.id,
          qr: r.header.qr,
          rcode: RCODE[r.header.rcode],
          aa: r.header.aa,
          tc: r.header.tc,
          answers: r.answers.map((x) => fmt(x as never)),
          authority: r.authority.map((x) => fmt(x as never)),
          additional: r.additional.map((x) => fmt(x as never)),
        },
        {
          id: 7,
          qr: true,
          rcode: row.rcode ?? 'NOERROR',
          aa: row.aa ?? true,
          tc: row.tc ?? false,
          answers: row.answers ?? [],
          authority: row.authority ?? [],
          additional: row.additional ?? [],
        },
      );
    });
  }

  it('answers the busybox golden query byte for byte', () => {
    const snap = { ...specSnapshot, services: specSnapshot.services.map((s) => (s.metadata.name === 'kubernetes' ? { ...s, spec: { ...s.spec, clusterIP: '10.96.0.1' } } : s)) };
    const d = handleQuery(BUSYBOX_A_QUERY, buildZoneIndex(snap), UDP);
    assert.equal(d.action, 'reply');
    assert.deepEqual((d as Decision & { action: 'reply' }).bytes, BUSYBOX_A_RESPONSE);
  });

  it('ExternalName leaving the zone: a chase of its target; the CNAME alone when no upstream answers', () => {
    const d = handleQuery(query('foo.default.svc.cluster.local', RRType.A), index, UDP);
    assert.equal(d.action, 'chase');
    const chase = d as Decision & { action: 'chase' };
    assert.equal(chase.target, 'www.example.com');
    const alone = reply(replyAfterChase(chase, undefined, UDP));
    assert.deepEqual([alone.header.rcode, alone.answers.map((x) => fmt(x as never))], [Rcode.NoError, ['foo.default.svc.cluster.local 5 CNAME www.example.com']]);
    const upstream: DnsMessage = {
      header: { ...emptyHeader(1), qr: true, rcode: Rcode.NoError },
      questions: [{ name: 'www.example.com', type: RRType.A, class: RRClass.IN }],
      answers: [record('www.example.com', 300, { kind: 'A', address: '192.0.2.7' })],
      authority: [],
      additional: [],
    };
    const chased = reply(replyAfterChase(chase, upstream, UDP));
    assert.deepEqual(
      [chased.header.aa, chased.answers.map((x) => fmt(x as never))],
      [true, ['foo.default.svc.cluster.local 5 CNAME www.example.com', 'www.example.com 300 A 192.0.2.7']],
    );
    const nx = reply(replyAfterChase(chase, { ...upstream, header: { ...upstream.header, rcode: Rcode.NXDomain }, answers: [] }, UDP));
    assert.deepEqual([RCODE[nx.header.rcode], nx.answers.length], ['NXDOMAIN', 1]);
  });

  it('names outside the zone and unknown reverse names are forwarded with the decoded query', () => {
    for (const [name, type] of [['example.com', RRType.A], ['1.0.0.127.in-addr.arpa', RRType.PTR]] as const) {
      const d = handleQuery(query(name, type), index, UDP);
      assert.equal(d.action, 'forward');
      assert.equal((d as Decision & { action: 'forward' }).query.questions[0].name, name);
    }
  });
});

describe('dns/server handler: malformed and oversized', () => {
  const good = query('single.default.svc.cluster.local', RRType.A, { id: 0xbeef });
  const cases: { why: string; packet: Buffer; expect: 'FORMERR' | 'drop' }[] = [
    { why: 'cut in the question', packet: good.subarray(0, 20), expect: 'FORMERR' },
    { why: 'trailing garbage', packet: Buffer.concat([good, Buffer.from([1, 2, 3])]), expect: 'FORMERR' },
    // Header says 1 question; the name is a pointer to itself at offset 12.
    { why: 'compression pointer loop', packet: Buffer.from('beef01000001000000000000c00c00010001', 'hex'), expect: 'FORMERR' },
    { why: 'three bytes: no id and flags', packet: Buffer.from([0xbe, 0xef, 0x01]), expect: 'drop' },
    { why: 'a response (QR set) is never answered', packet: Buffer.from('beef81000001000000000000c00c00010001', 'hex'), expect: 'drop' },
  ];
  for (const c of cases) {
    it(c.why, () => {
      const d = handleQuery(c.packet, index, UDP);
      if (c.expect === 'drop') return assert.equal(d.action, 'drop');
      const r = reply(d);
      assert.deepEqual([r.header.id, r.header.qr, RCODE[r.header.rcode]], [0xbeef, true, 'FORMERR']);
    });
  }

  // 40 ready endpoints: 40 A records of 16 bytes each (owner compressed) do not fit 512 bytes.
  const many = buildZoneIndex({
    services: [{ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'big' }, spec: { clusterIP: 'None' } }],
    endpointSlices: [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { namespace: 'default', name: 'big-a', labels: { 'kubernetes.io/service-name': 'big' } },
        addressType: 'IPv4',
        endpoints: Array.from({ length: 40 }, (_, i) => ({ addresses: [`10.244.0.${i + 1}`], conditions: { ready: true } })),
        ports: [],
      },
    ],
    pods: [],
  });
  // Header 12 + question 35 = 47 bytes; (512 - 47) / 16 = 29 records fit.
  const table: { why: string; packet: Buffer; opts: HandlerOptions; answers: number; tc: boolean; limit: number }[] = [
    { why: 'UDP without EDNS: cut at 512 bytes, TC set', packet: query('big.default.svc.cluster.local', RRType.A), opts: UDP, answers: 29, tc: true, limit: 512 },
    { why: 'UDP with EDNS 4096: capped at 1232, all fit', packet: query('big.default.svc.cluster.local', RRType.A, { edns: EDNS }), opts: UDP, answers: 40, tc: false, limit: 1232 },
    { why: 'UDP with EDNS but a 600-byte server cap', packet: query('big.default.svc.cluster.local', RRType.A, { edns: EDNS }), opts: { transport: 'udp', maxUdpSize: 600 }, answers: 33, tc: true, limit: 600 },
    { why: 'TCP: everything', packet: query('big.default.svc.cluster.local', RRType.A), opts: TCP, answers: 40, tc: false, limit: 65535 },
  ];
  for (const t of table) {
    it(t.why, () => {
      const d = handleQuery(t.packet, many, t.opts) as Decision & { action: 'reply' };
      const r = reply(d);
      assert.deepEqual([r.answers.length, r.header.tc, d.truncated], [t.answers, t.tc, t.tc]);
      assert.ok(d.bytes.length <= t.limit, `${d.bytes.length} bytes over ${t.limit}`);
    });
  }
});

describe('dns/server handler: forwarded replies', () => {
  const q = decodeMessage(query('Example.COM', RRType.A, { id: 99 }));
  // The answer owner is compressed to a pointer at the question, so it reads back in the
  // question's spelling: names compare case-insensitively (RFC 4343), hence toLowerCase below.
  it('relays the upstream records and rcode under the client id, AA clear', () => {
    const upstream: DnsMessage = {
      header: { ...emptyHeader(4242), qr: true, ra: true, rcode: Rcode.NoError },
      questions: [{ name: 'example.com', type: RRType.A, class: RRClass.IN }],
      answers: [record('example.com', 300, { kind: 'A', address: '93.184.215.14' })],
      authority: [],
      additional: [],
    };
    const r = reply(replyFromUpstream(q, upstream, UDP));
    assert.deepEqual(
      [r.header.id, r.header.aa, r.header.ra, r.questions[0].name, r.answers.map((x) => fmt(x as never).toLowerCase())],
      [99, false, true, 'Example.COM', ['example.com 300 a 93.184.215.14']],
    );
  });
  it('SERVFAIL keeps the question and id', () => {
    const r = reply(replyServfail(q, UDP));
    assert.deepEqual([r.header.id, RCODE[r.header.rcode], r.questions.length], [99, 'SERVFAIL', 1]);
  });
});
