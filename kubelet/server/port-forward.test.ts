import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Peer } from '../../test/fixtures/spdy/peer';
import { netnsFromInfo, SandboxNetnsError } from './cri-streaming';
import { relayCommand, type PodConnection } from './netns-relay';
import { pairKey, parsePort, servePortForward } from './port-forward';

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** A pod connection that echoes (cat) or fails like a refused connect. */
function fakeConnection(fail?: string): PodConnection {
  const child = fail ? spawn('sh', ['-c', `echo '${fail}' >&2; exit 1`]) : spawn('cat');
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined);
  const done = new Promise<string | undefined>((resolve) => child.on('close', (code) => resolve(code === 0 ? undefined : stderr.trim())));
  return { child, done };
}

describe('kubelet port-forward', () => {
  it('pairs streams by requestid, else by stream id', () => {
    const s = (id: number, h: Record<string, string>) => ({ id, header: (n: string) => h[n] });
    assert.equal(pairKey(s(5, { streamtype: 'data', requestid: '2' })), '2');
    assert.equal(pairKey(s(1, { streamtype: 'error' })), '1');
    assert.equal(pairKey(s(3, { streamtype: 'data' })), '1');
  });

  it('validates the port header', () => {
    assert.equal(parsePort('8080'), 8080);
    assert.equal(parsePort(undefined), 'port header not specified');
    assert.match(String(parsePort('0')), /invalid port/);
    assert.match(String(parsePort('80x')), /invalid port/);
  });

  it('finds the sandbox netns in containerd verbose info', () => {
    const spec = { pid: 42, runtimeSpec: { linux: { namespaces: [{ type: 'pid' }, { type: 'network', path: '/var/run/netns/cni-1' }] } } };
    assert.equal(netnsFromInfo(JSON.stringify(spec)), '/var/run/netns/cni-1');
    assert.equal(netnsFromInfo(JSON.stringify({ pid: 42 })), '/proc/42/ns/net');
    assert.throws(() => netnsFromInfo('{}'), SandboxNetnsError);
    assert.deepEqual(relayCommand('/x', 80, 'node').slice(0, 4), ['nsenter', '--net=/x', '--', 'node']);
  });

  describe('over a session', () => {
    let peer: Peer;
    const ports: number[] = [];
    beforeEach(() => {
      peer = new Peer();
      ports.length = 0;
      servePortForward(peer.session, {
        namespace: 'default',
        name: 'web',
        connect: (port) => {
          ports.push(port);
          return fakeConnection(port === 9 ? 'connect ECONNREFUSED 127.0.0.1:9' : undefined);
        },
      });
    });
    afterEach(() => peer.close());

    const dataOf = (id: number) => peer.of('data').filter((d) => d.streamId === id);

    it('relays the data stream and closes the error stream empty', async () => {
      await peer.open(1, { streamtype: ['error'], port: ['8080'], requestid: ['0'] });
      await peer.open(3, { streamtype: ['data'], port: ['8080'], requestid: ['0'] });
      peer.send({ type: 'data', streamId: 1, fin: true, data: Buffer.alloc(0) });
      peer.send({ type: 'data', streamId: 3, fin: true, data: Buffer.from('hello pod') });
      await tick(300);
      assert.deepEqual(ports, [8080]);
      assert.equal(Buffer.concat(dataOf(3).map((d) => d.data)).toString(), 'hello pod');
      assert.ok(dataOf(3).some((d) => d.fin));
      assert.deepEqual(dataOf(1).map((d) => [d.data.length, d.fin]), [[0, true]]);
    });

    it('writes a connection failure to the error stream', async () => {
      await peer.open(1, { streamtype: ['error'], port: ['9'], requestid: ['4'] });
      await peer.open(3, { streamtype: ['data'], port: ['9'], requestid: ['4'] });
      await tick(300);
      const msg = Buffer.concat(dataOf(1).map((d) => d.data)).toString();
      assert.equal(msg, 'error forwarding port 9 to pod default/web: connect ECONNREFUSED 127.0.0.1:9');
      assert.ok(dataOf(1).some((d) => d.fin));
    });

    it('refuses a stream without a known streamtype', async () => {
      await peer.open(1, { port: ['80'] });
      await tick();
      assert.equal(peer.of('rst_stream')[0].streamId, 1);
    });
  });
});
