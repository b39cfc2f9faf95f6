// Exec and attach streams: the client (the apiserver, for kubectl) speaks v5/v4.channel.k8s.io to
// the kubelet; the kubelet asks CRI Exec for a URL on containerd's streaming server and speaks
// v4.channel.k8s.io to it, relaying every channel message unchanged. containerd 1.6 predates v5,
// so v5's close-stream message (channel 255) cannot be forwarded: stdin half-close is dropped
// and the session ends when the process ends.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptUpgrade, connectWebSocket, type WebSocket } from '../../lib/websocket/websocket';
import { componentLogger } from '../../lib/log';
import type { CriStreaming } from './cri-streaming';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const CLOSE_CHANNEL = 255;
const ERROR_CHANNEL = 3;

const log = componentLogger('kubelet', { part: 'exec' });

export interface ExecParams {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function parseExecParams(q: URLSearchParams): ExecParams {
  const b = (n: string) => q.get(n) === 'true' || q.get(n) === '1';
  return { command: q.getAll('command'), stdin: b('stdin'), stdout: b('stdout'), stderr: b('stderr'), tty: b('tty') };
}

/** A failure before the process started, as the Status message on the error channel. */
export function errorStatusMessage(message: string): Buffer {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
  return Buffer.concat([Buffer.from([ERROR_CHANNEL]), Buffer.from(JSON.stringify(status))]);
}

/** Relays both ways; `early` holds client messages that arrived before the runtime answered. */
export function relay(client: WebSocket, runtime: WebSocket, early: Buffer[] = []): void {
  const toRuntime = (data: Buffer) => {
    if (data.length > 0 && data[0] === CLOSE_CHANNEL) return;
    runtime.send(data);
  };
  for (const d of early) toRuntime(d);
  client.on('message', toRuntime);
  runtime.on('message', (data: Buffer) => client.send(data));
  runtime.on('close', () => client.close(1000));
  client.on('close', () => runtime.close(1000));
}

export async function serveExec(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  containerId: string | undefined,
  params: ExecParams,
  cri: CriStreaming,
): Promise<void> {
  const client = acceptUpgrade(req, socket, head, EXEC_PROTOCOLS);
  if (!client) return;
  // kubectl sends stdin at once; keep it until containerd's stream is connected.
  const early: Buffer[] = [];
  const hold = (d: Buffer) => early.push(d);
  client.on('message', hold);
  if (!containerId) {
    client.send(errorStatusMessage('container not found or not running'));
    client.close(1000);
    return;
  }
  try {
    if (params.command.length === 0) throw new Error('you must specify at least one command for the container');
    const url = await cri.exec({ containerId, cmd: params.command, tty: params.tty, stdin: params.stdin, stdout: params.stdout, stderr: params.stderr && !params.tty });
    const runtime = await connectWebSocket(url, { protocols: ['v4.channel.k8s.io'] });
    client.off('message', hold);
    relay(client, runtime, early);
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'exec failed');
    client.send(errorStatusMessage((e as Error).message));
    client.close(1000);
  }
}
