// The records a cluster-DNS answer is made of, as plain values: the wire format's own shapes
// (dns/wire/types.ts) without the ones a zone never holds (Unknown), so the server puts them in a
// message as they are.
import { RRType, type RData, type ResourceRecord } from '../wire/types';

/** Record type codes: the wire format's. */
export const RecordType = RRType;

/** Class codes: the cluster zone is class IN only; ANY (255) is accepted in questions. */
export const RecordClass = { IN: 1, ANY: 255 } as const;

/** Response codes an answer can carry (RFC 1035 §4.1.1). */
export const ResponseCode = { NoError: 0, ServFail: 2, NXDomain: 3, Refused: 5 } as const;

export type RecordData = Exclude<RData, { kind: 'Unknown' }>;
export type SoaData = Extract<RecordData, { kind: 'SOA' }>;

/** One resource record of class IN. `name` has no trailing dot. */
export interface AnswerRecord extends ResourceRecord {
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
