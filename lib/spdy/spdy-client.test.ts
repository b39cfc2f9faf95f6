import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { RST_REFUSED_STREAM } from './frames';
import { SpdySession, type SpdyStream } from './session';
import { awaitReply, chosenProtocol, connectSpdy, openStream, SpdyHandshakeError, SpdyStreamRefusedError } from './spdy-client';

const tick = () => new Promise((r) => setTimeout(r, 20));

/** A client and a server session wired to each other in memory. */
function pair(): { client: SpdySession; server: SpdySession; accepted: SpdyStream[] } {
  let client!: SpdySession;
  const server = new SpdySession({ write: (b) => (client.receive(b), true), close: () => client.transportClosed() });
  client = new SpdySession({ write: (b) => (server.receive(b), true), close: () => server.transportClosed() }, { client: true });
  const accepted: SpdyStream[] = [];
  server.on('stream', (s: SpdyStream) => {
    accepted.push(s);
    if (s.header('streamtype') === 'refuse') s.reset(RST_REFUSED_STREAM);
    else s.reply({ answer: [`to-${s.header('streamtype')}`] });
  });
  return { client, server, accepted };
}

/** Collects what a stream receives until the peer half-closes it. */
const readAll = (s: SpdyStream): Promise<string> =>
  new Promise((resolve) => {
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => resolve(Buffer.concat(got).toString()));
  });

describe('spdy client session', () => {
  it('opens odd-numbered streams whose headers reach the server and whose replies come back', async () => {
    const { client, server, accepted } = pair();
    const a = await openStream(client, { streamtype: ['error'] });
    const b = await openStream(client, { streamtype: ['stdin'] });
    assert.deepEqual([a.id, b.id], [1, 3]);
    assert.deepEqual(accepted.map((s) => [s.id, s.header('streamtype')]), [[1, 'error'], [3, 'stdin']]);
    assert.deepEqual(b.replyHeaders, { answer: ['to-stdin'] });
    client.close();
    assert.ok(server.isClosed);
  });

  it('carries data both ways; FIN half-closes each direction separately', async () => {
    const { client, accepted } = pair();
    const s = client.openStream({ streamtype: ['stdin'] });
    // Data written before the reply follows the SYN_STREAM, in order.
    s.write(Buffer.from('a\n'));
    s.end(Buffer.from('b\n'));
    await awaitReply(s);
    await tick();
    const remote = accepted[0];
    assert.ok(remote.remoteClosed, 'the server saw our FIN');
    assert.ok(!s.closed, 'the server may still answer');
    const answer = readAll(s);
    remote.end(Buffer.from('2\n'));
    assert.equal(await answer, '2\n');
    assert.ok(s.closed && remote.closed);
  });

  it('receives a reply, data and FIN sent back to back, in order', async () => {
    const { client, server } = pair();
    server.removeAllListeners('stream');
    server.on('stream', (s: SpdyStream) => {
      s.reply();
      s.end(Buffer.from('{"status":"Success"}'));
    });
    const s = client.openStream({ streamtype: ['error'] });
    assert.equal(await readAll(s), '{"status":"Success"}');
  });

  it('rejects the reply wait when the server resets the stream', async () => {
    const { client } = pair();
    const s = client.openStream({ streamtype: ['refuse'] });
    await assert.rejects(awaitReply(s), (e: SpdyStreamRefusedError) => e.code === 'SPDY_STREAM_REFUSED' && e.resetStatus === RST_REFUSED_STREAM);
  });

  it('accepts the even-numbered streams a server peer opens', async () => {
    const { client, server } = pair();
    const seen: SpdyStream[] = [];
    client.on('stream', (s: SpdyStream) => seen.push(s));
    server.openStream({ x: ['even'] });
    await tick();
    assert.deepEqual(seen.map((s) => s.id), [2]);
  });

  it('picks only a protocol it offered', () => {
    assert.equal(chosenProtocol(['v4.channel.k8s.io', 'v3.channel.k8s.io'], 'v3.channel.k8s.io'), 'v3.channel.k8s.io');
    assert.equal(chosenProtocol(['v4.channel.k8s.io'], 'v9'), undefined);
    assert.equal(chosenProtocol(['v4.channel.k8s.io'], undefined), undefined);
    assert.equal(chosenProtocol([], undefined), '');
  });
});

describe('spdy client handshake', () => {
  let server: http.Server;
  let url: string;

  beforeEach(async () => {
    server = http.createServer((_req, res) => res.writeHead(400).end('not an upgrade'));
    server.on('upgrade', (req, socket, head) => {
      const offered = ([] as string[]).concat(req.headers['x-stream-protocol-version'] ?? []).flatMap((v) => v.split(',').map((p) => p.trim()));
      const version = offered.find((p) => p === 'v4.channel.k8s.io');
      if (req.method !== 'POST' || !version) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno');
        return;
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${version}\r\n\r\n`);
      const session = new SpdySession({ write: (b) => socket.write(b), close: () => socket.end() });
      socket.on('data', (c: Buffer) => session.receive(c));
      socket.on('close', () => session.transportClosed());
      if (head.length) session.receive(head);
      // An echo service: whatever a stream sends comes back, then the stream ends.
      session.on('stream', (s: SpdyStream) => {
        s.reply();
        const got: Buffer[] = [];
        s.on('data', (d: Buffer) => got.push(d));
        s.on('end', () => s.end(Buffer.concat(got)));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exec/token`;
  });
  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  it('upgrades with the preferred protocol and streams over the socket', async () => {
    const { session, protocol } = await connectSpdy(url, { protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io'] });
    assert.equal(protocol, 'v4.channel.k8s.io');
    const s = await openStream(session, { streamtype: ['stdin'] });
    const echoed = readAll(s);
    s.end(Buffer.from('round trip'));
    assert.equal(await echoed, 'round trip');
    session.close();
  });

  it('reports a refused upgrade with its status', async () => {
    await assert.rejects(connectSpdy(url, { protocols: ['v1.channel.k8s.io'] }), (e: SpdyHandshakeError) => e.code === 'SPDY_HANDSHAKE_FAILED' && e.statusCode === 403);
  });
});
