import assert from 'node:assert/strict';
import { encodeFrame, FrameParser, SpdyProtocolError, type Frame } from './frames';
import { decodeHeaderBlock, encodeHeaderBlock, ZlibContext } from './header-codec';
import { SPDY_DICTIONARY } from './dictionary';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Golden frames, byte for byte as SPDY/3 lays them out.
const GOLDEN: [string, Frame, string][] = [
  ['PING', { type: 'ping', id: 1 }, '8003 0006 00000004 00000001'],
  ['RST_STREAM', { type: 'rst_stream', streamId: 5, status: 3 }, '8003 0003 00000008 00000005 00000003'],
  ['GOAWAY', { type: 'goaway', lastGoodStreamId: 7, status: 0 }, '8003 0007 00000008 00000007 00000000'],
  ['WINDOW_UPDATE', { type: 'window_update', streamId: 0, delta: 32768 }, '8003 0009 00000008 00000000 00008000'],
  ['SETTINGS', { type: 'settings', clear: false, entries: [{ flags: 0, id: 7, value: 65536 }] }, '8003 0004 0000000c 00000001 00000007 00010000'],
  ['DATA with FIN', { type: 'data', streamId: 3, fin: true, data: Buffer.from('hi') }, '00000003 01000002 6869'],
  ['empty DATA', { type: 'data', streamId: 1, fin: false, data: Buffer.alloc(0) }, '00000001 00000000'],
  ['SYN_REPLY', { type: 'syn_reply', streamId: 1, fin: false, headerBlock: hex('abcd') }, '8003 0002 00000006 00000001 abcd'],
  [
    'SYN_STREAM',
    { type: 'syn_stream', streamId: 1, associatedId: 0, priority: 0, fin: false, unidirectional: false, headerBlock: hex('ab') },
    '8003 0001 0000000b 00000001 00000000 0000 ab',
  ],
];

// kubectl 1.32's first SYN_STREAM for a port-forward connection, captured with -v=9: the error
// stream of request 0 for port 8080, its header block compressed by Go's zlib with the SPDY dictionary.
const KUBECTL_SYN_STREAM = hex(`
  8003 0001 0000003e 00000001 00000000 0000
  78f9e3c6 a7c20225 3a703a2b 294a4dcc 851625ac a9a08086 14cb45e0 1c606160 61c0c0c0 c0590489 c64c50f2 66340000 0000ffff
`);

describe('spdy frames', () => {
  for (const [name, frame, bytes] of GOLDEN) {
    it(`encodes and parses ${name}`, () => {
      assert.deepEqual(encodeFrame(frame), hex(bytes));
      assert.deepEqual(new FrameParser().push(hex(bytes)), [frame]);
    });
  }

  it('parses frames split at any byte and several in one chunk', () => {
    const all = Buffer.concat(GOLDEN.map(([, , b]) => hex(b)));
    const p = new FrameParser();
    const out: Frame[] = [];
    for (const byte of all) out.push(...p.push(Buffer.from([byte])));
    assert.deepEqual(out, GOLDEN.map(([, f]) => f));
    assert.equal(new FrameParser().push(all).length, GOLDEN.length);
  });

  it('refuses another SPDY version', () => {
    assert.throws(() => new FrameParser().push(hex('8002 0006 00000004 00000001')), SpdyProtocolError);
  });

  it('decodes the header block kubectl sends', async () => {
    const [f] = new FrameParser().push(KUBECTL_SYN_STREAM);
    assert.equal(f.type, 'syn_stream');
    if (f.type !== 'syn_stream') return;
    assert.equal(f.streamId, 1);
    const headers = decodeHeaderBlock(await ZlibContext.inflater().run(f.headerBlock));
    assert.deepEqual(headers, { port: ['8080'], requestid: ['0'], streamtype: ['error'] });
  });
});

describe('spdy header blocks', () => {
  it('lays out name/value pairs with NUL-separated values', () => {
    const b = encodeHeaderBlock({ port: ['80'], 'x-a': ['1', '2'] });
    assert.deepEqual(b, hex('00000002 00000004 706f7274 00000002 3830 00000003 782d61 00000003 310032'));
    assert.deepEqual(decodeHeaderBlock(b), { port: ['80'], 'x-a': ['1', '2'] });
  });

  it('compresses with the SPDY dictionary, one context per direction', async () => {
    assert.equal(SPDY_DICTIONARY.length, 1423);
    const out = ZlibContext.deflater();
    const back = ZlibContext.inflater();
    const first = await out.run(encodeHeaderBlock({ streamtype: ['data'], port: ['8080'] }));
    const second = await out.run(encodeHeaderBlock({ streamtype: ['data'], port: ['8081'] }));
    // zlib header with FDICT set: the peer needs the dictionary to read it.
    assert.equal(first[1] & 0x20, 0x20);
    assert.ok(second.length < first.length, 'the second block reuses the shared context');
    assert.deepEqual(decodeHeaderBlock(await back.run(first)), { streamtype: ['data'], port: ['8080'] });
    assert.deepEqual(decodeHeaderBlock(await back.run(second)), { streamtype: ['data'], port: ['8081'] });
    out.close();
    back.close();
  });

  it('rejects a truncated block', () => {
    assert.throws(() => decodeHeaderBlock(hex('00000001 00000004 7070')), SpdyProtocolError);
  });
});
