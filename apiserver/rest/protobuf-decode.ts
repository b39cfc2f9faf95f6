// Decodes a Kubernetes protobuf request body (application/vnd.kubernetes.protobuf) into the
// Kubernetes JSON object it stands for. The body is the 4-byte magic "k8s\0" followed by a
// runtime.Unknown whose typeMeta names the kind and whose raw bytes are that kind's message.
// Go's marshaller writes every non-pointer field, so zero values are dropped unless the field is
// a pointer (where zero means something), which gives the same object as the JSON encoding.
import { MESSAGES, OPAQUE, TOP_LEVEL, type FieldSpec, type MessageTable } from './protobuf-messages';
import { ProtobufDecodeError, readFields, signed, type WireField } from './protobuf-wire';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const MAX_DEPTH = 32;

type Json = string | number | boolean | Json[] | { [k: string]: Json };

function str(f: WireField, where: string): string {
  if (f.wireType !== 2 || !f.bytes) throw new ProtobufDecodeError(`${where}: expected a length-delimited string`);
  return f.bytes.toString('utf8');
}

function num(f: WireField, where: string, bits: 32 | 64): number {
  if (f.wireType !== 0 || f.varint === undefined) throw new ProtobufDecodeError(`${where}: expected a varint`);
  return bits === 32 ? Number(BigInt.asIntN(32, f.varint)) : signed(f.varint);
}

function sub(f: WireField, where: string): Buffer {
  if (f.wireType !== 2 || !f.bytes) throw new ProtobufDecodeError(`${where}: expected an embedded message`);
  return f.bytes;
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function decodeTime(buf: Buffer, where: string): string | undefined {
  let seconds = 0;
  for (const f of readFields(buf)) if (f.field === 1) seconds = num(f, `${where}.seconds`, 64);
  return seconds === 0 ? undefined : rfc3339(seconds);
}

function decodeQuantity(buf: Buffer, where: string): string {
  let out = '';
  for (const f of readFields(buf)) if (f.field === 1) out = str(f, where);
  return out;
}

function decodeIntOrString(buf: Buffer, where: string): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  for (const f of readFields(buf)) {
    if (f.field === 1) type = num(f, where, 64);
    else if (f.field === 2) intVal = num(f, where, 32);
    else if (f.field === 3) strVal = str(f, where);
  }
  return type === 1 ? strVal : intVal;
}

function decodeMapEntry(buf: Buffer, where: string, value: 'string' | 'bytes' | 'quantity'): [string, string] {
  let key = '';
  let val = '';
  for (const f of readFields(buf)) {
    if (f.field === 1) key = str(f, where);
    else if (f.field === 2) {
      if (value === 'bytes') val = sub(f, where).toString('base64');
      else if (value === 'quantity') val = decodeQuantity(sub(f, where), where);
      else val = str(f, where);
    }
  }
  return [key, val];
}

/** One field's JSON value, or undefined when Go's JSON encoding would omit it. */
function fieldValue(spec: FieldSpec, f: WireField, where: string, depth: number): Json | undefined {
  const t = spec.type;
  if (typeof t === 'object') return decodeMessage(t.message, sub(f, where), where, depth + 1);
  switch (t) {
    case 'string': {
      const v = str(f, where);
      return v === '' && !spec.ptr ? undefined : v;
    }
    case 'bytes':
      return sub(f, where).toString('base64');
    case 'int32':
    case 'int64': {
      const v = num(f, where, t === 'int32' ? 32 : 64);
      return v === 0 && !spec.ptr ? undefined : v;
    }
    case 'bool': {
      const v = num(f, where, 64) !== 0;
      return !v && !spec.ptr ? undefined : v;
    }
    case 'time':
      return decodeTime(sub(f, where), where);
    case 'quantity':
      return decodeQuantity(sub(f, where), where);
    case 'intOrString':
      return decodeIntOrString(sub(f, where), where);
    default:
      throw new ProtobufDecodeError(`${where}: map fields are handled by the caller`);
  }
}

export function decodeMessage(type: string, buf: Buffer, where: string, depth = 0): { [k: string]: Json } {
  if (depth > MAX_DEPTH) throw new ProtobufDecodeError(`${where}: nested too deeply`);
  const table: MessageTable | undefined = MESSAGES[type];
  if (!table) {
    if (OPAQUE.has(type) && buf.length === 0) return {};
    throw new ProtobufDecodeError(`${where}: ${type} is not supported in protobuf request bodies; send JSON`);
  }
  const out: { [k: string]: Json } = {};
  for (const f of readFields(buf)) {
    const spec = table[f.field];
    if (!spec) throw new ProtobufDecodeError(`${where}: unknown field number ${f.field} in ${type}`);
    const path = where ? `${where}.${spec.name}` : spec.name;
    if (typeof spec.type === 'string' && spec.type.startsWith('map<')) {
      const valueType = spec.type.slice('map<string,'.length, -1) as 'string' | 'bytes' | 'quantity';
      const [k, v] = decodeMapEntry(sub(f, path), path, valueType);
      const map = (out[spec.name] ??= {}) as Record<string, Json>;
      map[k] = v;
      continue;
    }
    const v = fieldValue(spec, f, path, depth);
    if (spec.inline) {
      Object.assign(out, v);
      continue;
    }
    if (spec.repeated) {
      const list = (out[spec.name] ??= []) as Json[];
      // A repeated element is always present, even when it is a zero value.
      list.push(v ?? (spec.type === 'string' ? '' : 0));
    } else if (v !== undefined) {
      out[spec.name] = v;
    } else {
      delete out[spec.name];
    }
  }
  return out;
}

/** Decodes an enveloped body into a Kubernetes JSON object with apiVersion and kind set. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    throw new ProtobufDecodeError('the body does not start with the Kubernetes protobuf magic "k8s\\0"');
  }
  const unknown = decodeMessage('Unknown', body.subarray(4), '');
  const tm = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  if (unknown.contentEncoding) throw new ProtobufDecodeError(`content encoding "${String(unknown.contentEncoding)}" is not supported`);
  const apiVersion = tm.apiVersion ?? '';
  const kind = tm.kind ?? '';
  const message = TOP_LEVEL[`${apiVersion}/${kind}`];
  if (!message) throw new ProtobufDecodeError(`protobuf bodies of ${apiVersion}/${kind} are not supported; send JSON`);
  const raw = typeof unknown.raw === 'string' ? Buffer.from(unknown.raw, 'base64') : Buffer.alloc(0);
  const obj = decodeMessage(message, raw, '');
  return { apiVersion, kind, ...obj };
}
