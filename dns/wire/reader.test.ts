import { strict as assert } from 'node:assert';
import { DnsDecodeError } from './errors';
import { BUSYBOX_A_QUERY, BUSYBOX_A_RESPONSE, CNAME_CHAIN_RESPONSE, DIG_EDNS_COOKIE_QUERY, NXDOMAIN_SOA_RESPONSE, hex } from './golden-packets';
import { decodeMessage, peekId } from './reader';
import { RRType, type DnsMessage } from './types';

const isCode = (code: string) => (e: unknown) => e instanceof DnsDecodeError && e.code === code;
const HDR_1Q = '0001 0000 0001 0000 0000 0000'; // id 1, query, 1 question

describe('dns/wire reader: golden packets', () => {
  it('busybox nslookup A query', () => {
    const m = decodeMessage(BUSYBOX_A_QUERY);
    assert.deepEqual(m.header, { id: 0x1234, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 });
    assert.deepEqual(m.questions, [{ name: 'kubernetes.default.svc.cluster.local', type: 1, class: 1 }]);
    assert.deepEqual([m.answers, m.authority, m.additional, m.edns], [[], [], [], undefined]);
  });

  it('its compressed answer', () => {
    const m = decodeMessage(BUSYBOX_A_RESPONSE);
    assert.equal(m.header.qr && m.header.aa && m.header.rd && m.header.ra, true);
    assert.deepEqual(m.answers, [{ name: 'kubernetes.default.svc.cluster.local', type: 1, class: 1, ttl: 5, data: { kind: 'A', address: '10.96.0.1' } }]);
  });

  it('dig query with EDNS0 and a COOKIE option', () => {
    const m = decodeMessage(DIG_EDNS_COOKIE_QUERY);
    assert.equal(m.header.ad, true);
    assert.equal(m.header.rd, true);
    assert.deepEqual(m.additional, []);
    assert.deepEqual(m.edns, { udpPayloadSize: 1232, version: 0, dnssecOk: false, options: [{ code: 10, data: Buffer.from('0102030405060708', 'hex') }] });
  });

  it('CNAME chain with pointers into rdata', () => {
    const m = decodeMessage(CNAME_CHAIN_RESPONSE);
    assert.deepEqual(
      m.answers.map((r) => [r.name, r.type, r.data]),
      [
        ['www.example.com', RRType.CNAME, { kind: 'CNAME', target: 'web.example.com' }],
        ['web.example.com', RRType.A, { kind: 'A', address: '93.184.216.34' }],
      ],
    );
  });

  it('NXDOMAIN with a compressed SOA', () => {
    const m = decodeMessage(NXDOMAIN_SOA_RESPONSE);
    assert.equal(m.header.rcode, 3);
    assert.deepEqual(m.authority[0].data, {
      kind: 'SOA', mname: 'ns.dns.cluster.local', rname: 'hostmaster.dns.cluster.local',
      serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5,
    });
  });

  it('keeps the case of names as sent', () => {
    const m = decodeMessage(hex(`${HDR_1Q} 02 4b38 03 537663 00 0001 0001`));
    assert.equal(m.questions[0].name, 'K8.Svc');
  });

  it('folds the extended rcode from OPT into header.rcode', () => {
    const m = decodeMessage(hex('0001 8000 0000 0000 0000 0001  00 0029 1000 01 00 8000 0000'));
    assert.equal(m.header.rcode, 16); // BADVERS: upper bits 1, header bits 0
    assert.equal(m.edns?.dnssecOk, true);
    assert.equal(m.edns?.udpPayloadSize, 4096);
  });

  it('keeps unknown types raw and treats a TTL with the top bit set as 0 (RFC 2181 §8)', () => {
    const m = decodeMessage(hex('0001 8000 0000 0001 0000 0000  00 00ff 0001 80000000 0003 010203'));
    assert.deepEqual(m.answers, [{ name: '', type: 255, class: 1, ttl: 0, data: { kind: 'Unknown', rdata: Buffer.from([1, 2, 3]) } }]);
  });

  it('reads AAAA, PTR, SRV, TXT and NS data', () => {
    const rr = (type: string, rdata: string) => {
      const len = hex(rdata).length.toString(16).padStart(4, '0');
      return decodeMessage(hex(`0001 8000 0000 0001 0000 0000  00 ${type} 0001 00000005 ${len} ${rdata}`)).answers[0].data;
    };
    assert.deepEqual(rr('001c', 'fd00 0000 0000 0000 0000 0000 0000 000a'), { kind: 'AAAA', address: 'fd00::a' });
    assert.deepEqual(rr('000c', '01 61 00'), { kind: 'PTR', target: 'a' });
    assert.deepEqual(rr('0002', '01 61 00'), { kind: 'NS', target: 'a' });
    assert.deepEqual(rr('0021', '0000 000a 0050 01 61 00'), { kind: 'SRV', priority: 0, weight: 10, port: 80, target: 'a' });
    assert.deepEqual(rr('0010', '05 312e312e30 00'), { kind: 'TXT', strings: ['1.1.0', ''] });
  });

  it('peekId needs two bytes', () => {
    assert.equal(peekId(Buffer.from([0x12])), undefined);
    assert.equal(peekId(Buffer.from([0x12, 0x34])), 0x1234);
  });
});

describe('dns/wire reader: malformed packets', () => {
  const cases: { name: string; packet: string; code: string; allowTrailing?: boolean }[] = [
    { name: 'empty', packet: '', code: 'TRUNCATED' },
    { name: 'short header', packet: '0001 0000 0001', code: 'TRUNCATED' },
    { name: 'question announced, absent', packet: HDR_1Q, code: 'TRUNCATED' },
    { name: 'label longer than the packet', packet: `${HDR_1Q} 05 6162`, code: 'TRUNCATED' },
    { name: 'name without its root label', packet: `${HDR_1Q} 01 61`, code: 'TRUNCATED' },
    { name: 'question without type and class', packet: `${HDR_1Q} 00 0001`, code: 'TRUNCATED' },
    { name: 'pointer to itself', packet: `${HDR_1Q} c00c 0001 0001`, code: 'BAD_POINTER' },
    { name: 'forward pointer', packet: `${HDR_1Q} c010 0001 0001 00`, code: 'BAD_POINTER' },
    { name: 'loop through two pointers', packet: `${HDR_1Q} 01 61 c00c 0001 0001`, code: 'BAD_POINTER' },
    { name: 'pointer cut in half', packet: `${HDR_1Q} c0`, code: 'TRUNCATED' },
    { name: 'label type 01 (extended)', packet: `${HDR_1Q} 41 00 0001 0001`, code: 'BAD_LABEL_TYPE' },
    { name: 'label type 10', packet: `${HDR_1Q} 80 00 0001 0001`, code: 'BAD_LABEL_TYPE' },
    { name: 'name over 255 bytes', packet: `${HDR_1Q} ${('3f' + '61'.repeat(63)).repeat(4)} 00 0001 0001`, code: 'NAME_TOO_LONG' },
    { name: 'trailing bytes', packet: `${HDR_1Q} 00 0001 0001 ff`, code: 'TRAILING_BYTES' },
    { name: 'A rdata of 3 bytes', packet: '0001 8000 0000 0001 0000 0000 00 0001 0001 00000005 0003 010203', code: 'BAD_RDATA' },
    { name: 'AAAA rdata of 4 bytes', packet: '0001 8000 0000 0001 0000 0000 00 001c 0001 00000005 0004 01020304', code: 'BAD_RDATA' },
    { name: 'rdlength past the end', packet: '0001 8000 0000 0001 0000 0000 00 0001 0001 00000005 0008 01020304', code: 'TRUNCATED' },
    { name: 'CNAME name running past its rdata', packet: '0001 8000 0000 0001 0000 0000 00 0005 0001 00000005 0002 01 61 00', code: 'BAD_RDATA' },
    { name: 'CNAME rdata longer than its name', packet: '0001 8000 0000 0001 0000 0000 00 0005 0001 00000005 0002 00 00', code: 'BAD_RDATA' },
    { name: 'SRV without a target', packet: '0001 8000 0000 0001 0000 0000 00 0021 0001 00000005 0006 000000000050', code: 'BAD_RDATA' },
    { name: 'SOA missing counters', packet: '0001 8000 0000 0001 0000 0000 00 0006 0001 00000005 0006 00 00 00000001', code: 'BAD_RDATA' },
    { name: 'TXT string past its rdata', packet: '0001 8000 0000 0001 0000 0000 00 0010 0001 00000005 0002 05 61', code: 'BAD_RDATA' },
    { name: 'two OPT records', packet: '0001 0000 0000 0000 0000 0002 00 0029 0200 00000000 0000 00 0029 0200 00000000 0000', code: 'BAD_OPT' },
    { name: 'OPT in the answer section', packet: '0001 0000 0000 0001 0000 0000 00 0029 0200 00000000 0000', code: 'BAD_OPT' },
    { name: 'OPT not on the root', packet: '0001 0000 0000 0000 0000 0001 01 61 00 0029 0200 00000000 0000', code: 'BAD_OPT' },
    { name: 'EDNS option overrunning OPT', packet: '0001 0000 0000 0000 0000 0001 00 0029 0200 00000000 0006 000a 0008 0102', code: 'BAD_OPT' },
    { name: 'EDNS option header cut', packet: '0001 0000 0000 0000 0000 0001 00 0029 0200 00000000 0002 000a', code: 'BAD_OPT' },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, () => {
      assert.throws(() => decodeMessage(hex(c.packet)), isCode(c.code));
    });
  }

  it('trailing bytes pass with allowTrailing', () => {
    const m = decodeMessage(hex(`${HDR_1Q} 00 0001 0001 ffff`), { allowTrailing: true });
    assert.deepEqual(m.questions, [{ name: '', type: 1, class: 1 }]);
  });

  it('names how far it got', () => {
    assert.throws(() => decodeMessage(hex(`${HDR_1Q} c00c 0001 0001`)), (e: unknown) => e instanceof DnsDecodeError && e.offset === 12 && /BAD_POINTER at byte 12/.test(e.message));
  });

  const golden: [string, Buffer][] = [
    ['busybox query', BUSYBOX_A_QUERY],
    ['busybox response', BUSYBOX_A_RESPONSE],
    ['dig EDNS query', DIG_EDNS_COOKIE_QUERY],
    ['CNAME chain', CNAME_CHAIN_RESPONSE],
    ['NXDOMAIN SOA', NXDOMAIN_SOA_RESPONSE],
  ];
  for (const [name, packet] of golden) {
    it(`every truncation of the ${name} is a typed error`, () => {
      for (let n = 0; n < packet.length; n++) {
        assert.throws(() => decodeMessage(packet.subarray(0, n)), (e: unknown) => e instanceof DnsDecodeError, `prefix of ${n} bytes`);
      }
    });

    it(`every single-byte corruption of the ${name} decodes or is a typed error`, () => {
      // Deterministic: each offset set to a few values that hit length, pointer and type bits.
      let decoded = 0;
      for (let i = 0; i < packet.length; i++) {
        for (const v of [0x00, 0x01, 0x3f, 0x40, 0x80, 0xc0, 0xc0 | (i & 0x3f), 0xff]) {
          const bad = Buffer.from(packet);
          bad[i] = v;
          let m: DnsMessage | undefined;
          try {
            m = decodeMessage(bad);
          } catch (e) {
            assert.ok(e instanceof DnsDecodeError, `offset ${i} value ${v}: ${String(e)}`);
          }
          if (m) decoded++;
        }
      }
      assert.ok(decoded > 0, 'some corruptions (ids, ttls) are still valid packets');
    });
  }
});
