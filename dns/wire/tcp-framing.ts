// DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message is preceded by its length in two bytes.
// A socket hands us arbitrary chunks — half a length prefix, three messages at once — so the
// splitter keeps what it has not consumed and yields whole messages only.
import { DnsEncodeError, DnsFramingError } from './errors';
import { MAX_MESSAGE_SIZE } from './writer';

/** Prefix a message with its 2-byte length. */
export function frameTcp(message: Buffer): Buffer {
  if (message.length > MAX_MESSAGE_SIZE) throw new DnsEncodeError('TOO_LARGE', `message of ${message.length} bytes cannot be framed`);
  const out = Buffer.alloc(2 + message.length);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}

export class TcpMessageSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Feed received bytes; returns every message completed by them, in order (copies, safe to keep). */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Buffer[] = [];
    for (;;) {
      if (this.buffered < 2) return out;
      const head = this.peek(2);
      const len = head.readUInt16BE(0);
      // A zero-length frame cannot hold a header: the peer is broken, the server closes the connection.
      if (len === 0) throw new DnsFramingError('EMPTY_FRAME', 'TCP frame of length 0');
      if (this.buffered < 2 + len) return out;
      this.take(2);
      out.push(this.take(len));
    }
  }

  /** Bytes received but not yet part of a whole message. */
  get pending(): number {
    return this.buffered;
  }

  /** The peer closed: fine between messages, an error in the middle of one. */
  end(): void {
    if (this.buffered > 0) throw new DnsFramingError('INCOMPLETE_FRAME', `stream ended with ${this.buffered} bytes of an unfinished message`);
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    return Buffer.concat(this.chunks).subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const taken = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return taken;
  }
}
