import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { CompareResult, CompareTarget, decodeTxnAnswer, encodePutTxn, varint, type PutTxn } from './etcd-wire';

// etcd's own rpc.proto (shipped with the etcd3 library) judges the hand-written encoding: what we
// encode must decode there to the request we meant, and answers encoded there must read back.
const protoFile = path.join(path.dirname(require.resolve('etcd3/package.json')), 'proto', 'rpc.proto');
const pkg = loadSync(protoFile, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const txn = (pkg['etcdserverpb.KV'] as unknown as Record<string, MethodDefinition<object, object>>).Txn;

interface DecodedCompare {
  result: string;
  target: string;
  key: Buffer;
  target_union: string;
  version: string;
  create_revision: string;
  mod_revision: string;
}
interface DecodedTxn {
  compare: DecodedCompare[];
  success: { request: string; request_put: { key: Buffer; value: Buffer; lease: string } }[];
  failure: unknown[];
}

describe('etcd wire: put transactions', () => {
  const cases: { name: string; t: PutTxn; result: string; target: string; union: string; against: string; lease: string }[] = [
    {
      name: 'create if absent (create_revision == 0)',
      t: { key: Buffer.from('/registry/core/configmaps/default/a'), value: Buffer.from('{"a":1}'), target: CompareTarget.Create, result: CompareResult.Equal, against: 0n },
      result: 'Equal', target: 'Create', union: 'create_revision', against: '0', lease: '0',
    },
    {
      name: 'compare-and-swap on the mod revision',
      t: { key: Buffer.from('/registry/core/pods/ns/p'), value: Buffer.from('x'.repeat(300)), target: CompareTarget.Mod, result: CompareResult.Equal, against: 1234567n },
      result: 'Equal', target: 'Mod', union: 'mod_revision', against: '1234567', lease: '0',
    },
    {
      name: 'update of an existing key (create_revision > 0)',
      t: { key: Buffer.from('k'), value: Buffer.from(''), target: CompareTarget.Create, result: CompareResult.Greater, against: 0n },
      result: 'Greater', target: 'Create', union: 'create_revision', against: '0', lease: '0',
    },
    {
      name: 'with a lease id beyond 2^53',
      t: { key: Buffer.from('/registry/core/events/ns/e'), value: Buffer.from('{}'), target: CompareTarget.Create, result: CompareResult.Equal, against: 0n, lease: 7587881516493043215n },
      result: 'Equal', target: 'Create', union: 'create_revision', against: '0', lease: '7587881516493043215',
    },
    {
      name: 'a value larger than one varint byte of length (multi-byte lengths)',
      t: { key: Buffer.from('big'), value: Buffer.alloc(70_000, 0x61), target: CompareTarget.Mod, result: CompareResult.Equal, against: 2n ** 40n },
      result: 'Equal', target: 'Mod', union: 'mod_revision', against: String(2n ** 40n), lease: '0',
    },
  ];
  for (const c of cases) {
    it(`encodes ${c.name} as etcd reads it`, () => {
      const got = txn.requestDeserialize(encodePutTxn(c.t)) as DecodedTxn;
      assert.equal(got.compare.length, 1);
      const cmp = got.compare[0];
      assert.deepEqual(
        { result: cmp.result, target: cmp.target, key: cmp.key.toString(), union: cmp.target_union, against: (cmp as unknown as Record<string, string>)[c.union] },
        { result: c.result, target: c.target, key: c.t.key.toString(), union: c.union, against: c.against },
      );
      assert.equal(got.success.length, 1);
      assert.equal(got.success[0].request, 'request_put');
      const put = got.success[0].request_put;
      assert.equal(put.key.toString(), c.t.key.toString());
      assert.ok(put.value.equals(c.t.value), 'the value round-trips byte for byte');
      assert.equal(put.lease, c.lease);
      assert.deepEqual(got.failure, []);
    });
  }

  const varints: [bigint, string][] = [
    [0n, '00'],
    [1n, '01'],
    [127n, '7f'],
    [128n, '8001'],
    [300n, 'ac02'],
    [-1n, 'ffffffffffffffffff01'], // int64 -1: ten bytes, as protobuf writes negative int64s
  ];
  for (const [v, hex] of varints) it(`writes varint ${v} as ${hex}`, () => assert.equal(varint(v).toString('hex'), hex));
});

describe('etcd wire: transaction answers', () => {
  const answers: { name: string; answer: object; want: { succeeded: boolean; revision: string } }[] = [
    {
      name: 'a successful put with its put response',
      answer: { header: { cluster_id: '14841639068965178418', member_id: '10276657743932975437', revision: '42', raft_term: '3' }, succeeded: true, responses: [{ response_put: { header: { revision: '42' } } }] },
      want: { succeeded: true, revision: '42' },
    },
    {
      name: 'a failed compare (succeeded false is left out on the wire)',
      answer: { header: { revision: '9007199254740993' }, succeeded: false, responses: [] },
      want: { succeeded: false, revision: '9007199254740993' },
    },
    {
      name: 'an answer without a header',
      answer: { succeeded: true },
      want: { succeeded: true, revision: '0' },
    },
  ];
  for (const a of answers) {
    it(`reads ${a.name}`, () => assert.deepEqual(decodeTxnAnswer(txn.responseSerialize(a.answer)), a.want));
  }

  it('refuses a truncated answer instead of reading garbage', () => {
    const full = txn.responseSerialize({ header: { revision: '300' }, succeeded: true });
    assert.throws(() => decodeTxnAnswer(full.subarray(0, 3)), /truncated/);
  });
});
