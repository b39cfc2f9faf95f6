// The records a cluster-DNS answer is made of, as plain values independent of the wire encoding.
// The shapes deliberately follow dns/wire/types.ts (names without the trailing dot, one data shape
// per type, numeric type codes) so the server maps one onto the other field by field; this file
// exists so dns/records compiles and is tested on its own until both pieces are merged.

/** Record type codes (RFC 1035 §3.2.2, RFC 3596 AAAA, RFC 2782 SRV, RFC 1035 §3.2.3 ANY). */
export const RecordType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  ANY: 255,
} as const;

/** Class codes: the cluster zone is class IN only; ANY (255) is accepted in questions. */
export const RecordClass = { IN: 1, ANY: 255 } as const;

/** Response codes an answer can carry (RFC 1035 §4.1.1). */
export const ResponseCode = { NoError: 0, ServFail: 2, NXDomain: 3, Refused: 5 } as const;

export interface SoaData {
  kind: 'SOA';
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  /** RFC 2308 §4: the TTL of negative answers is min(SOA TTL, this). */
  minimum: number;
}

export type RecordData =
  | { kind: 'A'; address: string }
  | { kind: 'AAAA'; address: string }
  | { kind: 'CNAME'; target: string }
  | { kind: 'NS'; target: string }
  | { kind: 'PTR'; target: string }
  | { kind: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { kind: 'TXT'; strings: string[] }
  | SoaData;

/** One resource record of class IN. `name` has no trailing dot. */
export interface AnswerRecord {
  name: string;
  type: number;
  class: typeof RecordClass.IN;
  /** Seconds. */
  ttl: number;
  data: RecordData;
}

export interface DnsQuestion {
  /** As received (case preserved, the answer echoes it); a trailing dot is accepted. */
  name: string;
  type: number;
  class: number;
}

/** The name is not ours (outside the cluster zone, or a reverse name we hold nothing for): forward it. */
export interface ForwardAnswer {
  forward: true;
}

export interface ZoneAnswer {
  forward: false;
  rcode: number;
  /** AA bit: set for everything answered from the cluster's own data. */
  authoritative: boolean;
  answers: AnswerRecord[];
  /** The zone's SOA on NXDOMAIN and NODATA (RFC 2308 §2.1, §2.2), else empty. */
  authority: AnswerRecord[];
  additionals: AnswerRecord[];
  /**
   * Set when the answer ends in a CNAME whose target lies outside the cluster zone (an ExternalName
   * Service): the resolver does not follow it; a server may resolve this name upstream and append.
   */
  externalTarget?: string;
}

export type Answer = ForwardAnswer | ZoneAnswer;

/** The type code a data shape is sent as. */
export function typeOf(data: RecordData): number {
  return RecordType[data.kind];
}

export function rr(name: string, ttl: number, data: RecordData): AnswerRecord {
  return { name, type: typeOf(data), class: RecordClass.IN, ttl, data };
}
