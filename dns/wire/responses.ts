// Response skeletons a server starts from: the reply to a decoded query, and error replies to a
// packet that may not decode at all (RFC 1035 §4.1.1, RFC 6891 §7 for EDNS in replies).
import { decodeHeader, decodeMessage, HEADER_BYTES } from './reader';
import { DnsDecodeError } from './errors';
import { Opcode, Rcode, type DnsMessage, type Edns, type Question } from './types';
import { DEFAULT_SERVER_UDP_SIZE } from './writer';

export interface ResponseOptions {
  /** Set AA: the cluster zone is ours. Default true. */
  authoritative?: boolean;
  /** Set RA: the server forwards names outside its zone. Default true. */
  recursionAvailable?: boolean;
  /** UDP payload size advertised in our OPT record when the query had one. */
  udpPayloadSize?: number;
}

/**
 * The empty response to `query`: same id, opcode, RD and CD, the question echoed with its case,
 * QR set, AA and RA per options, rcode NOERROR. When the query carried EDNS the response does too
 * (RFC 6891 §7), echoing DO (RFC 3225 §3); an EDNS version above 0 gets BADVERS (RFC 6891
 * §6.1.3), after which the caller must add no records. Unknown opcodes get NOTIMP, and a QUERY
 * without exactly one question FORMERR (RFC 9619: QDCOUNT > 1 was never defined). Any rcode
 * other than NOERROR means: send the skeleton as it is.
 */
export function responseFor(query: DnsMessage, opts: ResponseOptions = {}): DnsMessage {
  const q = query.header;
  const response: DnsMessage = {
    header: {
      id: q.id,
      qr: true,
      opcode: q.opcode,
      aa: opts.authoritative ?? true,
      tc: false,
      rd: q.rd,
      ra: opts.recursionAvailable ?? true,
      ad: false,
      cd: q.cd,
      rcode: Rcode.NoError,
    },
    questions: query.questions.map((x) => ({ ...x })),
    answers: [],
    authority: [],
    additional: [],
  };
  if (query.edns) response.edns = replyEdns(query.edns, opts);
  if (query.edns && query.edns.version > 0) {
    response.header.rcode = Rcode.BadVers;
    response.header.aa = false;
  } else if (q.opcode !== Opcode.Query) {
    response.header.rcode = Rcode.NotImp;
    response.header.aa = false;
  } else if (query.questions.length !== 1) {
    response.header.rcode = Rcode.FormErr;
    response.header.aa = false;
  }
  return response;
}

/** responseFor() with an error rcode (SERVFAIL, REFUSED, NOTIMP, ...) and AA clear. */
export function errorResponse(query: DnsMessage, rcode: number, opts: ResponseOptions = {}): DnsMessage {
  const r = responseFor(query, opts);
  r.header.rcode = rcode;
  r.header.aa = false;
  return r;
}

/**
 * An error reply (FORMERR for a decode failure, or any rcode) to raw bytes that may not decode.
 * Undefined when nothing must be sent: fewer than 4 bytes (no id and flags to echo), or the
 * packet is itself a response (QR set; answering it could start a loop between two servers). The
 * question and EDNS are echoed only when the whole message decoded: in a broken packet they may be
 * what is malformed.
 */
export function errorResponseForPacket(packet: Buffer, rcode: number = Rcode.FormErr, opts: ResponseOptions = {}): DnsMessage | undefined {
  if (packet.length < 4) return undefined;
  const h = decodeHeader(headerBytes(packet));
  if (h.qr) return undefined;
  let questions: Question[] = [];
  let edns: Edns | undefined;
  try {
    const decoded = decodeMessage(packet);
    questions = decoded.questions;
    if (decoded.edns && decoded.edns.version === 0) edns = replyEdns(decoded.edns, opts);
  } catch (err) {
    if (!(err instanceof DnsDecodeError)) throw err;
  }
  const response: DnsMessage = {
    header: { id: h.id, qr: true, opcode: h.opcode, aa: false, tc: false, rd: h.rd, ra: opts.recursionAvailable ?? true, ad: false, cd: h.cd, rcode },
    questions,
    answers: [],
    authority: [],
    additional: [],
  };
  if (edns) response.edns = edns;
  else if (rcode > 15) response.header.rcode = Rcode.ServFail; // an extended rcode cannot travel without OPT
  return response;
}

function replyEdns(q: Edns, opts: ResponseOptions): Edns {
  return { udpPayloadSize: opts.udpPayloadSize ?? DEFAULT_SERVER_UDP_SIZE, version: 0, dnssecOk: q.dnssecOk, options: [] };
}

/** The header's 12 bytes, zero-filled past a short packet's end (only id and flags are used then). */
function headerBytes(packet: Buffer): Buffer {
  if (packet.length >= HEADER_BYTES) return packet;
  const out = Buffer.alloc(HEADER_BYTES);
  packet.copy(out);
  return out;
}
