// A minimal SPDY/3.1 session over any byte transport (a raw upgraded socket, or binary
// WebSocket messages when kubectl tunnels SPDY through WebSocket). As a server the peer opens
// streams (SYN_STREAM, odd ids); the session announces them as SpdyStream objects that reply,
// carry data both ways with FIN half-close, and reset. As a client (spdy-client.ts) the session
// opens streams itself (odd ids) and the peer's SYN_REPLY arrives as the stream's 'reply'.
// PINGs are echoed; GOAWAY ends the session.
//
// Flow control: received data is acknowledged with WINDOW_UPDATEs (stream and session level).
// Kubernetes' SPDY library (spdystream) ignores WINDOW_UPDATE and SETTINGS entirely and never
// sends them, so enforcing the 64 KiB send window against it would stall every forward after
// 64 KiB. Send windows are therefore enforced only once the peer shows it does flow control
// (it sent a WINDOW_UPDATE or an INITIAL_WINDOW_SIZE setting).
import { EventEmitter } from 'node:events';
import {
  encodeFrame,
  FrameParser,
  GOAWAY_OK,
  GOAWAY_PROTOCOL_ERROR,
  RST_FLOW_CONTROL_ERROR,
  RST_INVALID_STREAM,
  RST_PROTOCOL_ERROR,
  SETTINGS_INITIAL_WINDOW_SIZE,
  type Frame,
} from './frames';
import { decodeHeaderBlock, encodeHeaderBlock, ZlibContext, type SpdyHeaders } from './header-codec';

export const DEFAULT_WINDOW = 64 * 1024;
/** DATA frames are cut to this size so one busy stream does not hog the connection. */
export const MAX_DATA_CHUNK = 32 * 1024;

export interface SpdyTransport {
  /** Returns false when the transport wants the writer to wait for `session.drained()`. */
  write(b: Buffer): boolean;
  close(): void;
}

/**
 * Events: 'reply' (SpdyHeaders, on streams we opened), 'data' (Buffer), 'end' (the peer
 * half-closed), 'drain' (writable again), 'close' (fully closed or reset; fires once).
 */
export class SpdyStream extends EventEmitter {
  localClosed = false;
  remoteClosed = false;
  closed = false;
  replied = false;
  /** The peer's SYN_REPLY headers, on streams we opened. */
  replyHeaders?: SpdyHeaders;
  /** The RST_STREAM status, when the peer reset the stream. */
  resetStatus?: number;
  /** Bytes we may still send (only enforced when the peer does flow control). */
  sendWindow: number;
  /** Bytes the peer may still send before we acknowledge. */
  recvWindow = DEFAULT_WINDOW;
  readonly pending: { data: Buffer; fin: boolean }[] = [];

  constructor(private readonly session: SpdySession, readonly id: number, readonly headers: SpdyHeaders, initialSendWindow: number) {
    super();
    this.sendWindow = initialSendWindow;
  }

  /** The first value of a request header. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  reply(headers: SpdyHeaders = {}, fin = false): void {
    if (this.replied || this.closed) return;
    this.replied = true;
    this.session.sendReply(this, headers, fin);
  }

  write(data: Buffer): boolean {
    if (this.localClosed || this.closed || data.length === 0) return !this.closed;
    return this.session.sendData(this, data, false);
  }

  /** Half-closes our side (DATA with FIN). */
  end(data?: Buffer): void {
    if (this.localClosed || this.closed) return;
    this.session.sendData(this, data ?? Buffer.alloc(0), true);
  }

  reset(status: number): void {
    this.session.resetStream(this, status);
  }
}

export class SpdySessionClosedError extends Error {
  readonly code = 'SPDY_SESSION_CLOSED';
  constructor() {
    super('the SPDY session is closed');
    this.name = 'SpdySessionClosedError';
  }
}

/** Events: 'stream' (SpdyStream), 'error' (Error, protocol violations), 'close'. */
export class SpdySession extends EventEmitter {
  private readonly parser = new FrameParser();
  private readonly inflater = ZlibContext.inflater();
  private readonly deflater = ZlibContext.deflater();
  private readonly streams = new Map<number, SpdyStream>();
  /** Outgoing frames in order; a header frame holds its slot while it is compressed. */
  private readonly outQueue: { buf?: Buffer }[] = [];
  private inChain: Promise<void> = Promise.resolve();
  private lastPeerStreamId = 0;
  private peerFlowControl = false;
  private initialSendWindow = DEFAULT_WINDOW;
  private sessionSendWindow = DEFAULT_WINDOW;
  private sessionRecvConsumed = 0;
  private transportBlocked = false;
  private closed = false;
  /** Our next stream id: odd for a client, even for a server. */
  private nextStreamId: number;

  constructor(private readonly transport: SpdyTransport, private readonly opts: { client?: boolean } = {}) {
    super();
    this.nextStreamId = opts.client ? 1 : 2;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Opens a stream of our own (SYN_STREAM); data may follow at once, the reply comes as 'reply'. */
  openStream(headers: SpdyHeaders, fin = false): SpdyStream {
    if (this.closed) throw new SpdySessionClosedError();
    const s = new SpdyStream(this, this.nextStreamId, headers, this.initialSendWindow);
    this.nextStreamId += 2;
    // The SYN_STREAM is our side's answer; only the peer replies.
    s.replied = true;
    this.streams.set(s.id, s);
    this.sendHeaders(s, fin, (block) => ({ type: 'syn_stream', streamId: s.id, associatedId: 0, priority: 0, fin, unidirectional: false, headerBlock: block }), headers);
    return s;
  }

  /** Feed bytes read from the transport. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    for (const f of frames) this.inChain = this.inChain.then(() => this.handle(f)).catch((e) => this.fail(e as Error));
  }

  /** The transport can take writes again. */
  drained(): void {
    this.transportBlocked = false;
    for (const s of this.streams.values()) if (!s.closed) s.emit('drain');
  }

  /** The transport is gone: every stream closes. */
  transportClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) this.finishStream(s);
    this.inflater.close();
    this.deflater.close();
    this.emit('close');
  }

  /** Sends GOAWAY and closes the transport. */
  close(status = GOAWAY_OK): void {
    if (this.closed) return;
    this.writeFrame(encodeFrame({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status }));
    this.transport.close();
    this.transportClosed();
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.emit('error', e);
    this.close(GOAWAY_PROTOCOL_ERROR);
  }

  private writeFrame(buf: Buffer): boolean {
    if (this.outQueue.length > 0) {
      this.outQueue.push({ buf });
      return false;
    }
    const ok = this.transport.write(buf);
    if (!ok) this.transportBlocked = true;
    return ok;
  }

  private flushQueue(): void {
    while (this.outQueue.length && this.outQueue[0].buf) {
      const ok = this.transport.write(this.outQueue.shift()!.buf!);
      if (!ok) this.transportBlocked = true;
    }
    if (this.outQueue.length === 0 && !this.transportBlocked) this.drained();
  }

  sendReply(s: SpdyStream, headers: SpdyHeaders, fin: boolean): void {
    this.sendHeaders(s, fin, (block) => ({ type: 'syn_reply', streamId: s.id, fin, headerBlock: block }), headers);
  }

  /** Queues a header-carrying frame; its slot keeps frames written meanwhile behind it. */
  private sendHeaders(s: SpdyStream, fin: boolean, frame: (block: Buffer) => Frame, headers: SpdyHeaders): void {
    const slot: { buf?: Buffer } = {};
    this.outQueue.push(slot);
    if (fin) this.markLocalClosed(s);
    this.deflater
      .run(encodeHeaderBlock(headers))
      .then((block) => {
        slot.buf = encodeFrame(frame(block));
        this.flushQueue();
      })
      .catch((e) => this.fail(e as Error));
  }

  /** Sends (or queues, when flow control holds it back) data; false means wait for 'drain'. */
  sendData(s: SpdyStream, data: Buffer, fin: boolean): boolean {
    if (fin) s.localClosed = true;
    s.pending.push({ data, fin });
    this.pumpStream(s);
    if (fin && s.pending.length === 0) this.maybeFinish(s);
    return s.pending.length === 0 && this.outQueue.length === 0 && !this.transportBlocked;
  }

  private pumpStream(s: SpdyStream): void {
    while (s.pending.length && !s.closed) {
      const head = s.pending[0];
      let n = Math.min(head.data.length, MAX_DATA_CHUNK);
      if (this.peerFlowControl) n = Math.min(n, s.sendWindow, this.sessionSendWindow);
      if (n <= 0 && head.data.length > 0) return;
      const chunk = head.data.subarray(0, n);
      const last = n === head.data.length;
      if (last) s.pending.shift();
      else head.data = head.data.subarray(n);
      s.sendWindow -= n;
      this.sessionSendWindow -= n;
      this.writeFrame(encodeFrame({ type: 'data', streamId: s.id, fin: last && head.fin, data: chunk }));
    }
  }

  resetStream(s: SpdyStream, status: number): void {
    if (s.closed) return;
    this.writeFrame(encodeFrame({ type: 'rst_stream', streamId: s.id, status }));
    this.finishStream(s);
  }

  private markLocalClosed(s: SpdyStream): void {
    s.localClosed = true;
    this.maybeFinish(s);
  }

  private maybeFinish(s: SpdyStream): void {
    if (s.localClosed && s.remoteClosed && s.pending.length === 0) this.finishStream(s);
  }

  private finishStream(s: SpdyStream): void {
    if (s.closed) return;
    s.closed = true;
    this.streams.delete(s.id);
    s.emit('close');
  }

  private async handle(f: Frame): Promise<void> {
    if (this.closed) return;
    switch (f.type) {
      case 'syn_stream': {
        const headers = decodeHeaderBlock(await this.inflater.run(f.headerBlock));
        // The peer's streams are strictly increasing, odd from a client and even from a server.
        const peerParity = this.opts.client ? 0 : 1;
        if (f.streamId === 0 || f.streamId % 2 !== peerParity || f.streamId <= this.lastPeerStreamId) {
          this.writeFrame(encodeFrame({ type: 'rst_stream', streamId: f.streamId, status: RST_PROTOCOL_ERROR }));
          return;
        }
        this.lastPeerStreamId = f.streamId;
        const s = new SpdyStream(this, f.streamId, headers, this.initialSendWindow);
        s.remoteClosed = f.fin;
        // A unidirectional stream from the peer never carries our data.
        s.localClosed = f.unidirectional;
        this.streams.set(s.id, s);
        this.emit('stream', s);
        if (f.fin) s.emit('end');
        return;
      }
      case 'syn_reply': {
        const headers = decodeHeaderBlock(await this.inflater.run(f.headerBlock));
        const s = this.streams.get(f.streamId);
        if (!s || s.replyHeaders) return;
        s.replyHeaders = headers;
        s.emit('reply', headers);
        if (f.fin) this.remoteEnd(s);
        return;
      }
      case 'headers':
        // Keep the inflater in step even though nothing here uses these.
        await this.inflater.run(f.headerBlock);
        return;
      case 'data': {
        const s = this.streams.get(f.streamId);
        if (!s || s.remoteClosed) {
          this.writeFrame(encodeFrame({ type: 'rst_stream', streamId: f.streamId, status: RST_INVALID_STREAM }));
          return;
        }
        s.recvWindow -= f.data.length;
        if (s.recvWindow < 0) {
          this.resetStream(s, RST_FLOW_CONTROL_ERROR);
          return;
        }
        if (f.data.length) s.emit('data', f.data);
        this.acknowledge(s, f.data.length);
        if (f.fin) this.remoteEnd(s);
        return;
      }
      case 'rst_stream': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        s.resetStatus = f.status;
        this.finishStream(s);
        return;
      }
      case 'settings':
        for (const e of f.entries) {
          if (e.id !== SETTINGS_INITIAL_WINDOW_SIZE) continue;
          this.peerFlowControl = true;
          const delta = e.value - this.initialSendWindow;
          this.initialSendWindow = e.value;
          for (const s of this.streams.values()) s.sendWindow += delta;
        }
        return;
      case 'window_update': {
        this.peerFlowControl = true;
        if (f.streamId === 0) {
          this.sessionSendWindow += f.delta;
          for (const s of this.streams.values()) this.pumpAndNotify(s);
          return;
        }
        const s = this.streams.get(f.streamId);
        if (!s) return;
        s.sendWindow += f.delta;
        this.pumpAndNotify(s);
        return;
      }
      case 'ping':
        this.writeFrame(encodeFrame(f));
        return;
      case 'goaway':
        this.transport.close();
        this.transportClosed();
        return;
      case 'unknown':
        return;
    }
  }

  private remoteEnd(s: SpdyStream): void {
    s.remoteClosed = true;
    s.emit('end');
    this.maybeFinish(s);
  }

  private pumpAndNotify(s: SpdyStream): void {
    const before = s.pending.length;
    this.pumpStream(s);
    if (s.localClosed && s.pending.length === 0) this.maybeFinish(s);
    if (before > 0 && s.pending.length === 0 && !s.closed) s.emit('drain');
  }

  /** Re-opens the receive windows once half of one has been consumed. */
  private acknowledge(s: SpdyStream, n: number): void {
    if (n === 0) return;
    this.sessionRecvConsumed += n;
    const streamConsumed = DEFAULT_WINDOW - s.recvWindow;
    if (streamConsumed >= DEFAULT_WINDOW / 2 && !s.remoteClosed) {
      s.recvWindow = DEFAULT_WINDOW;
      this.writeFrame(encodeFrame({ type: 'window_update', streamId: s.id, delta: streamConsumed }));
    }
    if (this.sessionRecvConsumed >= DEFAULT_WINDOW / 2) {
      this.writeFrame(encodeFrame({ type: 'window_update', streamId: 0, delta: this.sessionRecvConsumed }));
      this.sessionRecvConsumed = 0;
    }
  }
}
