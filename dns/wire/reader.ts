// Decode a DNS message from bytes (RFC 1035 §4, EDNS0 RFC 6891). Every read is bounds-checked and
// every failure is a DnsDecodeError with a stable code, so a server can answer FORMERR and never
// crash. Compression pointers must point strictly before the previous jump's target: targets
// strictly decrease, so a chain ends after at most (packet length) hops and loops are impossible.
//
// Trailing bytes policy: bytes after the last record the header counts is an error by default
// (TRAILING_BYTES, as BIND answers FORMERR), because a count/length mismatch usually means a
// misparse. `allowTrailing` accepts and ignores them for peers known to pad.
import { formatIPv4, formatIPv6 } from './addresses';
import { DnsDecodeError } from './errors';
import { MAX_NAME_WIRE_BYTES, labelsToName } from './names';
import { RRType, type DnsMessage, type Edns, type EdnsOption, type Header, type Question, type RData, type ResourceRecord } from './types';

export interface DecodeOptions {
  allowTrailing?: boolean;
}

export const HEADER_BYTES = 12;

export function decodeMessage(buf: Buffer, opts: DecodeOptions = {}): DnsMessage {
  const r = new Cursor(buf);
  const header = decodeHeaderAt(r);
  const qd = r.u16At(4), an = r.u16At(6), ns = r.u16At(8), ar = r.u16At(10);
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) questions.push(readQuestion(r));
  const answers = readSection(r, an, 'answer');
  const authority = readSection(r, ns, 'authority');
  const additional: ResourceRecord[] = [];
  let edns: Edns | undefined;
  for (let i = 0; i < ar; i++) {
    const start = r.pos;
    const rec = readRecord(r, true);
    if ('edns' in rec) {
      if (edns) throw new DnsDecodeError('BAD_OPT', start, 'more than one OPT record (RFC 6891 §6.1.1)');
      edns = rec.edns;
      // The OPT TTL's top byte holds the upper 8 bits of the 12-bit rcode.
      header.rcode = (rec.extendedRcode << 4) | header.rcode;
    } else {
      additional.push(rec);
    }
  }
  if (r.pos !== buf.length && !opts.allowTrailing) {
    throw new DnsDecodeError('TRAILING_BYTES', r.pos, `${buf.length - r.pos} bytes after the last record`);
  }
  return edns ? { header, questions, answers, authority, additional, edns } : { header, questions, answers, authority, additional };
}

/** Just the 12-byte header (rcode without EDNS bits); what an error response can rely on. */
export function decodeHeader(buf: Buffer): Header {
  return decodeHeaderAt(new Cursor(buf));
}

/** The message id if at least its two bytes arrived. */
export function peekId(buf: Buffer): number | undefined {
  return buf.length >= 2 ? buf.readUInt16BE(0) : undefined;
}

function decodeHeaderAt(r: Cursor): Header {
  r.need(HEADER_BYTES, 'header');
  const id = r.u16();
  const flags = r.u16();
  r.pos = HEADER_BYTES;
  return {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0x0f,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    // bit 0x0040 is Z: must be zero, ignored on receipt (RFC 1035 §4.1.1).
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: flags & 0x000f,
  };
}

function readQuestion(r: Cursor): Question {
  const name = readName(r);
  r.need(4, 'question type and class');
  return { name, type: r.u16(), class: r.u16() };
}

function readSection(r: Cursor, count: number, section: string): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    const rec = readRecord(r, false);
    if ('edns' in rec) throw new DnsDecodeError('BAD_OPT', start, `OPT record in the ${section} section`);
    out.push(rec);
  }
  return out;
}

type Decoded = ResourceRecord | { edns: Edns; extendedRcode: number };

function readRecord(r: Cursor, optAllowed: boolean): Decoded {
  const start = r.pos;
  const name = readName(r);
  r.need(10, 'record type, class, ttl and rdlength');
  const type = r.u16();
  const klass = r.u16();
  const ttlRaw = r.u32();
  const rdlength = r.u16();
  r.need(rdlength, 'rdata');
  const end = r.pos + rdlength;
  if (type === RRType.OPT) {
    if (!optAllowed) return { edns: readOpt(r, end, klass, ttlRaw), extendedRcode: 0 };
    if (name !== '') throw new DnsDecodeError('BAD_OPT', start, `OPT record owned by ${JSON.stringify(name)}, not the root`);
    return { edns: readOpt(r, end, klass, ttlRaw), extendedRcode: ttlRaw >>> 24 };
  }
  const data = readRData(r, type, end);
  if (r.pos !== end) throw new DnsDecodeError('BAD_RDATA', r.pos, `type ${type} rdata ends ${end - r.pos} bytes before its rdlength ${rdlength}`);
  // RFC 2181 §8: a TTL with the top bit set is treated as zero.
  const ttl = ttlRaw > 0x7fffffff ? 0 : ttlRaw;
  return { name, type, class: klass, ttl, data };
}

function readOpt(r: Cursor, end: number, klass: number, ttl: number): Edns {
  const options: EdnsOption[] = [];
  while (r.pos < end) {
    if (end - r.pos < 4) throw new DnsDecodeError('BAD_OPT', r.pos, 'EDNS option header cut by the OPT rdlength');
    const code = r.u16();
    const len = r.u16();
    if (end - r.pos < len) throw new DnsDecodeError('BAD_OPT', r.pos, `EDNS option ${code} of ${len} bytes overruns the OPT rdlength`);
    options.push({ code, data: Buffer.from(r.bytes(len)) });
  }
  const flags = ttl & 0xffff;
  const edns: Edns = { udpPayloadSize: klass, version: (ttl >>> 16) & 0xff, dnssecOk: (flags & 0x8000) !== 0, options };
  if (flags & 0x7fff) edns.flags = flags & 0x7fff;
  return edns;
}

function readRData(r: Cursor, type: number, end: number): RData {
  const exact = (n: number) => {
    if (end - r.pos !== n) throw new DnsDecodeError('BAD_RDATA', r.pos, `type ${type} rdata must be ${n} bytes, is ${end - r.pos}`);
  };
  switch (type) {
    case RRType.A:
      exact(4);
      return { kind: 'A', address: formatIPv4(r.bytes(4)) };
    case RRType.AAAA:
      exact(16);
      return { kind: 'AAAA', address: formatIPv6(r.bytes(16)) };
    case RRType.CNAME:
      return { kind: 'CNAME', target: readName(r, end) };
    case RRType.NS:
      return { kind: 'NS', target: readName(r, end) };
    case RRType.PTR:
      return { kind: 'PTR', target: readName(r, end) };
    case RRType.SRV: {
      if (end - r.pos < 7) throw new DnsDecodeError('BAD_RDATA', r.pos, 'SRV rdata shorter than its 6 fixed bytes and a name');
      const priority = r.u16(), weight = r.u16(), port = r.u16();
      return { kind: 'SRV', priority, weight, port, target: readName(r, end) };
    }
    case RRType.TXT: {
      const strings: string[] = [];
      while (r.pos < end) {
        const len = r.u8();
        if (end - r.pos < len) throw new DnsDecodeError('BAD_RDATA', r.pos, `TXT string of ${len} bytes overruns the rdlength`);
        strings.push(r.bytes(len).toString('utf8'));
      }
      return { kind: 'TXT', strings };
    }
    case RRType.SOA: {
      const mname = readName(r, end);
      const rname = readName(r, end);
      if (end - r.pos !== 20) throw new DnsDecodeError('BAD_RDATA', r.pos, `SOA needs 20 bytes of counters after its names, has ${end - r.pos}`);
      return { kind: 'SOA', mname, rname, serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
    }
    default:
      return { kind: 'Unknown', rdata: Buffer.from(r.bytes(end - r.pos)) };
  }
}

/**
 * Read a possibly compressed name at r.pos; r.pos moves past its in-place part. `limit` bounds the
 * in-place bytes (the end of the rdata it sits in); pointer targets may be anywhere earlier.
 */
function readName(r: Cursor, limit = r.buf.length): string {
  const buf = r.buf;
  const labels: Buffer[] = [];
  let wireLength = 1;
  let pos = r.pos;
  // Every pointer must land strictly before this; it starts at the name itself and drops to each target.
  let floor = r.pos;
  let jumped = false;
  for (;;) {
    const end = jumped ? buf.length : limit;
    if (pos >= end) throw truncatedOrRdata(pos, end === buf.length, 'name');
    const len = buf[pos];
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= end) throw truncatedOrRdata(pos + 1, end === buf.length, 'compression pointer');
      const target = ((len & 0x3f) << 8) | buf[pos + 1];
      if (target >= floor) {
        throw new DnsDecodeError('BAD_POINTER', pos, `compression pointer to ${target} does not point before ${floor}`);
      }
      if (!jumped) r.pos = pos + 2;
      jumped = true;
      floor = target;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new DnsDecodeError('BAD_LABEL_TYPE', pos, `label type bits ${(kind >> 6).toString(2).padStart(2, '0')}`);
    if (len === 0) {
      if (!jumped) r.pos = pos + 1;
      return labelsToName(labels);
    }
    wireLength += 1 + len;
    if (wireLength > MAX_NAME_WIRE_BYTES) throw new DnsDecodeError('NAME_TOO_LONG', pos, `name longer than ${MAX_NAME_WIRE_BYTES} bytes`);
    if (pos + 1 + len > end) throw truncatedOrRdata(pos, end === buf.length, `label of ${len} bytes`);
    labels.push(buf.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}

/** Running off the packet is TRUNCATED; running off an rdata whose rdlength was in bounds is BAD_RDATA. */
function truncatedOrRdata(pos: number, atPacketEnd: boolean, what: string): DnsDecodeError {
  return atPacketEnd
    ? new DnsDecodeError('TRUNCATED', pos, `packet ends inside a ${what}`)
    : new DnsDecodeError('BAD_RDATA', pos, `${what} runs past the end of its rdata`);
}

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  need(n: number, what: string): void {
    if (this.buf.length - this.pos < n) throw new DnsDecodeError('TRUNCATED', this.pos, `packet ends inside the ${what}`);
  }
  u8(): number {
    this.need(1, 'data');
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2, 'data');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u16At(offset: number): number {
    return this.buf.readUInt16BE(offset);
  }
  u32(): number {
    this.need(4, 'data');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n, 'data');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}
