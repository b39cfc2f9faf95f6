import assert from 'node:assert/strict';
import { decodeHeaderBlock } from './header-codec';
import { DEFAULT_WINDOW, type SpdyStream } from './session';
import { Peer } from '../../test/fixtures/spdy/peer';

const tick = () => new Promise((r) => setTimeout(r, 20));
/** Waits for a condition that depends on zlib work in the thread pool (slow on a loaded machine). */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('spdy session', () => {
  let peer: Peer;
  let streams: SpdyStream[];

  beforeEach(() => {
    peer = new Peer();
    streams = [];
    peer.session.on('stream', (s: SpdyStream) => {
      streams.push(s);
      s.reply();
    });
  });
  afterEach(() => peer.close());

  it('announces streams with their headers and replies', async () => {
    await peer.open(1, { streamtype: ['error'], port: ['80'] });
    await peer.open(3, { streamtype: ['data'], port: ['80'] });
    await tick();
    assert.deepEqual(streams.map((s) => [s.id, s.header('streamtype'), s.header('port')]), [[1, 'error', '80'], [3, 'data', '80']]);
    const replies = peer.of('syn_reply');
    assert.deepEqual(replies.map((r) => r.streamId), [1, 3]);
    assert.deepEqual(decodeHeaderBlock(await peer.inflater.run(replies[0].headerBlock)), {});
  });

  it('carries data both ways and closes a stream after FIN from both sides', async () => {
    await peer.open(1, {});
    await tick();
    const s = streams[0];
    const got: Buffer[] = [];
    let ended = false;
    let closed = false;
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => (ended = true));
    s.on('close', () => (closed = true));
    peer.send({ type: 'data', streamId: 1, fin: true, data: Buffer.from('ping') });
    await tick();
    assert.equal(Buffer.concat(got).toString(), 'ping');
    assert.ok(ended);
    assert.ok(!closed, 'our side is still open');
    s.end(Buffer.from('pong'));
    assert.ok(closed);
    const data = peer.of('data');
    assert.deepEqual(data.map((d) => [d.streamId, d.fin, d.data.toString()]), [[1, true, 'pong']]);
  });

  it('echoes PINGs and resets data for unknown streams', async () => {
    peer.send({ type: 'ping', id: 7 });
    peer.send({ type: 'data', streamId: 9, fin: false, data: Buffer.from('x') });
    await tick();
    assert.deepEqual(peer.of('ping'), [{ type: 'ping', id: 7 }]);
    assert.equal(peer.of('rst_stream')[0].streamId, 9);
  });

  it('refuses even or decreasing stream ids', async () => {
    await peer.open(3, {});
    await peer.open(1, {});
    await peer.open(4, {});
    await tick();
    assert.deepEqual(streams.map((s) => s.id), [3]);
    assert.deepEqual(peer.of('rst_stream').map((r) => r.streamId), [1, 4]);
  });

  it('sends freely to a peer without flow control (as spdystream is)', async () => {
    await peer.open(1, {});
    await until(() => peer.of('syn_reply').length === 1, 'the reply');
    streams[0].write(Buffer.alloc(3 * DEFAULT_WINDOW));
    const sent = peer.of('data').reduce((n, d) => n + d.data.length, 0);
    assert.equal(sent, 3 * DEFAULT_WINDOW);
  });

  it('holds data to the window once the peer does flow control', async () => {
    peer.send({ type: 'settings', clear: false, entries: [{ flags: 0, id: 7, value: 1000 }] });
    await peer.open(1, {});
    // Data waits behind the stream's reply, whose header block is compressed asynchronously.
    await until(() => peer.of('syn_reply').length === 1, 'the reply');
    let drained = false;
    streams[0].on('drain', () => (drained = true));
    assert.equal(streams[0].write(Buffer.alloc(2500)), false);
    const sent = () => peer.of('data').reduce((n, d) => n + d.data.length, 0);
    assert.equal(sent(), 1000);
    peer.send({ type: 'window_update', streamId: 1, delta: 2000 });
    await until(() => sent() === 2500, 'the rest of the data');
    assert.ok(drained);
  });

  it('acknowledges received data with WINDOW_UPDATEs', async () => {
    await peer.open(1, {});
    await tick();
    for (let i = 0; i < 4; i++) peer.send({ type: 'data', streamId: 1, fin: false, data: Buffer.alloc(16 * 1024) });
    await tick();
    const updates = peer.of('window_update');
    assert.ok(updates.some((u) => u.streamId === 1 && u.delta === 32 * 1024));
    assert.ok(updates.some((u) => u.streamId === 0 && u.delta === 32 * 1024));
  });

  it('closes every stream on GOAWAY', async () => {
    await peer.open(1, {});
    await tick();
    let closed = false;
    streams[0].on('close', () => (closed = true));
    peer.send({ type: 'goaway', lastGoodStreamId: 1, status: 0 });
    await tick();
    assert.ok(closed);
    assert.ok(peer.closed);
  });
});
