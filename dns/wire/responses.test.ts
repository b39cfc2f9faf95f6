import { strict as assert } from 'node:assert';
import { BUSYBOX_A_QUERY, DIG_EDNS_COOKIE_QUERY, hex } from './golden-packets';
import { decodeMessage } from './reader';
import { errorResponse, errorResponseForPacket, responseFor } from './responses';
import { Rcode, type Header } from './types';
import { encodeMessage } from './writer';

const flags = (h: Header) => ({ qr: h.qr, aa: h.aa, rd: h.rd, ra: h.ra, tc: h.tc, rcode: h.rcode, opcode: h.opcode });

describe('dns/wire responses', () => {
  it('responseFor copies id, RD and the question; sets QR, AA, RA', () => {
    const q = decodeMessage(BUSYBOX_A_QUERY);
    const r = responseFor(q);
    assert.equal(r.header.id, 0x1234);
    assert.deepEqual(flags(r.header), { qr: true, aa: true, rd: true, ra: true, tc: false, rcode: 0, opcode: 0 });
    assert.deepEqual(r.questions, q.questions);
    assert.notEqual(r.questions[0], q.questions[0]); // a copy the server may not corrupt
    assert.equal(r.edns, undefined);
    assert.deepEqual(decodeMessage(encodeMessage(r)), r);
  });

  it('answers EDNS with EDNS, echoing DO, advertising our size, no client options', () => {
    const q = decodeMessage(DIG_EDNS_COOKIE_QUERY);
    q.edns!.dnssecOk = true;
    const r = responseFor(q, { udpPayloadSize: 1400, authoritative: false, recursionAvailable: false });
    assert.deepEqual(r.edns, { udpPayloadSize: 1400, version: 0, dnssecOk: true, options: [] });
    assert.deepEqual([r.header.aa, r.header.ra, r.header.ad], [false, false, false]);
  });

  it('EDNS version 1 gets BADVERS, encoded through the OPT record', () => {
    const q = decodeMessage(DIG_EDNS_COOKIE_QUERY);
    q.edns!.version = 1;
    const r = responseFor(q);
    assert.equal(r.header.rcode, Rcode.BadVers);
    const back = decodeMessage(encodeMessage(r));
    assert.equal(back.header.rcode, 16);
    assert.equal(back.edns?.version, 0);
  });

  it('an opcode other than QUERY gets NOTIMP', () => {
    const q = decodeMessage(BUSYBOX_A_QUERY);
    q.header.opcode = 5; // UPDATE
    const r = responseFor(q);
    assert.deepEqual([r.header.rcode, r.header.opcode, r.header.aa], [Rcode.NotImp, 5, false]);
  });

  it('a QUERY with zero or two questions gets FORMERR', () => {
    for (const n of [0, 2]) {
      const q = decodeMessage(BUSYBOX_A_QUERY);
      q.questions = Array.from({ length: n }, () => ({ ...q.questions[0] }));
      const r = responseFor(q);
      assert.deepEqual([r.header.rcode, r.header.aa, r.questions.length], [Rcode.FormErr, false, n]);
    }
  });

  it('errorResponse sets the rcode and clears AA', () => {
    const r = errorResponse(decodeMessage(BUSYBOX_A_QUERY), Rcode.ServFail);
    assert.deepEqual(flags(r.header), { qr: true, aa: false, rd: true, ra: true, tc: false, rcode: 2, opcode: 0 });
    assert.equal(r.questions.length, 1);
  });

  const packets: { name: string; packet: Buffer; rcode?: number; want: undefined | { id: number; rcode: number; questions: number; edns: boolean; rd: boolean } }[] = [
    { name: 'fewer than 4 bytes', packet: hex('1234 01'), want: undefined },
    { name: 'a response (QR set)', packet: hex('1234 8100 0001 0000 0000 0000 ff'), want: undefined },
    { name: 'id and flags only', packet: hex('1234 0100'), want: { id: 0x1234, rcode: 1, questions: 0, edns: false, rd: true } },
    { name: 'a question cut short', packet: BUSYBOX_A_QUERY.subarray(0, 20), want: { id: 0x1234, rcode: 1, questions: 0, edns: false, rd: true } },
    { name: 'broken OPT after a good question', packet: DIG_EDNS_COOKIE_QUERY.subarray(0, -4), want: { id: 0xabcd, rcode: 1, questions: 0, edns: false, rd: true } },
    { name: 'a whole query refused', packet: DIG_EDNS_COOKIE_QUERY, rcode: Rcode.Refused, want: { id: 0xabcd, rcode: 5, questions: 1, edns: true, rd: true } },
    { name: 'an extended rcode without OPT becomes SERVFAIL', packet: BUSYBOX_A_QUERY, rcode: Rcode.BadVers, want: { id: 0x1234, rcode: 2, questions: 1, edns: false, rd: true } },
  ];
  for (const c of packets) {
    it(`errorResponseForPacket: ${c.name}`, () => {
      const r = errorResponseForPacket(c.packet, c.rcode);
      if (c.want === undefined) {
        assert.equal(r, undefined);
        return;
      }
      assert.ok(r);
      assert.deepEqual({ id: r.header.id, rcode: r.header.rcode, questions: r.questions.length, edns: r.edns !== undefined, rd: r.header.rd }, c.want);
      assert.equal(r.header.qr, true);
      // Whatever came in, the reply encodes.
      assert.equal(decodeMessage(encodeMessage(r)).header.rcode, c.want.rcode);
    });
  }
});
