import { strict as assert } from 'node:assert';
import { DnsDecodeError } from './errors';
import { decodeMessage } from './reader';
import { RRClass, record, type DnsMessage, type RData, type ResourceRecord } from './types';
import { encodeMessage, encodeResponse } from './writer';

// A small deterministic generator (mulberry32): the same 200 messages on every run.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(rand: () => number): DnsMessage {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: T[]) => xs[int(xs.length)];
  // Lowercase names from a few shared suffixes, so compression is exercised on every message.
  const name = () => [...Array.from({ length: int(3) }, () => pick(['web', 'db-0', '_http', '_tcp', 'x'.repeat(1 + int(63))])), pick(['default.svc.cluster.local', 'kube-system.svc.cluster.local', 'cluster.local', 'example.com', ''])].filter(Boolean).join('.');
  const data = (): Exclude<RData, { kind: 'Unknown' }> =>
    pick<() => Exclude<RData, { kind: 'Unknown' }>>([
      () => ({ kind: 'A', address: `10.${int(256)}.${int(256)}.${int(256)}` }),
      () => ({ kind: 'AAAA', address: `fd00::${(1 + int(65535)).toString(16)}:${int(65536).toString(16)}` }),
      () => ({ kind: 'CNAME', target: name() }),
      () => ({ kind: 'PTR', target: name() }),
      () => ({ kind: 'NS', target: name() }),
      () => ({ kind: 'SRV', priority: int(65536), weight: int(65536), port: int(65536), target: name() }),
      () => ({ kind: 'TXT', strings: Array.from({ length: 1 + int(3) }, () => 'v'.repeat(int(256))) }),
      () => ({ kind: 'SOA', mname: name(), rname: name(), serial: int(2 ** 32), refresh: int(2 ** 31), retry: 1, expire: 2, minimum: 5 }),
    ])();
  const records = (): ResourceRecord[] => Array.from({ length: int(6) }, () => record(name(), int(2 ** 31), data()));
  const msg: DnsMessage = {
    header: { id: int(65536), qr: rand() < 0.5, opcode: 0, aa: rand() < 0.5, tc: false, rd: rand() < 0.5, ra: rand() < 0.5, ad: false, cd: rand() < 0.5, rcode: int(6) },
    questions: [{ name: name(), type: 1 + int(40), class: RRClass.IN }],
    answers: records(),
    authority: records(),
    additional: records(),
  };
  if (rand() < 0.5) msg.edns = { udpPayloadSize: 512 + int(4096), version: 0, dnssecOk: rand() < 0.5, options: rand() < 0.5 ? [{ code: 10, data: Buffer.alloc(8, int(256)) }] : [] };
  return msg;
}

describe('dns/wire round trips of generated messages', () => {
  it('decode(encode(m)) equals m, and every UDP truncation still decodes', () => {
    const rand = rng(11);
    for (let i = 0; i < 200; i++) {
      const msg = generate(rand);
      const bytes = encodeMessage(msg);
      assert.deepEqual(decodeMessage(bytes), msg, `message ${i}`);
      const { buffer, truncated } = encodeResponse(msg, 512);
      assert.ok(buffer.length <= 512, `message ${i} fits 512`);
      const small = decodeMessage(buffer);
      assert.equal(small.header.tc, truncated);
      assert.deepEqual(small.answers, msg.answers.slice(0, small.answers.length));
      // Cutting the encoded message anywhere gives a typed error, never anything else.
      const cut = int(bytes.length);
      assert.throws(() => decodeMessage(bytes.subarray(0, cut)), (e: unknown) => e instanceof DnsDecodeError);
    }
    function int(n: number) {
      return Math.floor(rand() * n);
    }
  });
});
