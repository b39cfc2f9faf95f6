// Typed errors of the wire format. A server turns a DnsDecodeError into FORMERR (when the id is
// readable, see responses.ts); a DnsEncodeError is a bug or bad data on our side (SERVFAIL).
// Codes are stable strings: tests and logs match on them, never on messages.

export type DnsDecodeErrorCode =
  /** The packet ends before a field that must be there. */
  | 'TRUNCATED'
  /** A compression pointer that does not point strictly backwards (this also rules out loops). */
  | 'BAD_POINTER'
  /** Label type bits 01 or 10 (RFC 6891 §5 retired extended labels): nobody may send them. */
  | 'BAD_LABEL_TYPE'
  /** A name longer than 255 bytes in wire form (RFC 1035 §2.3.4). */
  | 'NAME_TOO_LONG'
  /** RDLENGTH disagrees with the data its type defines, or the rdata is malformed. */
  | 'BAD_RDATA'
  /** OPT record misplaced, repeated, not on the root name, or with malformed options. */
  | 'BAD_OPT'
  /** Bytes after the last record the header announced. */
  | 'TRAILING_BYTES';

export class DnsDecodeError extends Error {
  override name = 'DnsDecodeError';
  constructor(
    readonly code: DnsDecodeErrorCode,
    /** Byte offset in the packet where the problem was found. */
    readonly offset: number,
    message: string,
  ) {
    super(`${code} at byte ${offset}: ${message}`);
  }
}

export type DnsEncodeErrorCode =
  /** A name or label that cannot be written: empty label, label over 63 bytes, bad escape. */
  | 'BAD_NAME'
  /** A name over 255 bytes in wire form. */
  | 'NAME_TOO_LONG'
  /** Record data that cannot be written (bad address, TXT string over 255 bytes, field out of range). */
  | 'BAD_RDATA'
  /** A record's type disagrees with its data's kind. */
  | 'TYPE_MISMATCH'
  /** A header or EDNS field out of range (id, opcode, an extended rcode without EDNS, ...). */
  | 'BAD_FIELD'
  /** The message does not fit the 65535 bytes of a TCP message even after truncation. */
  | 'TOO_LARGE';

export class DnsEncodeError extends Error {
  override name = 'DnsEncodeError';
  constructor(
    readonly code: DnsEncodeErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export type DnsFramingErrorCode =
  /** A TCP frame announcing length 0: no DNS message is that short. */
  | 'EMPTY_FRAME'
  /** The stream ended in the middle of a frame. */
  | 'INCOMPLETE_FRAME';

export class DnsFramingError extends Error {
  override name = 'DnsFramingError';
  constructor(
    readonly code: DnsFramingErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
