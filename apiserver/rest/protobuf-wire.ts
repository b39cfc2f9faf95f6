// The protobuf wire format, read-only: splits a message into (field number, wire type, value)
// records. Schema-free, so the decoder in protobuf-decode.ts decides what each field means.

export class ProtobufDecodeError extends Error {
  readonly code = 'PROTOBUF_DECODE';
}

export interface WireField {
  field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wireType: number;
  /** Varints as bigint (int64 fields must not lose precision); bytes for length-delimited. */
  varint?: bigint;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufDecodeError('truncated varint');
    const b = buf[pos++];
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value, next: pos };
    shift += 7n;
  }
  throw new ProtobufDecodeError('varint longer than 10 bytes');
}

export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const key = readVarint(buf, pos);
    pos = key.next;
    const field = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    if (field <= 0) throw new ProtobufDecodeError(`invalid field number ${field}`);
    switch (wireType) {
      case 0: {
        const v = readVarint(buf, pos);
        pos = v.next;
        out.push({ field, wireType, varint: v.value });
        break;
      }
      case 1:
        if (pos + 8 > buf.length) throw new ProtobufDecodeError('truncated fixed64');
        out.push({ field, wireType, bytes: buf.subarray(pos, pos + 8) });
        pos += 8;
        break;
      case 2: {
        const len = readVarint(buf, pos);
        pos = len.next;
        const n = Number(len.value);
        if (pos + n > buf.length) throw new ProtobufDecodeError(`truncated field ${field}: ${n} bytes declared`);
        out.push({ field, wireType, bytes: buf.subarray(pos, pos + n) });
        pos += n;
        break;
      }
      case 5:
        if (pos + 4 > buf.length) throw new ProtobufDecodeError('truncated fixed32');
        out.push({ field, wireType, bytes: buf.subarray(pos, pos + 4) });
        pos += 4;
        break;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType} for field ${field}`);
    }
  }
  return out;
}

/** Interprets a varint as a signed 64-bit two's complement number. */
export function signed(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

// --- writing, for tests and tools that need to produce Kubernetes protobuf bodies ---

export function varint(v: bigint | number): Buffer {
  let x = BigInt.asUintN(64, BigInt(v));
  const bytes: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) b |= 0x80;
    bytes.push(b);
  } while (x !== 0n);
  return Buffer.from(bytes);
}

export function lenField(field: number, payload: Buffer | string): Buffer {
  const b = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([varint((field << 3) | 2), varint(b.length), b]);
}

export function varintField(field: number, v: bigint | number | boolean): Buffer {
  return Buffer.concat([varint(field << 3), varint(typeof v === 'boolean' ? (v ? 1 : 0) : v)]);
}
