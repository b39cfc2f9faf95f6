// The protobuf wire form of the one etcd request the write path sends on every create and update:
// a Txn of one compare and one put (etcdserverpb.TxnRequest), and the two fields of its answer the
// store reads (header.revision, succeeded). Encoded by hand because the generic path (the etcd3
// library's builder, protobufjs fromObject/encode and back through toObject with Long revisions)
// cost more CPU per create than the registry's own work. Field numbers are etcd's rpc.proto.

/** Compare.CompareTarget: what of the key is compared. */
export const enum CompareTarget {
  Version = 0,
  Create = 1,
  Mod = 2,
}

/** Compare.CompareResult. */
export const enum CompareResult {
  Equal = 0,
  Greater = 1,
}

export interface PutTxn {
  key: Buffer;
  value: Buffer;
  /** The condition on key: target compared with `against` (a revision) by `result`. */
  target: CompareTarget;
  result: CompareResult;
  against: bigint;
  /** Lease id to attach (0n or undefined: none). */
  lease?: bigint;
}

export interface TxnAnswer {
  succeeded: boolean;
  /** header.revision: the revision the put was written at (or etcd's current one on failure). */
  revision: string;
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Bytes of v as a protobuf varint; negative int64 values take ten bytes (two's complement). */
export function varint(v: bigint | number): Buffer {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return Buffer.from(out);
}

const tag = (field: number, wire: number) => varint((field << 3) | wire);

function lenField(field: number, body: Buffer): Buffer[] {
  return [tag(field, WIRE_LEN), varint(body.length), body];
}

function varintField(field: number, v: bigint | number): Buffer[] {
  return [tag(field, WIRE_VARINT), varint(v)];
}

/** TxnRequest{compare: [Compare], success: [RequestOp{request_put: PutRequest}]}. */
export function encodePutTxn(t: PutTxn): Buffer {
  // The union member matching the target; set even when 0, as oneof members are.
  const unionField = t.target === CompareTarget.Create ? 5 : t.target === CompareTarget.Mod ? 6 : 4;
  const compare = Buffer.concat([
    ...(t.result ? varintField(1, t.result) : []),
    ...(t.target ? varintField(2, t.target) : []),
    ...lenField(3, t.key),
    ...varintField(unionField, t.against),
  ]);
  const put = Buffer.concat([...lenField(1, t.key), ...lenField(2, t.value), ...(t.lease ? varintField(3, t.lease) : [])]);
  const op = Buffer.concat(lenField(2, put));
  return Buffer.concat([...lenField(1, compare), ...lenField(2, op)]);
}

/** Reads protobuf fields one at a time; unknown fields are skipped by their wire type. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('etcd answer truncated in a varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('etcd answer has a varint longer than 64 bits');
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('etcd answer truncated in a field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_LEN) this.bytes();
    else if (wire === WIRE_I64) this.pos += 8;
    else if (wire === WIRE_I32) this.pos += 4;
    else throw new Error(`etcd answer has an unknown wire type ${wire}`);
  }
}

/** header.revision and succeeded of a TxnResponse; the responses are not needed by the store. */
export function decodeTxnAnswer(buf: Buffer): TxnAnswer {
  const r = new Reader(buf);
  let succeeded = false;
  let revision = 0n;
  while (!r.done) {
    const t = Number(r.varint());
    const field = t >>> 3;
    const wire = t & 7;
    if (field === 1 && wire === WIRE_LEN) {
      const h = new Reader(r.bytes());
      while (!h.done) {
        const ht = Number(h.varint());
        if (ht >>> 3 === 3 && (ht & 7) === WIRE_VARINT) revision = BigInt.asIntN(64, h.varint());
        else h.skip(ht & 7);
      }
    } else if (field === 2 && wire === WIRE_VARINT) {
      succeeded = r.varint() !== 0n;
    } else {
      r.skip(wire);
    }
  }
  return { succeeded, revision: revision.toString() };
}
