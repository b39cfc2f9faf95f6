// SPDY/3 header blocks: the name/value layout (pure) and its zlib compression. Each direction of
// a session has one long-lived zlib context seeded with the SPDY dictionary; every block is
// flushed with Z_SYNC_FLUSH so the peer can decode it at once. Node's zlib streams are
// asynchronous, so each context serialises its blocks to keep them in frame order.
import * as zlib from 'node:zlib';
import { SPDY_DICTIONARY } from './dictionary';
import { SpdyProtocolError } from './frames';

/** Header names are lower case; several values of one name travel NUL-separated. */
export type SpdyHeaders = Record<string, string[]>;

export function encodeHeaderBlock(h: SpdyHeaders): Buffer {
  const names = Object.keys(h);
  const parts: Buffer[] = [u32(names.length)];
  for (const name of names) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(h[name].join('\0'));
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(b: Buffer): SpdyHeaders {
  let off = 0;
  const take = (): Buffer => {
    if (off + 4 > b.length) throw new SpdyProtocolError('truncated header block');
    const len = b.readUInt32BE(off);
    off += 4;
    if (off + len > b.length) throw new SpdyProtocolError('truncated header block');
    const s = b.subarray(off, off + len);
    off += len;
    return s;
  };
  if (b.length < 4) throw new SpdyProtocolError('truncated header block');
  const count = b.readUInt32BE(0);
  off = 4;
  const out: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = take().toString().toLowerCase();
    const values = take().toString().split('\0');
    out[name] = (out[name] ?? []).concat(values);
  }
  return out;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

/** One direction's zlib context: `run` compresses (or inflates) one block, in call order. */
export class ZlibContext {
  private chain: Promise<unknown> = Promise.resolve();
  private out: Buffer[] = [];
  private failure?: Error;
  private pendingReject?: (e: Error) => void;

  private constructor(private readonly z: zlib.Deflate | zlib.Inflate) {
    z.on('data', (c: Buffer) => this.out.push(c));
    z.on('error', (e: Error) => {
      this.failure = e;
      this.pendingReject?.(new SpdyProtocolError(`header compression failed: ${e.message}`));
    });
  }

  static deflater(): ZlibContext {
    return new ZlibContext(zlib.createDeflate({ dictionary: SPDY_DICTIONARY }));
  }

  static inflater(): ZlibContext {
    return new ZlibContext(zlib.createInflate({ dictionary: SPDY_DICTIONARY }));
  }

  run(input: Buffer): Promise<Buffer> {
    const p = this.chain.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.failure) return reject(new SpdyProtocolError(`header compression failed: ${this.failure.message}`));
          this.pendingReject = reject;
          this.z.write(input);
          this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            const b = Buffer.concat(this.out);
            this.out = [];
            this.pendingReject = undefined;
            if (this.failure) reject(new SpdyProtocolError(`header compression failed: ${this.failure.message}`));
            else resolve(b);
          });
        }),
    );
    this.chain = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.z.close();
  }
}
