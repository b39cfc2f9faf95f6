import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  acceptUpgrade,
  chooseProtocol,
  connectWebSocket,
  MAX_MESSAGE_BYTES,
  MessageSender,
  offeredProtocols,
  WebSocket,
  WebSocketHandshakeError,
} from './websocket';

const TUNNEL = 'SPDY/3.1+portforward.k8s.io';

/** An echo server on loopback speaking the given subprotocols; every accepted socket is kept. */
async function echoServer(supported: string[]): Promise<{ port: number; accepted: WebSocket[]; close(): Promise<void> }> {
  const accepted: WebSocket[] = [];
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => {
    const a = acceptUpgrade(req, socket, head, supported);
    if (!a) return;
    accepted.push(a.ws);
    a.ws.on('message', (d: Buffer, binary: boolean) => a.ws.send(binary ? Buffer.concat([Buffer.from(`${a.protocol}:`), d]) : `${a.protocol}:${d.toString()}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    accepted,
    close: async () => {
      for (const ws of accepted) ws.terminate();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A client frame written by hand, so that a test can break the rules ws itself never breaks. */
function frame(o: { opcode: number; payload: Buffer; mask?: boolean; fin?: boolean; claimedLength?: number }): Buffer {
  const len = o.claimedLength ?? o.payload.length;
  const head: number[] = [(o.fin === false ? 0 : 0x80) | o.opcode];
  const maskBit = o.mask === false ? 0 : 0x80;
  let ext = Buffer.alloc(0);
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(len);
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(len));
  }
  if (o.mask === false) return Buffer.concat([Buffer.from(head), ext, o.payload]);
  const key = randomBytes(4);
  const body = Buffer.from(o.payload.map((b, i) => b ^ key[i & 3]));
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/** A raw client after the handshake: what the server sent back, and when it hung up. */
async function rawClient(port: number, protocol: string): Promise<{ socket: net.Socket; received: () => Buffer }> {
  const socket = net.connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let upgraded!: () => void;
  const ready = new Promise<void>((r) => (upgraded = r));
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    const end = buf.indexOf('\r\n\r\n');
    if (end >= 0 && buf.subarray(0, 12).toString() === 'HTTP/1.1 101') {
      buf = buf.subarray(end + 4);
      upgraded();
    }
  });
  // The server may reset the connection after refusing a frame: that is not a test failure.
  socket.on('error', () => undefined);
  socket.write(
    [
      'GET /x HTTP/1.1',
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Protocol: ${protocol}`,
      '',
      '',
    ].join('\r\n'),
  );
  await ready;
  return { socket, received: () => buf };
}

/** The close code in the server's close frame (servers send it unmasked, short). */
function closeCode(b: Buffer): number | undefined {
  for (let off = 0; off + 2 <= b.length; ) {
    const op = b[off] & 0x0f;
    const len = b[off + 1] & 0x7f;
    if (op === 0x8) return len >= 2 ? b.readUInt16BE(off + 2) : 1005;
    off += 2 + len;
  }
  return undefined;
}

async function echoOnce(port: number, protocol: string, text: string): Promise<string> {
  const ws = await connectWebSocket(`ws://127.0.0.1:${port}/x`, { protocols: [protocol] });
  const reply = new Promise<string>((r) => ws.once('message', (d: Buffer) => r(d.toString())));
  ws.send(Buffer.from(text));
  const got = await reply;
  ws.close(1000);
  return got;
}

describe('websocket', () => {
  it('reads offered subprotocols from one or repeated headers', () => {
    assert.deepEqual(offeredProtocols('v5.channel.k8s.io, v4.channel.k8s.io'), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    assert.deepEqual(offeredProtocols(['a', 'b ,c']), ['a', 'b', 'c']);
    assert.deepEqual(offeredProtocols(undefined), []);
  });

  it('chooses the first offered protocol the server supports, and "" only when none is offered', () => {
    const cases: [string[], string[], string | undefined][] = [
      [['v5.channel.k8s.io', 'v4.channel.k8s.io'], ['v4.channel.k8s.io', 'v5.channel.k8s.io'], 'v5.channel.k8s.io'],
      [['x', 'v4.channel.k8s.io'], ['v4.channel.k8s.io'], 'v4.channel.k8s.io'],
      [['x'], ['v4.channel.k8s.io', ''], undefined],
      [[], ['v4.channel.k8s.io', ''], ''],
      [[], ['v4.channel.k8s.io'], undefined],
      [[TUNNEL], [TUNNEL], TUNNEL],
    ];
    for (const [offered, supported, want] of cases) assert.equal(chooseProtocol(offered, supported), want, JSON.stringify({ offered, supported }));
  });

  it('negotiates a subprotocol (also one that is not an HTTP token) and echoes both ways', async () => {
    const s = await echoServer(['v5.channel.k8s.io', TUNNEL]);
    try {
      const ws = await connectWebSocket(`http://127.0.0.1:${s.port}/x`, { protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io'] });
      assert.equal(ws.protocol, 'v5.channel.k8s.io');
      const reply = new Promise<Buffer>((r) => ws.once('message', r));
      ws.send(Buffer.from('hello'));
      assert.equal((await reply).toString(), 'v5.channel.k8s.io:hello');
      const closed = new Promise<number>((r) => ws.once('close', r));
      ws.close(1000);
      assert.equal(await closed, 1000);
      // kubectl's tunnel protocol has a '/', which ws alone would refuse: a raw client offers it.
      const raw = await rawClient(s.port, TUNNEL);
      raw.socket.write(frame({ opcode: 0x2, payload: Buffer.from('spdy') }));
      await waitUntil(() => raw.received().includes(`${TUNNEL}:spdy`));
      raw.socket.destroy();
    } finally {
      await s.close();
    }
  });

  it('refuses an upgrade without a supported protocol with a 400 that says why', async () => {
    const s = await echoServer(['v5.channel.k8s.io']);
    try {
      const err = await connectWebSocket(`ws://127.0.0.1:${s.port}/x`, { protocols: ['other'] }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof WebSocketHandshakeError);
      assert.equal(err.statusCode, 400);
      assert.match(err.message, /no supported protocol in \[other\]/);
    } finally {
      await s.close();
    }
  });

  describe('refuses what a client must not send, and keeps serving', () => {
    let s: Awaited<ReturnType<typeof echoServer>>;
    beforeEach(async () => (s = await echoServer(['v4.channel.k8s.io'])));
    afterEach(() => s.close());

    const refused = async (wire: Buffer): Promise<number | undefined> => {
      const raw = await rawClient(s.port, 'v4.channel.k8s.io');
      raw.socket.write(wire);
      await waitUntil(() => closeCode(raw.received()) !== undefined);
      raw.socket.destroy();
      return closeCode(raw.received());
    };

    it('a frame larger than the message cap: 1009, before its payload arrives', async () => {
      // Only the header is sent: the length alone is enough to refuse it.
      assert.equal(await refused(frame({ opcode: 0x2, payload: Buffer.alloc(0), claimedLength: MAX_MESSAGE_BYTES + 1 })), 1009);
      assert.equal(await echoOnce(s.port, 'v4.channel.k8s.io', 'still here'), 'v4.channel.k8s.io:still here');
    });

    it('a message over the cap in fragments: 1009', async () => {
      // The second fragment's header takes the message over the cap; its payload never comes.
      const half = MAX_MESSAGE_BYTES / 2 + 1;
      const wire = Buffer.concat([frame({ opcode: 0x2, payload: Buffer.alloc(half, 1), fin: false }), frame({ opcode: 0x0, payload: Buffer.alloc(0), claimedLength: half })]);
      assert.equal(await refused(wire), 1009);
      assert.equal(await echoOnce(s.port, 'v4.channel.k8s.io', 'ok'), 'v4.channel.k8s.io:ok');
    });

    it('an unmasked client frame: 1002', async () => {
      assert.equal(await refused(frame({ opcode: 0x2, payload: Buffer.from('x'), mask: false })), 1002);
      assert.equal(await echoOnce(s.port, 'v4.channel.k8s.io', 'ok'), 'v4.channel.k8s.io:ok');
    });

    it('a control frame over 125 bytes: 1002', async () => {
      assert.equal(await refused(frame({ opcode: 0x9, payload: Buffer.alloc(126) })), 1002);
      assert.equal(await echoOnce(s.port, 'v4.channel.k8s.io', 'ok'), 'v4.channel.k8s.io:ok');
    });

    it('a text message that is not UTF-8: 1007', async () => {
      assert.equal(await refused(frame({ opcode: 0x1, payload: Buffer.from([0xc3, 0x28]) })), 1007);
      assert.equal(await echoOnce(s.port, 'v4.channel.k8s.io', 'ok'), 'v4.channel.k8s.io:ok');
    });
  });

  it('MessageSender says when to stop and calls back once the peer has read the backlog', async () => {
    const s = await echoServer(['v4.channel.k8s.io']);
    try {
      const raw = await rawClient(s.port, 'v4.channel.k8s.io');
      await waitUntil(() => s.accepted.length === 1);
      raw.socket.pause(); // the peer stops reading
      let drained = 0;
      const sender = new MessageSender(s.accepted[0], () => drained++, 64 * 1024);
      let sent = 0;
      const chunk = Buffer.alloc(16 * 1024, 7);
      // Far more than the kernel's socket buffers hold: the sender must say stop well before.
      while (sent < 100_000 && sender.send(chunk)) sent++;
      assert.ok(sent < 100_000, 'the sender never said stop');
      assert.equal(drained, 0);
      raw.socket.resume();
      await waitUntil(() => drained === 1);
      raw.socket.destroy();
    } finally {
      await s.close();
    }
  });
});

async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
