import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeFrame, FrameParser, OP_BINARY, OP_TEXT } from './frames';
import { acceptKey, acceptUpgrade, connectWebSocket, type WebSocket } from './websocket';

describe('websocket', () => {
  it('computes the RFC 6455 accept key', () => {
    assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('parses masked frames of every length class, split at any byte', () => {
    const payloads = [Buffer.from('hi'), Buffer.alloc(300, 7), Buffer.alloc(70_000, 9)];
    const wire = Buffer.concat(payloads.map((p) => encodeFrame(OP_BINARY, p, true)));
    const parser = new FrameParser();
    const got = [];
    for (let i = 0; i < wire.length; i += 997) got.push(...parser.push(wire.subarray(i, i + 997)));
    assert.deepEqual(got.map((f) => f.payload), payloads);
    assert.equal(new FrameParser().push(encodeFrame(OP_TEXT, Buffer.from('x'), false))[0].opcode, OP_TEXT);
  });

  it('negotiates a subprotocol and echoes messages both ways', async () => {
    const server = http.createServer();
    server.on('upgrade', (req, socket, head) => {
      const ws = acceptUpgrade(req, socket, head, ['v5.channel.k8s.io']);
      ws?.on('message', (d: Buffer) => ws.send(Buffer.concat([Buffer.from('echo:'), d])));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      const ws: WebSocket = await connectWebSocket(`ws://127.0.0.1:${port}/x`, { protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io'] });
      assert.equal(ws.protocol, 'v5.channel.k8s.io');
      const reply = new Promise<Buffer>((r) => ws.once('message', r));
      ws.send(Buffer.from('hello'));
      assert.equal((await reply).toString(), 'echo:hello');
      const closed = new Promise<number>((r) => ws.once('close', r));
      ws.close(1000);
      assert.equal(await closed, 1000);
      await assert.rejects(connectWebSocket(`ws://127.0.0.1:${port}/x`, { protocols: ['other'] }), /400/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
