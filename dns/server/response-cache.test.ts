// The response cache as plain values with a hand-moved clock: what is stored for how long, what a
// hit looks like (id, decremented TTLs), what is never stored, and LRU eviction.
import assert from 'node:assert/strict';
import { emptyHeader, Rcode, RRClass, RRType, record, type DnsMessage, type ResourceRecord } from '../wire';
import { cacheKey, cacheTtl, ResponseCache } from './response-cache';

function query(name: string, type: number = RRType.A, opts: { id?: number; dnssecOk?: boolean; cd?: boolean } = {}): DnsMessage {
  const msg: DnsMessage = {
    header: { ...emptyHeader(opts.id ?? 1), rd: true, cd: opts.cd ?? false },
    questions: [{ name, type, class: RRClass.IN }],
    answers: [],
    authority: [],
    additional: [],
  };
  if (opts.dnssecOk !== undefined) msg.edns = { udpPayloadSize: 1232, version: 0, dnssecOk: opts.dnssecOk, options: [] };
  return msg;
}

function soa(ttl: number, minimum: number): ResourceRecord {
  return record('example.com', ttl, { kind: 'SOA', mname: 'ns.example.com', rname: 'h.example.com', serial: 1, refresh: 7200, retry: 900, expire: 86400, minimum });
}

function reply(q: DnsMessage, over: { rcode?: number; tc?: boolean; answers?: ResourceRecord[]; authority?: ResourceRecord[]; additional?: ResourceRecord[] } = {}): DnsMessage {
  return {
    header: { ...q.header, id: 4242, qr: true, ra: true, tc: over.tc ?? false, rcode: over.rcode ?? Rcode.NoError },
    questions: q.questions,
    answers: over.answers ?? [],
    authority: over.authority ?? [],
    additional: over.additional ?? [],
  };
}

const a = (name: string, ttl: number, address = '192.0.2.1') => record(name, ttl, { kind: 'A', address });

describe('dns response cache: how long a reply may be cached', () => {
  const q = query('www.example.com');
  const rows: { why: string; r: DnsMessage; ttl: number }[] = [
    { why: 'positive: the smallest answer TTL', r: reply(q, { answers: [a('www.example.com', 300), a('www.example.com', 60, '192.0.2.2')] }), ttl: 60 },
    { why: 'positive: capped at one hour', r: reply(q, { answers: [a('www.example.com', 86400)] }), ttl: 3600 },
    { why: 'positive with TTL 0: not cached', r: reply(q, { answers: [a('www.example.com', 0)] }), ttl: 0 },
    { why: 'NXDOMAIN: the SOA minimum when below the SOA TTL', r: reply(q, { rcode: Rcode.NXDomain, authority: [soa(3600, 300)] }), ttl: 300 },
    { why: 'NXDOMAIN: the SOA TTL when below its minimum (RFC 2308 §5)', r: reply(q, { rcode: Rcode.NXDomain, authority: [soa(120, 900)] }), ttl: 120 },
    { why: 'NODATA: the SOA minimum', r: reply(q, { authority: [soa(3600, 600)] }), ttl: 600 },
    { why: 'negative: capped at 30 minutes', r: reply(q, { rcode: Rcode.NXDomain, authority: [soa(86400, 86400)] }), ttl: 1800 },
    { why: 'negative without an SOA: not cached', r: reply(q, { rcode: Rcode.NXDomain }), ttl: 0 },
    { why: 'SERVFAIL: 5 seconds', r: reply(q, { rcode: Rcode.ServFail }), ttl: 5 },
    { why: 'REFUSED: not cached', r: reply(q, { rcode: Rcode.Refused }), ttl: 0 },
    { why: 'truncated: not cached', r: reply(q, { tc: true, answers: [a('www.example.com', 300)] }), ttl: 0 },
  ];
  for (const row of rows) it(row.why, () => assert.equal(cacheTtl(row.r), row.ttl));

  it('SERVFAIL not cached with servfailTtl 0', () => assert.equal(cacheTtl(reply(q, { rcode: Rcode.ServFail }), { servfailTtl: 0 }), 0));
});

describe('dns response cache: key', () => {
  it('is case-insensitive and ignores a trailing dot', () => {
    assert.equal(cacheKey(query('WWW.Example.COM')), cacheKey(query('www.example.com.')));
  });
  it('separates type, DO and CD', () => {
    const keys = [query('x.org'), query('x.org', RRType.AAAA), query('x.org', RRType.A, { dnssecOk: true }), query('x.org', RRType.A, { cd: true })].map(cacheKey);
    assert.equal(new Set(keys).size, 4);
    assert.equal(cacheKey(query('x.org', RRType.A, { dnssecOk: false })), cacheKey(query('x.org')), 'EDNS without DO is the same question');
  });
});

describe('dns response cache: store and serve', () => {
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('a hit carries the query id and TTLs lowered by the time spent, then expires', () => {
    const c = new ResponseCache({ maxEntries: 10, now: clock });
    const q = query('www.example.com', RRType.A, { id: 1 });
    assert.equal(c.get(q), undefined);
    assert.ok(c.put(q, reply(q, { answers: [a('www.example.com', 60)], additional: [a('ns.example.com', 10)] })));
    assert.equal(c.size, 1);

    now += 25_400;
    const hit = c.get(query('www.example.com', RRType.A, { id: 777 }));
    assert.ok(hit);
    assert.equal(hit.header.id, 777);
    assert.deepEqual(hit.answers.map((r) => r.ttl), [35]);
    assert.deepEqual(hit.additional.map((r) => r.ttl), [0], 'a shorter additional TTL stops at zero');

    now = 1_000_000 + 59_999;
    assert.deepEqual(c.get(q)?.answers.map((r) => r.ttl), [1]);
    now = 1_000_000 + 60_000;
    assert.equal(c.get(q), undefined, 'expired at the TTL');
    assert.equal(c.size, 0, 'the expired entry is dropped');
  });

  it('the stored reply is not changed by serving it', () => {
    const c = new ResponseCache({ maxEntries: 10, now: clock });
    const q = query('www.example.com');
    const r = reply(q, { answers: [a('www.example.com', 60)] });
    c.put(q, r);
    now += 10_000;
    c.get(q)!.answers[0].ttl = 999;
    assert.deepEqual([r.header.id, r.answers[0].ttl], [4242, 60]);
    assert.deepEqual(c.get(q)?.answers.map((x) => x.ttl), [50]);
  });

  it('serves another spelling of the name (case-insensitive)', () => {
    const c = new ResponseCache({ maxEntries: 10, now: clock });
    const q = query('www.example.com');
    c.put(q, reply(q, { answers: [a('www.example.com', 60)] }));
    assert.ok(c.get(query('WwW.ExAmPlE.cOm')));
    assert.equal(c.get(query('www.example.com', RRType.A, { dnssecOk: true })), undefined, 'a DO query is another entry');
  });

  it('negative answers live for the SOA minimum, SOA TTL decremented', () => {
    const c = new ResponseCache({ maxEntries: 10, now: clock });
    const q = query('nope.example.com');
    assert.ok(c.put(q, reply(q, { rcode: Rcode.NXDomain, authority: [soa(3600, 30)] })));
    now += 29_000;
    const hit = c.get(q);
    assert.deepEqual([hit?.header.rcode, hit?.authority.map((r) => r.ttl)], [Rcode.NXDomain, [3571]]);
    now += 1_000;
    assert.equal(c.get(q), undefined);
  });

  it('SERVFAIL lives 5 seconds', () => {
    const c = new ResponseCache({ maxEntries: 10, now: clock });
    const q = query('broken.example.com');
    assert.ok(c.put(q, reply(q, { rcode: Rcode.ServFail })));
    now += 4_999;
    assert.equal(c.get(q)?.header.rcode, Rcode.ServFail);
    now += 1;
    assert.equal(c.get(q), undefined);
  });

  it('never stores a truncated reply, nor an uncacheable one', () => {
    const c = new ResponseCache({ maxEntries: 10, now: clock });
    const q = query('big.example.com', RRType.TXT);
    assert.equal(c.put(q, reply(q, { tc: true, answers: [record('big.example.com', 300, { kind: 'TXT', strings: ['x'] })] })), false);
    assert.equal(c.put(q, reply(q, { rcode: Rcode.NXDomain })), false);
    assert.equal(c.size, 0);
    assert.equal(c.get(q), undefined);
  });

  it('evicts the least recently used entry when full', () => {
    const c = new ResponseCache({ maxEntries: 2, now: clock });
    const [q1, q2, q3] = ['one.example', 'two.example', 'three.example'].map((n) => query(n));
    for (const q of [q1, q2]) c.put(q, reply(q, { answers: [a(q.questions[0].name, 60)] }));
    assert.ok(c.get(q1), 'one is now the most recently used');
    c.put(q3, reply(q3, { answers: [a('three.example', 60)] }));
    assert.equal(c.size, 2);
    assert.deepEqual([!!c.get(q1), !!c.get(q2), !!c.get(q3)], [true, false, true]);
  });

  it('replacing an entry restarts its lifetime', () => {
    const c = new ResponseCache({ maxEntries: 2, now: clock });
    const q = query('www.example.com');
    c.put(q, reply(q, { answers: [a('www.example.com', 10, '192.0.2.1')] }));
    now += 8_000;
    c.put(q, reply(q, { answers: [a('www.example.com', 10, '192.0.2.9')] }));
    now += 8_000;
    const hit = c.get(q);
    assert.deepEqual(hit?.answers.map((r) => [r.ttl, r.data.kind === 'A' && r.data.address]), [[2, '192.0.2.9']]);
    assert.equal(c.size, 1);
  });

  it('rejects a size that is not positive', () => {
    assert.throws(() => new ResponseCache({ maxEntries: 0 }), RangeError);
  });
});
