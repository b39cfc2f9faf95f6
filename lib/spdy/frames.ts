// SPDY/3.1 framing, pure: serialise one frame, and an incremental parser that turns a byte stream
// into frames. Header blocks stay opaque (compressed) here; header-codec.ts turns them into
// name/value pairs with the session's zlib contexts, which must see every block in order.

export const SPDY_VERSION = 3;

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const HEADERS = 8;
export const WINDOW_UPDATE = 9;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const FLAG_SETTINGS_CLEAR = 0x01;

export const SETTINGS_INITIAL_WINDOW_SIZE = 7;

/** RST_STREAM status codes. */
export const RST_PROTOCOL_ERROR = 1;
export const RST_INVALID_STREAM = 2;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;
export const RST_INTERNAL_ERROR = 6;
export const RST_FLOW_CONTROL_ERROR = 7;

/** GOAWAY status codes. */
export const GOAWAY_OK = 0;
export const GOAWAY_PROTOCOL_ERROR = 1;

/** Frames are at most 2^24-1 bytes long; DATA frames are cut well below that. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export type Frame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedId: number; priority: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; entries: SettingsEntry[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; payload: Buffer };

export interface SettingsEntry {
  flags: number;
  id: number;
  value: number;
}

export class SpdyProtocolError extends Error {
  readonly code = 'SPDY_PROTOCOL_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

const STREAM_MASK = 0x7fffffff;

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError(`control frame of ${payload.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(payload.length, 4);
  head[4] = flags;
  return Buffer.concat([head, payload]);
}

const u32s = (...vals: number[]): Buffer => {
  const b = Buffer.alloc(4 * vals.length);
  vals.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
};

/** Serialises one frame; header blocks must already be compressed. */
export function encodeFrame(f: Frame): Buffer {
  switch (f.type) {
    case 'data': {
      if (f.data.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError(`data frame of ${f.data.length} bytes is too large`);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(f.streamId & STREAM_MASK, 0);
      head.writeUInt32BE(f.data.length, 4);
      head[4] = f.fin ? FLAG_FIN : 0;
      return Buffer.concat([head, f.data]);
    }
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(f.streamId & STREAM_MASK, 0);
      fixed.writeUInt32BE(f.associatedId & STREAM_MASK, 4);
      fixed[8] = (f.priority & 0x7) << 5;
      const flags = (f.fin ? FLAG_FIN : 0) | (f.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return controlFrame(SYN_STREAM, flags, Buffer.concat([fixed, f.headerBlock]));
    }
    case 'syn_reply':
      return controlFrame(SYN_REPLY, f.fin ? FLAG_FIN : 0, Buffer.concat([u32s(f.streamId & STREAM_MASK), f.headerBlock]));
    case 'headers':
      return controlFrame(HEADERS, f.fin ? FLAG_FIN : 0, Buffer.concat([u32s(f.streamId & STREAM_MASK), f.headerBlock]));
    case 'rst_stream':
      return controlFrame(RST_STREAM, 0, u32s(f.streamId & STREAM_MASK, f.status));
    case 'settings': {
      const body = Buffer.alloc(4 + 8 * f.entries.length);
      body.writeUInt32BE(f.entries.length, 0);
      f.entries.forEach((e, i) => {
        body.writeUInt32BE(((e.flags & 0xff) << 24 | (e.id & 0xffffff)) >>> 0, 4 + 8 * i);
        body.writeUInt32BE(e.value >>> 0, 8 + 8 * i);
      });
      return controlFrame(SETTINGS, f.clear ? FLAG_SETTINGS_CLEAR : 0, body);
    }
    case 'ping':
      return controlFrame(PING, 0, u32s(f.id));
    case 'goaway':
      return controlFrame(GOAWAY, 0, u32s(f.lastGoodStreamId & STREAM_MASK, f.status));
    case 'window_update':
      return controlFrame(WINDOW_UPDATE, 0, u32s(f.streamId & STREAM_MASK, f.delta & STREAM_MASK));
    case 'unknown':
      return controlFrame(f.frameType, 0, f.payload);
  }
}

function need(p: Buffer, n: number, what: string): void {
  if (p.length < n) throw new SpdyProtocolError(`${what} frame too short (${p.length} bytes)`);
}

/** Decodes one control frame's payload. */
function decodeControl(type: number, flags: number, p: Buffer): Frame {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case SYN_STREAM:
      need(p, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: p.readUInt32BE(0) & STREAM_MASK,
        associatedId: p.readUInt32BE(4) & STREAM_MASK,
        priority: p[8] >> 5,
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: p.subarray(10),
      };
    case SYN_REPLY:
      need(p, 4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: p.readUInt32BE(0) & STREAM_MASK, fin, headerBlock: p.subarray(4) };
    case HEADERS:
      need(p, 4, 'HEADERS');
      return { type: 'headers', streamId: p.readUInt32BE(0) & STREAM_MASK, fin, headerBlock: p.subarray(4) };
    case RST_STREAM:
      need(p, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & STREAM_MASK, status: p.readUInt32BE(4) };
    case SETTINGS: {
      need(p, 4, 'SETTINGS');
      const n = p.readUInt32BE(0);
      need(p, 4 + 8 * n, 'SETTINGS');
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < n; i++) {
        const w = p.readUInt32BE(4 + 8 * i);
        entries.push({ flags: w >>> 24, id: w & 0xffffff, value: p.readUInt32BE(8 + 8 * i) });
      }
      return { type: 'settings', clear: (flags & FLAG_SETTINGS_CLEAR) !== 0, entries };
    }
    case PING:
      need(p, 4, 'PING');
      return { type: 'ping', id: p.readUInt32BE(0) };
    case GOAWAY:
      need(p, 4, 'GOAWAY');
      // SPDY/2 peers send no status; SPDY/3 ones do.
      return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & STREAM_MASK, status: p.length >= 8 ? p.readUInt32BE(4) : GOAWAY_OK };
    case WINDOW_UPDATE:
      need(p, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: p.readUInt32BE(0) & STREAM_MASK, delta: p.readUInt32BE(4) & STREAM_MASK };
    default:
      return { type: 'unknown', frameType: type, payload: p };
  }
}

/** Accumulates bytes and yields every complete frame. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    for (;;) {
      const b = this.buf;
      if (b.length < 8) return out;
      const len = b.readUInt32BE(4) & 0xffffff;
      if (b.length < 8 + len) return out;
      const flags = b[4];
      const payload = Buffer.from(b.subarray(8, 8 + len));
      this.buf = b.subarray(8 + len);
      if (b[0] & 0x80) {
        const version = b.readUInt16BE(0) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        out.push(decodeControl(b.readUInt16BE(2), flags, payload));
      } else {
        out.push({ type: 'data', streamId: b.readUInt32BE(0) & STREAM_MASK, fin: (flags & FLAG_FIN) !== 0, data: payload });
      }
    }
  }
}
