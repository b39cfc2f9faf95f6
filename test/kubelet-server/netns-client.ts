// A client for the streaming tests, run as its own process inside a test cluster's network
// namespace (where the apiserver is reachable; a Node process cannot enter one itself):
// `node netns-client.js '<json request>'` prints one JSON result line. It speaks the streaming
// protocols the way the official clients do: @kubernetes/client-node's PortForward, raw
// WebSocket channel sessions (exec with the Python client's `stdout=True`, port-forward with
// `ports`), and frames that break RFC 6455 on purpose.
import * as tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { loadKubeconfig, type Credentials } from '../../lib/client/kubeconfig';
import { decodeChannelMessage, encodeChannelMessage, encodingOf } from '../../lib/websocket/channels';
import { connectWebSocket } from '../../lib/websocket/websocket';
import { run } from '../harness/exec';

export type NetnsRequest =
  /** PortForward of @kubernetes/client-node to one pod port; `send` is written, the answer collected. */
  | { kind: 'client-node-forward'; kubeconfig: string; namespace: string; pod: string; port: number; send: string }
  /** A WebSocket channel session on `path`: sends the messages, collects every channel until the server closes. */
  | { kind: 'channels'; kubeconfig: string; path: string; protocols: string[]; send: { channel: number; data: string }[] }
  /** Upgrades `path` and sends one frame a client must not send; reports the close code that came back. */
  | { kind: 'bad-frame'; kubeconfig: string; path: string; protocol: string; frame: 'oversized' | 'unmasked' };

export type NetnsResult =
  | { kind: 'client-node-forward'; output: string; error: string; closeCode: number }
  | { kind: 'channels'; protocol: string; channels: Record<number, string[]>; closeCode: number }
  | { kind: 'channels-refused'; status?: number; body?: string }
  | { kind: 'bad-frame'; closeCode?: number };

/** Runs one request in the network namespace and returns its result. */
export async function inNetns(netns: string, req: NetnsRequest): Promise<NetnsResult> {
  const r = await run([process.execPath, __filename, JSON.stringify(req)], { netns, timeoutMs: 60_000 });
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as NetnsResult;
}

const collector = () => {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  });
  return { w, text: () => Buffer.concat(chunks).toString() };
};

async function clientNodeForward(r: Extract<NetnsRequest, { kind: 'client-node-forward' }>): Promise<NetnsResult> {
  // Loaded only here: it is large, and the other requests do without it.
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(r.kubeconfig);
  const out = collector();
  const err = collector();
  const input = new PassThrough();
  const ws = (await new k8s.PortForward(kc).portForward(r.namespace, r.pod, [r.port], out.w, err.w, input)) as unknown as {
    on(e: 'close', f: (code: number) => void): void;
  };
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  input.write(r.send);
  const closeCode = await closed;
  return { kind: 'client-node-forward', output: out.text(), error: err.text(), closeCode };
}

function tlsOf(c: Credentials) {
  return { ca: c.ca, cert: c.cert, key: c.key, rejectUnauthorized: !c.insecureSkipTlsVerify };
}

async function channels(r: Extract<NetnsRequest, { kind: 'channels' }>): Promise<NetnsResult> {
  const c = loadKubeconfig(r.kubeconfig);
  let ws;
  try {
    ws = await connectWebSocket(c.server.replace(/\/$/, '') + r.path, { protocols: r.protocols, tls: tlsOf(c) });
  } catch (e) {
    const h = e as { statusCode?: number; body?: string };
    return { kind: 'channels-refused', status: h.statusCode, body: h.body };
  }
  const enc = encodingOf(ws.protocol);
  const got: Record<number, string[]> = {};
  ws.on('message', (m: Buffer) => {
    const d = decodeChannelMessage(enc, m);
    if (d) (got[d.channel] ??= []).push(d.data.toString('base64'));
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  for (const m of r.send) ws.send(encodeChannelMessage(enc, m.channel, Buffer.from(m.data)));
  return { kind: 'channels', protocol: ws.protocol, channels: got, closeCode: await closed };
}

/** A masked (or not) binary frame header claiming `length` bytes, with `payload` after it. */
function frameHeader(length: number, masked: boolean): Buffer {
  const head = Buffer.alloc(masked ? 14 : 10);
  head[0] = 0x82;
  head[1] = (masked ? 0x80 : 0) | 127;
  head.writeBigUInt64BE(BigInt(length), 2);
  if (masked) randomBytes(4).copy(head, 10);
  return head;
}

async function badFrame(r: Extract<NetnsRequest, { kind: 'bad-frame' }>): Promise<NetnsResult> {
  const c = loadKubeconfig(r.kubeconfig);
  const u = new URL(c.server);
  const socket = tls.connect({ host: u.hostname, port: Number(u.port || 443), servername: /^[\d.]+$/.test(u.hostname) ? undefined : u.hostname, ...tlsOf(c) });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  let buf = Buffer.alloc(0);
  let upgraded = false;
  const result = new Promise<number | undefined>((resolve) => {
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, 12).equals(Buffer.from('HTTP/1.1 101'))) return resolve(undefined);
        upgraded = true;
        buf = buf.subarray(end + 4);
        // Only the header: the claimed length alone must be refused.
        if (r.frame === 'oversized') socket.write(frameHeader(64 * 1024 * 1024, true));
        else socket.write(Buffer.concat([Buffer.from([0x82, 0x01]), Buffer.from('x')]));
      }
      // Scan the server's frames for its close frame.
      for (let off = 0; off + 2 <= buf.length; ) {
        const len = buf[off + 1] & 0x7f;
        if ((buf[off] & 0x0f) === 0x8 && off + 4 <= buf.length) return resolve(buf.readUInt16BE(off + 2));
        off += 2 + len;
      }
    });
    socket.on('close', () => resolve(undefined));
  });
  socket.write(
    [
      `GET ${r.path} HTTP/1.1`,
      `Host: ${u.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Protocol: ${r.protocol}`,
      '',
      '',
    ].join('\r\n'),
  );
  const closeCode = await result;
  socket.destroy();
  return { kind: 'bad-frame', closeCode };
}

async function main(): Promise<void> {
  const r = JSON.parse(process.argv[2]) as NetnsRequest;
  const out = r.kind === 'client-node-forward' ? await clientNodeForward(r) : r.kind === 'channels' ? await channels(r) : await badFrame(r);
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
