// Test helper: plays the client side of a SpdySession in memory (used by unit tests only).
import { encodeFrame, FrameParser, type Frame } from '../frames';
import { encodeHeaderBlock, ZlibContext, type SpdyHeaders } from '../header-codec';
import { SpdySession } from '../session';

/** Plays the client: builds frames with its own zlib context and reads what the session sends. */
export class Peer {
  readonly frames: Frame[] = [];
  readonly session: SpdySession;
  closed = false;
  private readonly parser = new FrameParser();
  private readonly deflater = ZlibContext.deflater();
  readonly inflater = ZlibContext.inflater();

  constructor() {
    this.session = new SpdySession({
      write: (b) => {
        this.frames.push(...this.parser.push(b));
        return true;
      },
      close: () => (this.closed = true),
    });
  }

  async open(id: number, headers: SpdyHeaders, fin = false): Promise<void> {
    const headerBlock = await this.deflater.run(encodeHeaderBlock(headers));
    this.session.receive(encodeFrame({ type: 'syn_stream', streamId: id, associatedId: 0, priority: 0, fin, unidirectional: false, headerBlock }));
  }

  send(f: Frame): void {
    this.session.receive(encodeFrame(f));
  }

  of<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as Extract<Frame, { type: T }>[];
  }

  close(): void {
    this.session.transportClosed();
    this.deflater.close();
    this.inflater.close();
  }
}

