import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { connectWebSocket, type WebSocket } from '../../lib/websocket/websocket';
import { decodeChannelMessage, encodeChannelMessage, encodingOf } from '../../lib/websocket/channels';
import type { PodConnection } from './netns-relay';
import { dataChannelPort, forwardErrorText, parseForwardPorts, portPrefix, PortForwardOptionsError } from './port-forward-ws';
import { servePortForwardUpgrade } from './port-forward';

/** A pod connection that echoes (cat), or fails like a refused connect. */
function fakeConnection(fail?: string): PodConnection {
  const child = fail ? spawn('sh', ['-c', `echo '${fail}' >&2; exit 1`]) : spawn('cat');
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined);
  const done = new Promise<string | undefined>((resolve) => child.on('close', (code) => resolve(code === 0 ? undefined : stderr.trim())));
  return { child, done };
}

describe('kubelet port-forward over WebSocket channels', () => {
  it('reads the ports query as upstream: repeated or comma-separated, 1..65535', () => {
    assert.deepEqual(parseForwardPorts(['8080']), [8080]);
    assert.deepEqual(parseForwardPorts(['80,443', '8080']), [80, 443, 8080]);
    const refused: [string[], RegExp][] = [
      [[], /query parameter "ports" is required/],
      [[''], /query parameter "ports" cannot be empty/],
      [['80,'], /unable to parse "80," as a port: .*invalid syntax/],
      [['http'], /unable to parse "http" as a port/],
      [['-1'], /unable to parse "-1" as a port/],
      [['65536'], /value out of range/],
      [['0'], /port "0" must be > 0/],
    ];
    for (const [values, msg] of refused) assert.throws(() => parseForwardPorts(values), (e: unknown) => e instanceof PortForwardOptionsError && msg.test(e.message), JSON.stringify(values));
  });

  it('announces each port as two little-endian bytes and maps channels to ports', () => {
    assert.deepEqual(portPrefix(8080), Buffer.from([0x90, 0x1f]));
    assert.deepEqual(portPrefix(1), Buffer.from([1, 0]));
    assert.equal(dataChannelPort(0, 2), 0);
    assert.equal(dataChannelPort(2, 2), 1);
    assert.equal(dataChannelPort(1, 2), undefined, 'error channels carry nothing from the client');
    assert.equal(dataChannelPort(4, 2), undefined, 'beyond the ports asked for');
    assert.equal(forwardErrorText(9, { namespace: 'ns', name: 'p' }, 'refused'), 'error forwarding port 9 to pod ns/p: refused');
  });

  describe('serving', () => {
    let server: http.Server;
    let port: number;
    const connected: number[] = [];
    const conns: PodConnection[] = [];
    before(async () => {
      server = http.createServer();
      server.on('upgrade', (req, socket, head) => {
        const url = new URL(req.url ?? '/', 'http://x');
        servePortForwardUpgrade(req, socket, head, url.searchParams, {
          namespace: 'default',
          name: 'web',
          connect: (p) => {
            connected.push(p);
            if (p === 7) throw new Error('no such netns');
            const c = fakeConnection(p === 9 ? 'connect ECONNREFUSED 127.0.0.1:9' : undefined);
            conns.push(c);
            return c;
          },
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as AddressInfo).port;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    beforeEach(() => {
      connected.length = 0;
      conns.length = 0;
    });

    interface Session {
      ws: WebSocket;
      enc: 'binary' | 'base64';
      byChannel: Map<number, Buffer[]>;
      /** What came on a channel after the port announcement. */
      payload(channel: number): string;
    }

    /** Runs `drive` on a new session, then closes it (unless the server did); resolves once closed. */
    async function session(query: string, protocols: string[], drive: (s: Session) => Promise<void>): Promise<Session & { code: number }> {
      const ws = await connectWebSocket(`ws://127.0.0.1:${port}/portForward/default/web?${query}`, { protocols });
      const enc = encodingOf(ws.protocol);
      const byChannel = new Map<number, Buffer[]>();
      ws.on('message', (m: Buffer) => {
        const d = decodeChannelMessage(enc, m)!;
        byChannel.set(d.channel, [...(byChannel.get(d.channel) ?? []), d.data]);
      });
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      const s: Session = { ws, enc, byChannel, payload: (ch) => Buffer.concat((byChannel.get(ch) ?? []).slice(1)).toString() };
      await drive(s);
      ws.close(1000);
      return { ...s, code: await closed };
    }

    it('v4.channel.k8s.io: port first on both channels, then the data', async () => {
      const r = await session('ports=8080', ['v5.channel.k8s.io', 'v4.channel.k8s.io'], async (s) => {
        s.ws.send(encodeChannelMessage(s.enc, 0, Buffer.from('hello ')));
        s.ws.send(encodeChannelMessage(s.enc, 1, Buffer.from('the error channel takes nothing')));
        s.ws.send(encodeChannelMessage(s.enc, 0, Buffer.from('pod')));
        await waitUntil(() => s.payload(0) === 'hello pod');
      });
      assert.equal(r.ws.protocol, 'v4.channel.k8s.io');
      assert.deepEqual(connected, [8080]);
      assert.deepEqual(r.byChannel.get(0)![0], portPrefix(8080));
      assert.deepEqual(r.byChannel.get(1), [portPrefix(8080)]);
      assert.equal(r.payload(0), 'hello pod');
    });

    it('v4.base64.channel.k8s.io and several ports; a refused connection is reported on its error channel', async () => {
      const r = await session('ports=8080,9', ['v4.base64.channel.k8s.io'], async (s) => {
        s.ws.send(encodeChannelMessage(s.enc, 0, Buffer.from('a')));
        await waitUntil(() => s.payload(0) === 'a' && s.payload(3) !== '');
      });
      assert.equal(r.ws.protocol, 'v4.base64.channel.k8s.io');
      assert.deepEqual(connected, [8080, 9]);
      for (const ch of [2, 3]) assert.deepEqual(r.byChannel.get(ch)![0], portPrefix(9));
      assert.equal(r.payload(3), 'error forwarding port 9 to pod default/web: connect ECONNREFUSED 127.0.0.1:9');
      assert.equal(r.payload(1), '');
    });

    it('closes by itself once every connection has ended, also when none could start', async () => {
      let closedByServer = 0;
      const r = await session('ports=7', ['v4.channel.k8s.io'], async (s) => {
        await new Promise<void>((resolve) => s.ws.on('close', (code) => resolve(void (closedByServer = code))));
      });
      assert.equal(closedByServer, 1000);
      assert.equal(r.code, 1000);
      assert.equal(r.payload(1), 'error forwarding port 7 to pod default/web: no such netns');
    });

    it('ends the pod connections when the client goes away', async () => {
      const r = await session('ports=8080', [], async (s) => {
        await waitUntil(() => s.byChannel.has(1));
      });
      assert.equal(r.ws.protocol, '', 'no subprotocol is binary channels');
      await conns[0].done;
      assert.notEqual(conns[0].child.exitCode ?? conns[0].child.signalCode, null);
    });

    it('answers 400 with upstream wording when the ports are missing or bad', async () => {
      for (const [q, msg] of [
        ['', 'query parameter "ports" is required'],
        ['ports=0', 'port "0" must be > 0'],
      ]) {
        const err = await connectWebSocket(`ws://127.0.0.1:${port}/portForward/default/web?${q}`, { protocols: ['v4.channel.k8s.io'] }).then(
          () => undefined,
          (e: { statusCode?: number; body?: string }) => e,
        );
        assert.equal(err?.statusCode, 400, q);
        assert.equal(err?.body, msg);
      }
      assert.deepEqual(connected, []);
    });
  });
});

async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
