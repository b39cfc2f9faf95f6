import { strict as assert } from 'node:assert';
import { DnsEncodeError } from './errors';
import { BUSYBOX_A_QUERY, BUSYBOX_A_RESPONSE, CNAME_CHAIN_RESPONSE, DIG_EDNS_COOKIE_QUERY, NXDOMAIN_SOA_RESPONSE } from './golden-packets';
import { decodeMessage } from './reader';
import { RRClass, RRType, emptyHeader, record, type DnsMessage, type RData, type ResourceRecord } from './types';
import { encodeMessage, encodeResponse, udpSizeLimit } from './writer';

const ZONE = 'cluster.local';

function message(over: Partial<DnsMessage> = {}): DnsMessage {
  return { header: { ...emptyHeader(7), qr: true, aa: true }, questions: [{ name: `web.default.svc.${ZONE}`, type: RRType.A, class: RRClass.IN }], answers: [], authority: [], additional: [], ...over };
}
const aRecords = (n: number, name = `web.default.svc.${ZONE}`): ResourceRecord[] =>
  Array.from({ length: n }, (_, i) => record(name, 5, { kind: 'A', address: `10.244.${i >> 8}.${i & 0xff}` }));

describe('dns/wire writer: golden packets', () => {
  // Decoding then encoding must give the very bytes a real server sent: same compression choices.
  const golden: [string, Buffer][] = [
    ['busybox query', BUSYBOX_A_QUERY],
    ['busybox response', BUSYBOX_A_RESPONSE],
    ['dig EDNS query with COOKIE', DIG_EDNS_COOKIE_QUERY],
    ['CNAME chain compressed into rdata', CNAME_CHAIN_RESPONSE],
    ['NXDOMAIN with compressed SOA', NXDOMAIN_SOA_RESPONSE],
  ];
  for (const [name, packet] of golden) {
    it(`re-encodes the ${name} byte for byte`, () => {
      assert.equal(encodeMessage(decodeMessage(packet)).toString('hex'), packet.toString('hex'));
    });
  }

  it('builds the busybox answer from a plain value', () => {
    const msg: DnsMessage = {
      header: { ...emptyHeader(0x1234), qr: true, aa: true, rd: true, ra: true },
      questions: [{ name: 'kubernetes.default.svc.cluster.local', type: RRType.A, class: RRClass.IN }],
      answers: [record('kubernetes.default.svc.cluster.local', 5, { kind: 'A', address: '10.96.0.1' })],
      authority: [],
      additional: [],
    };
    assert.equal(encodeMessage(msg).toString('hex'), BUSYBOX_A_RESPONSE.toString('hex'));
  });
});

describe('dns/wire writer: round trips', () => {
  const data: [string, RData][] = [
    ['A', { kind: 'A', address: '10.96.0.10' }],
    ['AAAA', { kind: 'AAAA', address: 'fd00:10:96::a' }],
    ['CNAME', { kind: 'CNAME', target: 'example.com' }],
    ['NS', { kind: 'NS', target: `ns.dns.${ZONE}` }],
    ['PTR', { kind: 'PTR', target: `kube-dns.kube-system.svc.${ZONE}` }],
    ['SRV', { kind: 'SRV', priority: 0, weight: 100, port: 53, target: `kube-dns.kube-system.svc.${ZONE}` }],
    ['TXT', { kind: 'TXT', strings: ['1.1.0', '', 'x'.repeat(255)] }],
    ['SOA', { kind: 'SOA', mname: `ns.dns.${ZONE}`, rname: `hostmaster.${ZONE}`, serial: 4294967295, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 }],
  ];
  for (const [kind, d] of data) {
    it(kind, () => {
      const msg = message({ answers: [record(`My-Svc.${ZONE}`, 30, d as Exclude<RData, { kind: 'Unknown' }>)] });
      assert.deepEqual(decodeMessage(encodeMessage(msg)), msg);
    });
  }

  it('unknown types, every header flag, EDNS with options, DO and an extended rcode', () => {
    const msg = message({
      header: { id: 65535, qr: true, opcode: 2, aa: true, tc: true, rd: true, ra: true, ad: true, cd: true, rcode: 0x123 },
      answers: [{ name: 'x', type: 99, class: RRClass.CH, ttl: 2147483647, data: { kind: 'Unknown', rdata: Buffer.from('abc') } }],
      additional: [record('y', 1, { kind: 'A', address: '1.2.3.4' })],
      edns: { udpPayloadSize: 4096, version: 0, dnssecOk: true, flags: 0x0001, options: [{ code: 10, data: Buffer.alloc(24, 7) }, { code: 12, data: Buffer.alloc(0) }] },
    });
    assert.deepEqual(decodeMessage(encodeMessage(msg)), msg);
  });

  it('escaped and binary labels survive', () => {
    const msg = message({ questions: [{ name: 'a\\.b.\\000\\255.c\\\\d', type: RRType.TXT, class: RRClass.IN }] });
    assert.deepEqual(decodeMessage(encodeMessage(msg)), msg);
  });
});

describe('dns/wire writer: compression', () => {
  it('points repeated owners at the question, case-insensitively', () => {
    const msg = message({ questions: [{ name: `WEB.default.svc.${ZONE}`, type: RRType.A, class: RRClass.IN }], answers: aRecords(3) });
    const buf = encodeMessage(msg);
    // 12 header + 31 name + 4 + 3 × (2 pointer + 10 + 4)
    assert.equal(buf.length, 12 + 31 + 4 + 3 * 16);
    // The pointed-to copy's case wins, as with every compressing server.
    assert.deepEqual(decodeMessage(buf).answers.map((r) => r.name), Array(3).fill(`WEB.default.svc.${ZONE}`));
  });

  it('compresses CNAME/PTR/NS/SOA rdata but never the SRV target (RFC 2782)', () => {
    const target = `web-0.web.default.svc.${ZONE}`;
    const srv = encodeMessage(message({ answers: [record(`_http._tcp.web.default.svc.${ZONE}`, 5, { kind: 'SRV', priority: 0, weight: 100, port: 80, target })] }));
    const ptr = encodeMessage(message({ answers: [record(`_http._tcp.web.default.svc.${ZONE}`, 5, { kind: 'PTR', target })] }));
    // Header, question (31-byte name), owner '_http' '_tcp' + pointer, type/class/ttl/rdlength.
    const ownerEnd = 12 + 31 + 4 + (1 + 5) + (1 + 4) + 2 + 10;
    // SRV: 6 fixed bytes, then the target in full although web.default.svc… is in the packet.
    assert.equal(srv.length, ownerEnd + 6 + (1 + 5) + (1 + 3) + (1 + 7) + (1 + 3) + (1 + 7) + (1 + 5) + 1);
    assert.equal(ptr.length, ownerEnd + (1 + 5) + 2); // 'web-0' then a pointer to web.default.svc…
  });

  it('never points past 0x3fff', () => {
    const answers = aRecords(1100, 'n.example');
    const buf = encodeMessage(message({ answers: [...answers, record('big.example', 5, { kind: 'TXT', strings: ['z'] })] }));
    assert.equal(decodeMessage(buf).answers.length, 1101);
  });
});

describe('dns/wire writer: size limits', () => {
  const sizeOf = (m: DnsMessage) => encodeMessage(m).length;

  it('udpSizeLimit: 512 without EDNS, the client size never below 512, capped by the server', () => {
    const edns = (udpPayloadSize: number) => ({ edns: { udpPayloadSize, version: 0, dnssecOk: false, options: [] } });
    assert.equal(udpSizeLimit(undefined), 512);
    assert.equal(udpSizeLimit({}), 512);
    assert.equal(udpSizeLimit(edns(100)), 512);
    assert.equal(udpSizeLimit(edns(1000)), 1000);
    assert.equal(udpSizeLimit(edns(4096)), 1232);
    assert.equal(udpSizeLimit(edns(4096), 4096), 4096);
  });

  it('fits 512 bytes by dropping answers and setting TC', () => {
    const msg = message({ answers: aRecords(40) });
    assert.ok(sizeOf(msg) > 512);
    const { buffer, truncated, dropped } = encodeResponse(msg, 512);
    assert.ok(buffer.length <= 512);
    const back = decodeMessage(buffer);
    assert.equal(truncated, true);
    assert.equal(back.header.tc, true);
    // 47 bytes of header and question, 16 per answer: 29 fit.
    assert.equal(back.answers.length, 29);
    assert.equal(dropped, 11);
    assert.deepEqual(back.answers, msg.answers.slice(0, 29));
  });

  it('a limit below 512 still means 512', () => {
    assert.deepEqual(encodeResponse(message({ answers: aRecords(40) }), 100), encodeResponse(message({ answers: aRecords(40) }), 512));
  });

  it('fits an EDNS size and keeps the OPT record', () => {
    const edns = { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [] };
    const msg = message({ answers: aRecords(100), edns });
    const { buffer, truncated } = encodeResponse(msg, 1000);
    assert.ok(buffer.length <= 1000 && buffer.length > 1000 - 16);
    const back = decodeMessage(buffer);
    assert.equal(truncated, true);
    assert.equal(back.header.tc, true);
    assert.deepEqual(back.edns, edns);
    // 47 + 11 (OPT) + 16 × n ≤ 1000 → 58 answers.
    assert.equal(back.answers.length, 58);
  });

  it('drops additional records without TC, answers and authority intact', () => {
    const soa = record(ZONE, 5, { kind: 'SOA', mname: `ns.dns.${ZONE}`, rname: `hostmaster.${ZONE}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 });
    const msg = message({ answers: aRecords(10), authority: [soa], additional: aRecords(40, `extra.${ZONE}`) });
    const { buffer, truncated, dropped } = encodeResponse(msg, 512);
    const back = decodeMessage(buffer);
    assert.equal(truncated, false);
    assert.equal(back.header.tc, false);
    assert.equal(back.answers.length, 10);
    assert.equal(back.authority.length, 1);
    assert.ok(back.additional.length > 0 && back.additional.length < 40);
    assert.equal(dropped, 40 - back.additional.length);
  });

  it('truncating in the answers drops authority and additional too', () => {
    const msg = message({ answers: aRecords(40), authority: aRecords(1, ZONE), additional: aRecords(1, ZONE) });
    const back = decodeMessage(encodeResponse(msg, 512).buffer);
    assert.deepEqual([back.answers.length, back.authority.length, back.additional.length], [29, 0, 0]);
  });

  it('a message that fits is untouched', () => {
    const msg = message({ answers: aRecords(3) });
    const r = encodeResponse(msg, 512);
    assert.deepEqual([r.truncated, r.dropped], [false, 0]);
    assert.deepEqual(r.buffer, encodeMessage(msg));
  });

  it('encodeMessage refuses more than 65535 bytes, even in additional', () => {
    const big = { kind: 'TXT' as const, strings: Array(250).fill('x'.repeat(255)) };
    assert.throws(() => encodeMessage(message({ additional: [record('a', 1, big), record('b', 1, big)] })), (e: unknown) => e instanceof DnsEncodeError && e.code === 'TOO_LARGE');
  });
});

describe('dns/wire writer: bad values', () => {
  const bad: { name: string; msg: DnsMessage; code: string }[] = [
    { name: 'A with an IPv6 address', msg: message({ answers: [record('a', 1, { kind: 'A', address: 'fd00::1' })] }), code: 'BAD_RDATA' },
    { name: 'AAAA with garbage', msg: message({ answers: [record('a', 1, { kind: 'AAAA', address: 'x' })] }), code: 'BAD_RDATA' },
    { name: 'TXT string over 255', msg: message({ answers: [record('a', 1, { kind: 'TXT', strings: ['x'.repeat(256)] })] }), code: 'BAD_RDATA' },
    { name: 'SRV port 65536', msg: message({ answers: [record('a', 1, { kind: 'SRV', priority: 0, weight: 0, port: 65536, target: 'b' })] }), code: 'BAD_RDATA' },
    { name: 'SOA serial negative', msg: message({ answers: [record('a', 1, { kind: 'SOA', mname: 'a', rname: 'b', serial: -1, refresh: 0, retry: 0, expire: 0, minimum: 0 })] }), code: 'BAD_RDATA' },
    { name: 'type/data mismatch', msg: message({ answers: [{ ...record('a', 1, { kind: 'A', address: '1.2.3.4' }), type: RRType.AAAA }] }), code: 'TYPE_MISMATCH' },
    { name: 'OPT as a record', msg: message({ additional: [{ name: '', type: RRType.OPT, class: 512, ttl: 0, data: { kind: 'Unknown', rdata: Buffer.alloc(0) } }] }), code: 'TYPE_MISMATCH' },
    { name: 'ttl above 2^31-1', msg: message({ answers: [record('a', 2 ** 31, { kind: 'A', address: '1.2.3.4' })] }), code: 'BAD_FIELD' },
    { name: 'id 65536', msg: message({ header: { ...emptyHeader(65536) } }), code: 'BAD_FIELD' },
    { name: 'extended rcode without EDNS', msg: message({ header: { ...emptyHeader(1), rcode: 16 } }), code: 'BAD_FIELD' },
    { name: 'empty label', msg: message({ questions: [{ name: 'a..b', type: 1, class: 1 }] }), code: 'BAD_NAME' },
    { name: 'label of 64 bytes', msg: message({ answers: [record('a', 1, { kind: 'CNAME', target: 'x'.repeat(64) })] }), code: 'BAD_NAME' },
  ];
  for (const c of bad) {
    it(`${c.name} → ${c.code}`, () => {
      assert.throws(() => encodeMessage(c.msg), (e: unknown) => e instanceof DnsEncodeError && e.code === c.code);
    });
  }
});
