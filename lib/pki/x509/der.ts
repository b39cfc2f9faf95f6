// A minimal DER reader and writer: just what PKCS#10 requests and X.509 certificates need
// (SEQUENCE, SET, INTEGER, OID, strings, BIT/OCTET STRING, times and context tags). Reading is
// defensive: every length is checked against the buffer, so a hostile request fails with a
// DerError instead of reading past its end.

export class DerError extends Error {
  readonly code = 'DER_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One decoded element: its tag byte, its content, and the whole encoding (for signatures). */
export interface DerNode {
  tag: number;
  content: Buffer;
  /** Tag, length and content: what a signature covers. */
  raw: Buffer;
}

/** Reads one element at offset; returns it and the offset after it. */
export function readElement(buf: Buffer, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > buf.length) throw new DerError('truncated element');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let len = buf[offset + 1];
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported length encoding');
    if (offset + 2 + n > buf.length) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i];
    head += n;
  }
  const end = offset + head + len;
  if (end > buf.length) throw new DerError('element runs past the end of its container');
  return { node: { tag, content: buf.subarray(offset + head, end), raw: buf.subarray(offset, end) }, next: end };
}

/** The one element a buffer holds (trailing bytes are an error, as DER wants). */
export function parseDer(buf: Buffer): DerNode {
  const { node, next } = readElement(buf, 0);
  if (next !== buf.length) throw new DerError('trailing data after the element');
  return node;
}

/** The elements inside a constructed node. */
export function children(node: DerNode): DerNode[] {
  if (!(node.tag & 0x20)) throw new DerError(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  for (let off = 0; off < node.content.length; ) {
    const { node: c, next } = readElement(node.content, off);
    out.push(c);
    off = next;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found ${node ? '0x' + node.tag.toString(16) : 'nothing'}`);
  return node;
}

export function decodeOid(content: Buffer): string {
  if (content.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift()!;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - a * 40, ...parts].join('.');
}

export function decodeString(node: DerNode): string {
  return node.content.toString(node.tag === TAG.UTF8_STRING ? 'utf8' : 'latin1');
}

/** BIT STRING content without its unused-bits byte (only whole-byte strings are used here). */
export function bitStringBytes(node: DerNode): Buffer {
  expectTag(node, TAG.BIT_STRING, 'bit string');
  if (node.content.length < 1) throw new DerError('empty bit string');
  return node.content.subarray(1);
}

// ---- writing ------------------------------------------------------------------------------------

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(TAG.SEQUENCE, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tlv(TAG.SET, Buffer.concat(items));
export const nul = (): Buffer => tlv(TAG.NULL, Buffer.alloc(0));
export const bool = (v: boolean): Buffer => tlv(TAG.BOOLEAN, Buffer.from([v ? 0xff : 0]));
export const octets = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b);
export const bits = (b: Buffer, unused = 0): Buffer => tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unused]), b]));
export const utf8 = (s: string): Buffer => tlv(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));
export const ia5 = (s: string): Buffer => tlv(TAG.IA5_STRING, Buffer.from(s, 'latin1'));
/** Context-specific tag n: constructed (explicit) or primitive (implicit). */
export const ctx = (n: number, content: Buffer, constructed: boolean): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, content);

/** A non-negative INTEGER from big-endian bytes (a leading zero is added when the top bit is set). */
export function uint(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(TAG.INTEGER, b);
}

export function int(n: number): Buffer {
  const hex = n.toString(16);
  return uint(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
}

export function oid(dotted: string): Buffer {
  const p = dotted.split('.').map(Number);
  const out: number[] = [p[0] * 40 + p[1]];
  for (const v of p.slice(2)) {
    const chunk: number[] = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after, as RFC 5280 asks; whole seconds, Z. */
export function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:T]/g, '');
  const year = d.getUTCFullYear();
  return year < 2050 ? tlv(TAG.UTC_TIME, Buffer.from(iso.slice(2), 'latin1')) : tlv(TAG.GENERALIZED_TIME, Buffer.from(iso, 'latin1'));
}

export function pemEncode(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Every PEM block in text, in order, with its label. */
export function pemBlocks(text: string): { label: string; der: Buffer }[] {
  const out: { label: string; der: Buffer }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2].replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) continue;
    out.push({ label: m[1], der: Buffer.from(body, 'base64') });
  }
  return out;
}
