import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { SpdySession, type SpdyStream } from '../../lib/spdy/session';
import type { WebSocket } from '../../lib/websocket/websocket';
import { errorStatusMessage, parseExecParams, relaySpdy, routeClientMessage, runtimeStreamTypes, runtimeWedged, type ExecParams } from './exec-bridge';

const params = (p: Partial<ExecParams>): ExecParams => ({ command: ['cat'], stdin: false, stdout: true, stderr: true, tty: false, ...p });
const msg = (channel: number, s: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(s)]);

/** The client end of the bridge: records what the kubelet sends to kubectl. */
class FakeClient extends EventEmitter {
  readonly sent: Buffer[] = [];
  closed = false;
  send(b: Buffer): boolean {
    this.sent.push(b);
    return true;
  }
  close(): void {
    this.closed = true;
  }
  byChannel(ch: number): string {
    return Buffer.concat(this.sent.filter((b) => b[0] === ch).map((b) => b.subarray(1))).toString();
  }
}

/** A runtime streaming server in memory: `cat` over the streams, then a success Status. */
function runtime(o: { transportFull?: () => boolean } = {}): { client: SpdySession; opened: string[]; resized: string[]; byType: Map<string, SpdyStream> } {
  let client!: SpdySession;
  const server = new SpdySession({ write: (b) => (client.receive(b), true), close: () => client.transportClosed() });
  // transportFull: the connection toward the runtime stops draining (the runtime stopped reading).
  client = new SpdySession({ write: (b) => (server.receive(b), !o.transportFull?.()), close: () => server.transportClosed() }, { client: true });
  const opened: string[] = [];
  const resized: string[] = [];
  const byType = new Map<string, SpdyStream>();
  server.on('stream', (s: SpdyStream) => {
    const t = s.header('streamtype')!;
    opened.push(t);
    byType.set(t, s);
    s.reply();
    if (t === 'resize') s.on('data', (d: Buffer) => resized.push(d.toString()));
    if (t === 'stdin') {
      s.on('data', (d: Buffer) => byType.get('stdout')?.write(d));
      s.on('end', () => {
        byType.get('stderr')?.end(Buffer.from('done'));
        byType.get('stdout')?.end();
        byType.get('error')?.end(Buffer.from('{"status":"Success"}'));
      });
    }
  });
  return { client, opened, resized, byType };
}

describe('exec and attach parameters', () => {
  it('reads the stream booleans as kube-apiserver does (the Python client sends stdout=True)', () => {
    const p = (q: string) => parseExecParams(new URLSearchParams(q));
    assert.deepEqual(p('command=ls&command=-l&stdin=true&stdout=True&stderr=1&tty=false'), { command: ['ls', '-l'], stdin: true, stdout: true, stderr: true, tty: false });
    assert.deepEqual(p('command=x'), { command: ['x'], stdin: false, stdout: false, stderr: false, tty: false });
    assert.deepEqual(p('stdin=&stdout=0&stderr=False&tty=TRUE'), { command: [], stdin: true, stdout: false, stderr: false, tty: true });
  });

  it('encodes a failure Status on the error channel in the negotiated framing', () => {
    const bin = errorStatusMessage('boom', 'v4.channel.k8s.io') as Buffer;
    assert.equal(bin[0], 3);
    assert.equal(JSON.parse(bin.subarray(1).toString()).message, 'boom');
    const text = errorStatusMessage('boom', 'v4.base64.channel.k8s.io') as string;
    assert.equal(text[0], '3');
    assert.equal(JSON.parse(Buffer.from(text.slice(1), 'base64').toString()).message, 'boom');
  });
});

describe('exec bridge over SPDY', () => {
  it('asks the runtime for the error stream first, then the ones the exec needs', () => {
    assert.deepEqual(runtimeStreamTypes(params({ stdin: true })), ['error', 'stdin', 'stdout', 'stderr']);
    assert.deepEqual(runtimeStreamTypes(params({ stdin: true, tty: true })), ['error', 'stdin', 'stdout', 'resize']);
    assert.deepEqual(runtimeStreamTypes(params({ stderr: false })), ['error', 'stdout']);
  });

  it('routes v5 client channels: stdin, resize, and the stdin close message', () => {
    assert.deepEqual(routeClientMessage(msg(0, 'x')), { stream: 'stdin', payload: Buffer.from('x') });
    assert.deepEqual(routeClientMessage(msg(4, '{"Width":1}')), { stream: 'resize', payload: Buffer.from('{"Width":1}') });
    assert.deepEqual(routeClientMessage(Buffer.from([255, 0])), { close: 'stdin' });
    assert.equal(routeClientMessage(Buffer.from([255, 1])), undefined);
    assert.equal(routeClientMessage(msg(1, 'x')), undefined);
  });

  it('relays stdin to the process, ends it on the close message, and returns output and status', async () => {
    const rt = runtime();
    const ws = new FakeClient();
    // kubectl's first messages arrive before the runtime streams exist.
    const early = [msg(0, 'a\n'), msg(4, '{"Width":80,"Height":24}')].map((data) => ({ data, binary: true }));
    await relaySpdy(ws as unknown as WebSocket, rt.client, params({ stdin: true, tty: true }), early);
    ws.emit('message', msg(0, 'b\n'));
    ws.emit('message', Buffer.from([255, 0]));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(rt.opened, ['error', 'stdin', 'stdout', 'resize']);
    assert.deepEqual(rt.resized, ['{"Width":80,"Height":24}']);
    assert.equal(ws.byChannel(1), 'a\nb\n');
    assert.equal(ws.byChannel(3), '{"status":"Success"}');
    assert.ok(ws.closed);
    assert.ok(rt.client.isClosed);
  });

  it('closes the client only once the error stream and every output are done', async () => {
    const rt = runtime();
    const ws = new FakeClient();
    await relaySpdy(ws as unknown as WebSocket, rt.client, params({}), []);
    await new Promise((r) => setTimeout(r, 20));
    rt.byType.get('error')!.end(Buffer.from('{"status":"Failure","reason":"NonZeroExitCode"}'));
    rt.byType.get('stderr')!.end();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(!ws.closed, 'stdout is still open');
    rt.byType.get('stdout')!.end(Buffer.from('late'));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(ws.byChannel(1), 'late');
    assert.match(ws.byChannel(3), /NonZeroExitCode/);
    assert.ok(ws.closed);
  });

  it('decides the runtime is wedged only when the output ended, no Status came and stdin is stuck', () => {
    assert.equal(runtimeWedged({ outputsEnded: true, statusDone: false, stdinBlocked: true }), true);
    assert.equal(runtimeWedged({ outputsEnded: true, statusDone: false, stdinBlocked: false }), false);
    assert.equal(runtimeWedged({ outputsEnded: false, statusDone: false, stdinBlocked: true }), false);
    assert.equal(runtimeWedged({ outputsEnded: true, statusDone: true, stdinBlocked: true }), false);
  });

  it('ends the exec with a Failure Status when the output ended but the runtime neither sends the Status nor takes stdin', async () => {
    let full = false;
    const rt = runtime({ transportFull: () => full });
    const ws = new FakeClient();
    await relaySpdy(ws as unknown as WebSocket, rt.client, params({ stdin: true }), [], { statusGraceMs: 10 });
    rt.byType.get('stdout')!.end(Buffer.from('y\ny\n'));
    rt.byType.get('stderr')!.end();
    full = true;
    ws.emit('message', msg(0, 'y\n'));
    await waitUntil(() => ws.closed);
    assert.equal(ws.byChannel(1), 'y\ny\n');
    const status = JSON.parse(ws.byChannel(3));
    assert.equal(status.status, 'Failure', 'an unknown exit status is not reported as success');
    assert.match(status.message, /did not report the exit status/);
    assert.ok(rt.client.isClosed);
  });

  it('reports a Failure, not success, when the runtime connection ends before any Status', async () => {
    const rt = runtime();
    const ws = new FakeClient();
    await relaySpdy(ws as unknown as WebSocket, rt.client, params({ stdin: true }), []);
    ws.emit('message', msg(0, 'y\n'));
    // containerd resetting the connection: the transport is simply gone.
    rt.client.transportClosed();
    await waitUntil(() => ws.closed);
    const status = JSON.parse(ws.byChannel(3));
    assert.equal(status.status, 'Failure');
    assert.match(status.message, /closed the exec connection without reporting the exit status/);
  });

  it('keeps waiting for the Status while the runtime still takes stdin', async () => {
    const rt = runtime();
    const ws = new FakeClient();
    await relaySpdy(ws as unknown as WebSocket, rt.client, params({ stdin: true }), [], { statusGraceMs: 10 });
    rt.byType.get('stdout')!.end();
    rt.byType.get('stderr')!.end();
    ws.emit('message', msg(0, 'more'));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!ws.closed, 'a process may close its output and go on reading stdin');
    rt.byType.get('error')!.end(Buffer.from('{"status":"Success"}'));
    await waitUntil(() => ws.closed);
    assert.equal(ws.byChannel(3), '{"status":"Success"}');
  });
});

async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
