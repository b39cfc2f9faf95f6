// Encode a DNS message with name compression (RFC 1035 §4.1.4), and fit a response into a UDP
// size limit the way a server must (RFC 1035 §4.2.1, RFC 2181 §9, RFC 6891 §7).
import { parseIPv4, parseIPv6 } from './addresses';
import { DnsEncodeError } from './errors';
import { labelsToName, lowerLabel, nameToLabels } from './names';
import { RRType, typeOfData, type DnsMessage, type Edns, type Header, type Question, type RData, type ResourceRecord } from './types';

/** The classic UDP limit without EDNS, and the floor for any advertised size (RFC 6891 §6.2.5). */
export const MIN_UDP_SIZE = 512;
/** A DNS message's length travels in 16 bits over TCP. */
export const MAX_MESSAGE_SIZE = 65535;
/**
 * What the server itself accepts over UDP when a client advertises more: DNS Flag Day 2020's 1232
 * bytes fits IPv6's minimum MTU, so answers never rely on IP fragmentation.
 */
export const DEFAULT_SERVER_UDP_SIZE = 1232;

/** Encode the whole message; TOO_LARGE past 65535 bytes. */
export function encodeMessage(msg: DnsMessage): Buffer {
  const { buffer, dropped } = encodeResponse(msg, MAX_MESSAGE_SIZE);
  if (dropped > 0) throw new DnsEncodeError('TOO_LARGE', `message does not fit in ${MAX_MESSAGE_SIZE} bytes`);
  return buffer;
}

export interface EncodedResponse {
  buffer: Buffer;
  /** Some answer or authority records were dropped and TC is set in the buffer. */
  truncated: boolean;
  /** Records left out, all sections counted (dropped additional records alone do not set TC). */
  dropped: number;
}

/**
 * The UDP size a response to `query` may use: the query's EDNS0 payload size (never below 512),
 * capped by what the server is configured to send; 512 without EDNS.
 */
export function udpSizeLimit(query: Pick<DnsMessage, 'edns'> | undefined, serverMax = DEFAULT_SERVER_UDP_SIZE): number {
  if (!query?.edns) return MIN_UDP_SIZE;
  return Math.max(MIN_UDP_SIZE, Math.min(query.edns.udpPayloadSize, serverMax));
}

/**
 * Encode `msg` in at most `maxSize` bytes (raised to 512 if lower). Records are added in order;
 * the first answer or authority record that does not fit ends the message with TC set (the client
 * retries over TCP; RFC 2181 §9 lets a partial RRset stay when TC is set). Additional records
 * that do not fit are dropped without TC: they are optional (RFC 2181 §9). The OPT record is
 * always kept (RFC 6891 §7), so its space is reserved first.
 */
export function encodeResponse(msg: DnsMessage, maxSize: number): EncodedResponse {
  const limit = Math.min(MAX_MESSAGE_SIZE, Math.max(MIN_UDP_SIZE, Math.floor(maxSize)));
  const w = new Writer();
  const header = { ...msg.header };
  checkHeader(header, msg.edns);
  w.u16(0).u16(0).u16(0).u16(0).u16(0).u16(0); // header, patched at the end
  for (const q of msg.questions) writeQuestion(w, q);
  const optBytes = msg.edns ? encodeOpt(msg.edns, header.rcode) : undefined;
  const reserve = optBytes?.length ?? 0;
  if (w.length + reserve > limit) {
    throw new DnsEncodeError('TOO_LARGE', `header and questions take ${w.length + reserve} bytes, over the limit of ${limit}`);
  }
  const sections = [msg.answers, msg.authority, msg.additional];
  const counts = [0, 0, 0];
  let truncated = false;
  let dropped = 0;
  outer: for (let s = 0; s < 3; s++) {
    for (let i = 0; i < sections[s].length; i++) {
      const mark = w.mark();
      writeRecord(w, sections[s][i]);
      if (w.length + reserve > limit) {
        w.rollback(mark);
        if (s < 2) truncated = true;
        // Whatever follows is left out too: answers before authority before additional.
        dropped += sections[s].length - i + sections.slice(s + 1).reduce((n, sec) => n + sec.length, 0);
        if (s < 2) break outer;
        break;
      }
      counts[s]++;
    }
  }
  if (optBytes) w.raw(optBytes);
  header.tc = header.tc || truncated;
  const buf = w.finish();
  buf.writeUInt16BE(header.id, 0);
  buf.writeUInt16BE(flagsOf(header), 2);
  buf.writeUInt16BE(msg.questions.length, 4);
  buf.writeUInt16BE(counts[0], 6);
  buf.writeUInt16BE(counts[1], 8);
  buf.writeUInt16BE(counts[2] + (optBytes ? 1 : 0), 10);
  return { buffer: buf, truncated, dropped };
}

function checkHeader(h: Header, edns: Edns | undefined): void {
  if (!isUint(h.id, 0xffff)) throw new DnsEncodeError('BAD_FIELD', `id ${h.id} is not 0..65535`);
  if (!isUint(h.opcode, 15)) throw new DnsEncodeError('BAD_FIELD', `opcode ${h.opcode} is not 0..15`);
  if (!isUint(h.rcode, 4095)) throw new DnsEncodeError('BAD_FIELD', `rcode ${h.rcode} is not 0..4095`);
  if (h.rcode > 15 && !edns) throw new DnsEncodeError('BAD_FIELD', `extended rcode ${h.rcode} needs an OPT record`);
}

function flagsOf(h: Header): number {
  return (
    (h.qr ? 0x8000 : 0) | (h.opcode << 11) | (h.aa ? 0x0400 : 0) | (h.tc ? 0x0200 : 0) | (h.rd ? 0x0100 : 0) |
    (h.ra ? 0x0080 : 0) | (h.ad ? 0x0020 : 0) | (h.cd ? 0x0010 : 0) | (h.rcode & 0x0f)
  );
}

function writeQuestion(w: Writer, q: Question): void {
  w.name(q.name, true);
  w.u16(checkU16(q.type, 'question type')).u16(checkU16(q.class, 'question class'));
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  const expected = typeOfData(rr.data);
  if (expected !== undefined && expected !== rr.type) {
    throw new DnsEncodeError('TYPE_MISMATCH', `record ${rr.name} has type ${rr.type} but ${rr.data.kind} data`);
  }
  if (rr.type === RRType.OPT) throw new DnsEncodeError('TYPE_MISMATCH', 'OPT goes in DnsMessage.edns, not in a section');
  if (!isUint(rr.ttl, 0x7fffffff)) throw new DnsEncodeError('BAD_FIELD', `record ${rr.name} ttl ${rr.ttl} is not 0..2^31-1`);
  w.name(rr.name, true);
  w.u16(checkU16(rr.type, 'record type')).u16(checkU16(rr.class, 'record class')).u32(rr.ttl);
  const lengthAt = w.length;
  w.u16(0);
  writeRData(w, rr.data);
  const rdlength = w.length - lengthAt - 2;
  if (rdlength > 0xffff) throw new DnsEncodeError('BAD_RDATA', `record ${rr.name} rdata is ${rdlength} bytes`);
  w.patchU16(lengthAt, rdlength);
}

function writeRData(w: Writer, d: RData): void {
  switch (d.kind) {
    case 'A': {
      const b = parseIPv4(d.address);
      if (!b) throw new DnsEncodeError('BAD_RDATA', `A address ${JSON.stringify(d.address)} is not IPv4`);
      w.raw(b);
      return;
    }
    case 'AAAA': {
      const b = parseIPv6(d.address);
      if (!b) throw new DnsEncodeError('BAD_RDATA', `AAAA address ${JSON.stringify(d.address)} is not IPv6`);
      w.raw(b);
      return;
    }
    // RFC 3597 §4: only RFC 1035's own types may compress names inside rdata.
    case 'CNAME':
    case 'NS':
    case 'PTR':
      w.name(d.target, true);
      return;
    case 'SOA':
      w.name(d.mname, true).name(d.rname, true);
      for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) {
        if (!isUint(v, 0xffffffff)) throw new DnsEncodeError('BAD_RDATA', `SOA counter ${v} is not a 32-bit unsigned`);
        w.u32(v);
      }
      return;
    case 'SRV':
      // RFC 2782: the target must not be compressed.
      w.u16(checkU16(d.priority, 'SRV priority', 'BAD_RDATA')).u16(checkU16(d.weight, 'SRV weight', 'BAD_RDATA'));
      w.u16(checkU16(d.port, 'SRV port', 'BAD_RDATA')).name(d.target, false);
      return;
    case 'TXT':
      for (const s of d.strings) {
        const b = Buffer.from(s, 'utf8');
        if (b.length > 255) throw new DnsEncodeError('BAD_RDATA', `TXT string of ${b.length} bytes, over 255`);
        w.u8(b.length).raw(b);
      }
      return;
    case 'Unknown':
      w.raw(d.rdata);
      return;
  }
}

/** The OPT record's bytes (RFC 6891 §6.1.2); its TTL carries the rcode's upper 8 bits. */
function encodeOpt(e: Edns, rcode: number): Buffer {
  checkU16(e.udpPayloadSize, 'EDNS UDP payload size');
  if (!isUint(e.version, 255)) throw new DnsEncodeError('BAD_FIELD', `EDNS version ${e.version} is not 0..255`);
  const flags = (e.dnssecOk ? 0x8000 : 0) | ((e.flags ?? 0) & 0x7fff);
  const w = new Writer();
  w.u8(0).u16(RRType.OPT).u16(e.udpPayloadSize);
  w.u8(rcode >> 4).u8(e.version).u16(flags);
  const lengthAt = w.length;
  w.u16(0);
  for (const o of e.options) {
    w.u16(checkU16(o.code, 'EDNS option code'));
    if (o.data.length > 0xffff) throw new DnsEncodeError('BAD_FIELD', `EDNS option ${o.code} of ${o.data.length} bytes`);
    w.u16(o.data.length).raw(o.data);
  }
  const len = w.length - lengthAt - 2;
  if (len > 0xffff) throw new DnsEncodeError('BAD_FIELD', `OPT rdata of ${len} bytes`);
  w.patchU16(lengthAt, len);
  return w.finish();
}

const isUint = (v: number, max: number) => Number.isInteger(v) && v >= 0 && v <= max;

function checkU16(v: number, what: string, code: 'BAD_FIELD' | 'BAD_RDATA' = 'BAD_FIELD'): number {
  if (!isUint(v, 0xffff)) throw new DnsEncodeError(code, `${what} ${v} is not 0..65535`);
  return v;
}

/** A growable buffer that remembers where each name suffix was written, for compression. */
class Writer {
  private buf = Buffer.alloc(512);
  length = 0;
  /** Lowercased text of a name suffix → offset of its first label. */
  private suffixes = new Map<string, number>();

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.length);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.length);
    this.length += 4;
    return this;
  }
  raw(b: Buffer): this {
    this.ensure(b.length);
    b.copy(this.buf, this.length);
    this.length += b.length;
    return this;
  }
  patchU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v, at);
  }
  /**
   * Write a name, pointing at an earlier copy of its longest known suffix when `compress`.
   * Matching is case-insensitive (the pointed-to copy's case wins, as every server does). Every
   * suffix written is remembered even when not compressing, as long as a pointer can reach it.
   */
  name(name: string, compress: boolean): this {
    const labels = nameToLabels(name);
    const keys = labels.map((_, i) => labelsToName(labels.slice(i).map(lowerLabel)));
    for (let i = 0; i < labels.length; i++) {
      const earlier = compress ? this.suffixes.get(keys[i]) : undefined;
      if (earlier !== undefined) {
        this.u16(0xc000 | earlier);
        return this;
      }
      // Pointers have 14 bits of offset.
      if (this.length <= 0x3fff && !this.suffixes.has(keys[i])) this.suffixes.set(keys[i], this.length);
      this.u8(labels[i].length).raw(labels[i]);
    }
    return this.u8(0);
  }
  mark(): number {
    return this.length;
  }
  /** Forget everything written from `mark` on, including suffixes that pointed into it. */
  rollback(mark: number): void {
    this.length = mark;
    for (const [k, off] of this.suffixes) if (off >= mark) this.suffixes.delete(k);
  }
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}
