// One query packet → what the server does with it, as a plain value: reply with these bytes,
// forward this question upstream, or stay silent. No I/O: the UDP/TCP server (udp-tcp-server.ts)
// sends the bytes and the forwarder (forwarder.ts) handles `forward`.
//
// Decisions:
// - A packet that does not decode gets FORMERR when its id and flags are readable (RFC 1035 §4.1.1),
//   and nothing when it is shorter than that or is itself a response (answering responses could
//   start a loop between two servers); errorResponseForPacket decides both.
// - Over UDP the reply is fitted to the query's EDNS size (512 without EDNS) with TC set when
//   answers were cut, so the client retries over TCP; over TCP it may use the full 65535 bytes.
// - A zone answer whose records cannot be encoded (bad data on our side) is SERVFAIL, never a crash.
// - An ExternalName CNAME leaving the zone is a `chase`: the server asks the upstreams for the
//   target and appends their records (as CoreDNS does), so one round trip gives the address. With
//   no upstream answering, the CNAME alone is still a correct reply: stub resolvers (glibc, musl)
//   then follow it themselves with a second query.
import {
  decodeMessage,
  encodeResponse,
  errorResponse,
  errorResponseForPacket,
  MAX_MESSAGE_SIZE,
  Rcode,
  responseFor,
  udpSizeLimit,
  DnsDecodeError,
  DnsEncodeError,
  type DnsMessage,
} from '../wire';
import { answer } from '../records/answer';
import type { ZoneIndex } from '../records/zone-index';

export type Transport = 'udp' | 'tcp';

/** What the metrics record of one query: its type (undefined when it did not decode) and rcode. */
export interface QueryLabels {
  qtype?: number;
  rcode: number;
}

export type Decision =
  | { action: 'reply'; bytes: Buffer; labels: QueryLabels; truncated: boolean }
  /** The question is outside the cluster zone: resolve it upstream, then call replyFromUpstream/replyServfail. */
  | { action: 'forward'; query: DnsMessage }
  /** A zone reply ending in a CNAME to `target` outside the zone: finish it with replyAfterChase. */
  | { action: 'chase'; query: DnsMessage; response: DnsMessage; target: string }
  | { action: 'drop'; reason: 'too-short' | 'response' };

export interface HandlerOptions {
  transport: Transport;
  /** Largest UDP reply the server sends whatever the client advertises; default 1232. */
  maxUdpSize?: number;
}

/** The byte limit of a reply to `query` on `transport`. */
export function replyLimit(query: DnsMessage | undefined, opts: HandlerOptions): number {
  return opts.transport === 'tcp' ? MAX_MESSAGE_SIZE : udpSizeLimit(query, opts.maxUdpSize);
}

function qtypeOf(msg: DnsMessage): number | undefined {
  return msg.questions.length === 1 ? msg.questions[0].type : undefined;
}

/** Encode `response` to `query` within the transport's limit; an encoding failure becomes SERVFAIL. */
export function encodeReply(query: DnsMessage, response: DnsMessage, opts: HandlerOptions): Decision & { action: 'reply' } {
  const limit = replyLimit(query, opts);
  try {
    const { buffer, truncated } = encodeResponse(response, limit);
    return { action: 'reply', bytes: buffer, truncated, labels: { qtype: qtypeOf(query), rcode: response.header.rcode } };
  } catch (err) {
    if (!(err instanceof DnsEncodeError)) throw err;
    const fail = errorResponse(query, Rcode.ServFail);
    return { action: 'reply', bytes: encodeResponse(fail, limit).buffer, truncated: false, labels: { qtype: qtypeOf(query), rcode: Rcode.ServFail } };
  }
}

/** SERVFAIL for a forwarded query no upstream answered (or none is configured). */
export function replyServfail(query: DnsMessage, opts: HandlerOptions): Decision & { action: 'reply' } {
  return encodeReply(query, errorResponse(query, Rcode.ServFail), opts);
}

/**
 * The upstream's answer relayed to our client: its records and rcode under the client's id,
 * question spelling and EDNS, refitted to the client's size limit (the upstream may have used a
 * larger one than the client advertised to us).
 */
export function replyFromUpstream(query: DnsMessage, upstream: DnsMessage, opts: HandlerOptions): Decision & { action: 'reply' } {
  const r = responseFor(query, { authoritative: false });
  r.header.rcode = upstream.header.rcode;
  r.header.ad = upstream.header.ad;
  r.answers = upstream.answers;
  r.authority = upstream.authority;
  r.additional = upstream.additional;
  // An extended rcode needs OPT to travel; a client without EDNS gets SERVFAIL instead.
  if (r.header.rcode > 15 && !r.edns) r.header.rcode = Rcode.ServFail;
  return encodeReply(query, r, opts);
}

export function handleQuery(packet: Buffer, index: ZoneIndex, opts: HandlerOptions): Decision {
  let query: DnsMessage;
  try {
    query = decodeMessage(packet);
  } catch (err) {
    if (!(err instanceof DnsDecodeError)) throw err;
    return formErr(packet, opts);
  }
  if (query.header.qr) return { action: 'drop', reason: 'response' };
  const response = responseFor(query);
  // BADVERS, NOTIMP, FORMERR (not exactly one question): the skeleton is the whole answer.
  if (response.header.rcode !== Rcode.NoError) return encodeReply(query, response, opts);
  const result = answer(query.questions[0], index);
  if (result.forward) return { action: 'forward', query };
  response.header.rcode = result.rcode;
  response.header.aa = result.authoritative;
  response.answers = result.answers;
  response.authority = result.authority;
  response.additional = result.additionals;
  if (result.externalTarget !== undefined) return { action: 'chase', query, response, target: result.externalTarget };
  return encodeReply(query, response, opts);
}

/**
 * A chased reply: the zone's CNAME chain plus the upstream's answer for its target (its rcode,
 * by RFC 6604 §2.1 the last name's). `upstream` undefined (none answered): the chain alone.
 */
export function replyAfterChase(d: Decision & { action: 'chase' }, upstream: DnsMessage | undefined, opts: HandlerOptions): Decision & { action: 'reply' } {
  if (!upstream) return encodeReply(d.query, d.response, opts);
  const r: DnsMessage = { ...d.response, header: { ...d.response.header, rcode: upstream.header.rcode }, answers: [...d.response.answers, ...upstream.answers] };
  if (r.header.rcode > 15 && !r.edns) r.header.rcode = Rcode.ServFail;
  return encodeReply(d.query, r, opts);
}

function formErr(packet: Buffer, opts: HandlerOptions): Decision {
  const reply = errorResponseForPacket(packet, Rcode.FormErr);
  if (!reply) return { action: 'drop', reason: packet.length < 4 ? 'too-short' : 'response' };
  // The broken query's EDNS size is unknown: 512 is what any client accepts.
  const { buffer } = encodeResponse(reply, opts.transport === 'tcp' ? MAX_MESSAGE_SIZE : 512);
  return { action: 'reply', bytes: buffer, truncated: false, labels: { rcode: Rcode.FormErr } };
}
