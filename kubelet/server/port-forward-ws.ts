// /portForward/<ns>/<pod> over WebSocket channels, the form the official clients speak
// (@kubernetes/client-node's PortForward, the Python client's portforward): subprotocol
// v4.channel.k8s.io, v4.base64.channel.k8s.io or none, and the ports in the `ports` query
// parameter (repeated, or comma-separated). As upstream's kubelet: port i gets channel 2i for
// data (both ways) and 2i+1 for errors (server to client); the server first writes the port
// number (2 bytes, little-endian) on both, connects to the pod's port at once, and reports a
// failed connection as text on the error channel. The WebSocket closes once every port's
// connection has ended.
import { componentLogger } from '../../lib/log';
import { decodeChannelMessage, encodeChannelMessage, encodingOf } from '../../lib/websocket/channels';
import { MessageSender, type WebSocket } from '../../lib/websocket/websocket';
import type { PodConnection } from './netns-relay';
import type { ForwardTarget } from './port-forward';

/** The channel subprotocols upstream's kubelet serves for port-forward ('' is binary). */
export const CHANNEL_PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io', ''];

const log = componentLogger('kubelet', { part: 'port-forward' });

export class PortForwardOptionsError extends Error {
  readonly code = 'PORT_FORWARD_OPTIONS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'PortForwardOptionsError';
  }
}

/** Pure: the ports of a WebSocket port-forward (the `ports` values), in upstream's wording. */
export function parseForwardPorts(values: readonly string[]): number[] {
  if (values.length === 0) throw new PortForwardOptionsError('query parameter "ports" is required');
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') throw new PortForwardOptionsError('query parameter "ports" cannot be empty');
    for (const p of value.split(',')) {
      if (!/^\d+$/.test(p)) throw new PortForwardOptionsError(`unable to parse "${value}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`);
      const n = Number(p);
      if (n > 65535) throw new PortForwardOptionsError(`unable to parse "${value}" as a port: strconv.ParseUint: parsing "${p}": value out of range`);
      if (n < 1) throw new PortForwardOptionsError(`port "${value}" must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

/** Pure: what the server writes first on both channels of a port. */
export function portPrefix(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port, 0);
  return b;
}

/** Pure: the port index a client message is for; undefined when it is not a data channel. */
export function dataChannelPort(channel: number, portCount: number): number | undefined {
  return channel % 2 === 0 && channel < 2 * portCount ? channel / 2 : undefined;
}

/** Pure: the text written on a port's error channel when its connection failed. */
export function forwardErrorText(port: number, target: { namespace: string; name: string }, message: string): string {
  return `error forwarding port ${port} to pod ${target.namespace}/${target.name}: ${message}`;
}

interface Forward {
  port: number;
  conn?: PodConnection;
  done: boolean;
  /** Its pod connection stopped taking what the client sends. */
  blocked: boolean;
}

/** Serves an accepted WebSocket: one pod connection per requested port, relayed on its channels. */
export function serveChannelPortForward(ws: WebSocket, protocol: string, ports: readonly number[], target: ForwardTarget): void {
  const enc = encodingOf(protocol);
  const forwards: Forward[] = ports.map((port) => ({ port, done: false, blocked: false }));
  // The pod side waits while the client is slow to read; the client waits (its socket is no
  // longer read) while a pod connection is slow to take what it sends, as upstream's pipes do.
  const sender = new MessageSender(ws, () => forwards.forEach((f) => f.conn?.child.stdout.resume()));
  const send = (channel: number, data: Buffer) => sender.send(encodeChannelMessage(enc, channel, data));
  let blocked = 0;
  const block = (f: Forward, on: boolean) => {
    if (f.blocked === on) return;
    f.blocked = on;
    blocked += on ? 1 : -1;
    if (on && blocked === 1) ws.pause();
    if (!on && blocked === 0) ws.resume();
  };

  const finished = (f: Forward, i: number, message?: string) => {
    if (f.done) return;
    f.done = true;
    block(f, false);
    if (message) send(2 * i + 1, Buffer.from(forwardErrorText(f.port, target, message)));
    if (forwards.every((x) => x.done)) ws.close(1000);
  };

  forwards.forEach((f, i) => {
    send(2 * i, portPrefix(f.port));
    send(2 * i + 1, portPrefix(f.port));
  });
  forwards.forEach((f, i) => {
    try {
      f.conn = target.connect(f.port);
    } catch (e) {
      finished(f, i, (e as Error).message);
      return;
    }
    const { child, done } = f.conn;
    child.stdout.on('data', (d: Buffer) => {
      if (!send(2 * i, d)) child.stdout.pause();
    });
    child.stdin.on('drain', () => block(f, false));
    void done.then((err) => {
      if (err) log.info({ pod: target.name, port: f.port, err }, 'port-forward connection failed');
      finished(f, i, err);
    });
  });

  ws.on('message', (message: Buffer) => {
    const m = decodeChannelMessage(enc, message);
    if (!m || m.data.length === 0) return;
    const index = dataChannelPort(m.channel, forwards.length);
    const f = index === undefined ? undefined : forwards[index];
    if (!f?.conn || f.done) return;
    if (!f.conn.child.stdin.write(m.data)) block(f, true);
  });
  // The client went away: the pod connections end with it.
  ws.on('close', () => {
    for (const f of forwards) {
      const child = f.conn?.child;
      if (!child || child.exitCode !== null) continue;
      child.stdin.end();
      child.kill('SIGTERM');
    }
  });
}
