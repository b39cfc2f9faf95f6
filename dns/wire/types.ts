// The DNS message as a plain value (RFC 1035 §4, EDNS0 from RFC 6891). Everything the cluster DNS
// reads or writes on the wire is one of these; decode/encode live in reader.ts and writer.ts.
//
// Names are absolute domain names in presentation form WITHOUT the trailing dot ('' is the root):
// 'my-svc.my-namespace.svc.cluster.local'. Case is preserved as received (a resolver may use 0x20
// mixed case and expects it echoed); compare with namesEqual() from names.ts. A label byte that is
// '.', '\' or not printable ASCII is written as RFC 1035 §5.1 escapes ('\.', '\\', '\DDD'), so any
// wire name survives decode → encode unchanged.

/** Resource record types used here (RFC 1035, 3596 AAAA, 2782 SRV, 6891 OPT). */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

/** Classes (RFC 1035 §3.2.4); the cluster serves IN only. */
export const RRClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const Opcode = { Query: 0, IQuery: 1, Status: 2, Notify: 4, Update: 5 } as const;

/**
 * Response codes. Values above 15 are extended rcodes (RFC 6891 §6.1.3): their upper 8 bits travel
 * in the OPT record's TTL, so a message carrying one must have `edns` (the writer refuses otherwise).
 */
export const Rcode = {
  NoError: 0,
  FormErr: 1,
  ServFail: 2,
  NXDomain: 3,
  NotImp: 4,
  Refused: 5,
  BadVers: 16,
} as const;

export interface Header {
  id: number;
  /** true in a response. */
  qr: boolean;
  opcode: number;
  /** Authoritative answer. */
  aa: boolean;
  /** Truncated: the client should retry over TCP. */
  tc: boolean;
  /** Recursion desired (copied from query to response). */
  rd: boolean;
  /** Recursion available. */
  ra: boolean;
  /** Authentic data (RFC 4035). */
  ad: boolean;
  /** Checking disabled (RFC 4035). */
  cd: boolean;
  /** The full rcode, 0..4095: header's 4 bits plus the OPT record's extended 8 bits. */
  rcode: number;
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

/** Record data, one shape per type we understand; any other type keeps its rdata bytes. */
export type RData =
  | { kind: 'A'; address: string }
  | { kind: 'AAAA'; address: string }
  | { kind: 'CNAME'; target: string }
  | { kind: 'NS'; target: string }
  | { kind: 'PTR'; target: string }
  | { kind: 'SRV'; priority: number; weight: number; port: number; target: string }
  /**
   * Each string is one <character-string>, at most 255 bytes once UTF-8 encoded. Decoded as UTF-8:
   * bytes that are not become U+FFFD, which is fine for the ASCII TXT records the cluster serves.
   */
  | { kind: 'TXT'; strings: string[] }
  | {
      kind: 'SOA';
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      /** RFC 2308: the negative-caching TTL. */
      minimum: number;
    }
  /** A type this module does not parse, kept verbatim. Known types must parse or the message is malformed. */
  | { kind: 'Unknown'; rdata: Buffer };

export interface ResourceRecord {
  name: string;
  /** Must agree with data.kind unless data is Unknown (the writer checks). */
  type: number;
  class: number;
  /** Seconds, 0..2^31-1 (RFC 2181 §8). */
  ttl: number;
  data: RData;
}

/** One EDNS0 option (RFC 6891 §6.1.2), kept raw: COOKIE (10), ECS (8), padding (12), ... */
export interface EdnsOption {
  code: number;
  data: Buffer;
}

/**
 * The OPT pseudo-record, lifted out of the additional section: a message has at most one. Its
 * extended-rcode bits are folded into header.rcode, not kept here.
 */
export interface Edns {
  /** Requestor's UDP payload size (the OPT record's class). Values below 512 mean 512. */
  udpPayloadSize: number;
  version: number;
  /** DNSSEC OK bit. */
  dnssecOk: boolean;
  /** The 15 other flag bits of the OPT TTL's low 16 bits (all zero today), kept for round trips. */
  flags?: number;
  options: EdnsOption[];
}

export interface DnsMessage {
  header: Header;
  questions: Question[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  /** Additional section WITHOUT the OPT record (see edns). */
  additional: ResourceRecord[];
  edns?: Edns;
}

/** The record type number a data shape is sent as; undefined for Unknown (its type is the record's). */
export function typeOfData(data: RData): number | undefined {
  switch (data.kind) {
    case 'A': return RRType.A;
    case 'AAAA': return RRType.AAAA;
    case 'CNAME': return RRType.CNAME;
    case 'NS': return RRType.NS;
    case 'PTR': return RRType.PTR;
    case 'SRV': return RRType.SRV;
    case 'TXT': return RRType.TXT;
    case 'SOA': return RRType.SOA;
    case 'Unknown': return undefined;
  }
}

/** A class-IN record whose type follows its data: record('a.b', 5, { kind: 'A', address: '10.0.0.1' }). */
export function record(name: string, ttl: number, data: Exclude<RData, { kind: 'Unknown' }>): ResourceRecord {
  return { name, type: typeOfData(data)!, class: RRClass.IN, ttl, data };
}

/** A header with every flag clear. */
export function emptyHeader(id = 0): Header {
  return { id, qr: false, opcode: Opcode.Query, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, rcode: Rcode.NoError };
}
