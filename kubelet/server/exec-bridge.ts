// Exec and attach streams: the client (the apiserver, for kubectl) speaks v5/v4.channel.k8s.io to
// the kubelet; the kubelet asks CRI Exec or Attach for a URL on containerd's streaming server.
// - A v4 client (binary or base64) is relayed to the runtime over WebSocket with the same
//   subprotocol, message for message.
// - A v5 client may half-close stdin (channel 255), which WebSocket v4 cannot express (containerd
//   1.6 predates v5). So, as the real kubelet's runtime clients do, it reaches the runtime over
//   SPDY/3.1 with remotecommand v4: one SPDY stream per channel, where ending the stdin stream
//   (DATA with FIN) closes the process's stdin.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { queryBool } from '../../lib/api/query-bool';
import { encodeChannelMessage, encodingOf } from '../../lib/websocket/channels';
import { acceptUpgrade, connectWebSocket, type WebSocket } from '../../lib/websocket/websocket';
import { connectSpdy, awaitReply } from '../../lib/spdy/spdy-client';
import type { SpdySession, SpdyStream } from '../../lib/spdy/session';
import { componentLogger } from '../../lib/log';
import type { CriStreaming } from './cri-streaming';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io'];
const V5 = 'v5.channel.k8s.io';
/** What the runtime is asked for over SPDY (newest first, as kubectl offers them). */
const RUNTIME_SPDY_PROTOCOLS = ['v4.channel.k8s.io'];
const STDIN_CHANNEL = 0;
const STDOUT_CHANNEL = 1;
const STDERR_CHANNEL = 2;
const ERROR_CHANNEL = 3;
const RESIZE_CHANNEL = 4;
const CLOSE_CHANNEL = 255;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

const log = componentLogger('kubelet', { part: 'exec' });

export interface ExecParams {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The exec/attach query; booleans as kube-apiserver reads them (the Python client sends `stdout=True`). */
export function parseExecParams(q: URLSearchParams): ExecParams {
  const b = (n: string) => queryBool(q, n);
  return { command: q.getAll('command'), stdin: b('stdin'), stdout: b('stdout'), stderr: b('stderr'), tty: b('tty') };
}

/** A failure before the process started, as the Status message on the error channel. */
export function errorStatusMessage(message: string, protocol: string): Buffer | string {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
  return encodeChannelMessage(encodingOf(protocol), ERROR_CHANNEL, Buffer.from(JSON.stringify(status)));
}

/** A client message as received: its bytes and whether it came as a binary (else text) message. */
export interface ClientMessage {
  data: Buffer;
  binary: boolean;
}

/** Relays both ways; `early` holds client messages that arrived before the runtime answered. */
export function relay(client: WebSocket, runtime: WebSocket, early: ClientMessage[] = []): void {
  const toRuntime = (data: Buffer, binary: boolean) => {
    // v4 has no stdin close message: a v4 runtime must not see one.
    if (binary && data.length > 0 && data[0] === CLOSE_CHANNEL) return;
    runtime.send(data, { binary });
  };
  for (const m of early) toRuntime(m.data, m.binary);
  client.on('message', toRuntime);
  runtime.on('message', (data: Buffer, binary: boolean) => client.send(data, { binary }));
  runtime.on('close', () => client.close(1000));
  client.on('close', () => runtime.close(1000));
}

/** Pure: the SPDY streams the runtime expects for an exec, the error stream first. */
export function runtimeStreamTypes(p: ExecParams): StreamType[] {
  const out: StreamType[] = ['error'];
  if (p.stdin) out.push('stdin');
  if (p.stdout) out.push('stdout');
  if (p.stderr && !p.tty) out.push('stderr');
  if (p.tty) out.push('resize');
  return out;
}

/** Pure: where a v5 client message goes; undefined drops it. */
export function routeClientMessage(data: Buffer): { stream: 'stdin' | 'resize'; payload: Buffer } | { close: 'stdin' } | undefined {
  if (data.length === 0) return undefined;
  if (data[0] === STDIN_CHANNEL) return { stream: 'stdin', payload: data.subarray(1) };
  if (data[0] === RESIZE_CHANNEL) return { stream: 'resize', payload: data.subarray(1) };
  if (data[0] === CLOSE_CHANNEL && data[1] === STDIN_CHANNEL) return { close: 'stdin' };
  return undefined;
}

/**
 * How long the runtime gets to report the exit Status once the process's output has ended while
 * the runtime has stopped taking stdin. containerd 1.6 can wedge exactly then: its copy of stdin
 * into the exec's FIFO blocks for good once the process exits without reading all of it (nothing
 * drains the FIFO any more), the exec never returns, and its SPDY connection stops being read, so
 * no Status, FIN or GOAWAY ever comes, even if we end stdin. Without a bound, `yes | kubectl exec
 * -i POD -- head -2` would hang forever.
 */
export const STATUS_AFTER_OUTPUT_GRACE_MS = 2_000;

/**
 * Pure: whether to stop waiting for the runtime's Status. Only when the output streams have all
 * ended (the process closed them, normally by exiting) and the runtime is no longer reading what
 * we send on stdin: a process that closed its output but still reads stdin keeps the exec alive.
 */
export function runtimeWedged(s: { outputsEnded: boolean; statusDone: boolean; stdinBlocked: boolean }): boolean {
  return s.outputsEnded && !s.statusDone && s.stdinBlocked;
}

/** The Status sent when the runtime wedged: the command ended, its exit code is unknown. */
export function wedgedStatus(): Buffer {
  const message =
    'the container runtime did not report the exit status: the command ended while its stdin was still being sent, and the runtime stopped reading it';
  return Buffer.from(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 }));
}

/**
 * The Status sent when the runtime's connection ended before the error stream did. containerd 1.6
 * resets the exec connection now and then when a process exits while stdin is still flowing in
 * (`yes | kubectl exec -i POD -- head -2`), and whatever it had not yet sent is lost with it. No
 * Status reads as success in the v4 protocol, so the client is told the truth instead.
 */
export function connectionLostStatus(): Buffer {
  const message = 'the container runtime closed the exec connection without reporting the exit status; output may be incomplete';
  return Buffer.from(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 }));
}

export interface RelayOptions {
  statusGraceMs?: number;
}

/**
 * Opens the exec streams on a runtime SPDY session and relays them to and from the client.
 * Output listeners go on before the replies are awaited, so nothing the runtime sends is missed.
 */
export async function relaySpdy(client: WebSocket, session: SpdySession, params: ExecParams, early: ClientMessage[] = [], o: RelayOptions = {}): Promise<void> {
  const streams = new Map<StreamType, SpdyStream>();
  for (const t of runtimeStreamTypes(params)) streams.set(t, session.openStream({ streamtype: [t] }));
  const errorBytes: Buffer[] = [];
  const pending = new Set<SpdyStream>();
  const outputs = new Set<SpdyStream>();
  let statusDone = false;
  /** The runtime ended the error stream itself (FIN), as it does after writing the Status. */
  let statusEnded = false;
  let stdinBlocked = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(graceTimer);
    if (!statusEnded && !errorBytes.length && session.isClosed) errorBytes.push(connectionLostStatus());
    // The error stream holds one v4 Status document (success or the failure, with exit code).
    if (errorBytes.length) client.send(Buffer.concat([Buffer.from([ERROR_CHANNEL]), ...errorBytes]));
    client.close(1000);
    session.close();
  };
  // Decides again whenever one of its inputs changes; the timer only runs while it holds.
  const checkWedged = () => {
    // Without any output stream there is no sign of the process ending: never give up then.
    const wedged = runtimeWedged({ outputsEnded: hadOutputs && outputs.size === 0, statusDone, stdinBlocked });
    if (!wedged || finished) {
      clearTimeout(graceTimer);
      graceTimer = undefined;
      return;
    }
    graceTimer ??= setTimeout(() => {
      // The exit code is unknowable now. No Status would read as success in the v4 protocol, so
      // the client is told plainly that the runtime never reported it.
      log.warn({ command: params.command[0] }, 'the runtime never reported the exec status after the output ended; ending the exec');
      if (!errorBytes.length) errorBytes.push(wedgedStatus());
      finish();
    }, o.statusGraceMs ?? STATUS_AFTER_OUTPUT_GRACE_MS);
  };
  const track = (s: SpdyStream, onData: (d: Buffer) => void, isOutput: boolean) => {
    pending.add(s);
    if (isOutput) outputs.add(s);
    s.on('data', onData);
    const done = () => {
      pending.delete(s);
      if (isOutput) outputs.delete(s);
      else statusDone = true;
      if (pending.size === 0) finish();
      else checkWedged();
    };
    s.on('end', done);
    s.on('close', done);
  };
  const errorStream = streams.get('error')!;
  errorStream.on('end', () => (statusEnded = true));
  track(errorStream, (d) => errorBytes.push(d), false);
  const out = streams.get('stdout');
  if (out) track(out, (d) => client.send(Buffer.concat([Buffer.from([STDOUT_CHANNEL]), d])), true);
  const err = streams.get('stderr');
  if (err) track(err, (d) => client.send(Buffer.concat([Buffer.from([STDERR_CHANNEL]), d])), true);
  const hadOutputs = outputs.size > 0;
  session.on('close', finish);
  client.on('close', () => session.close());
  await Promise.all([...streams.values()].map((s) => awaitReply(s)));
  const stdin = streams.get('stdin');
  stdin?.on('drain', () => {
    stdinBlocked = false;
    checkWedged();
  });
  const toRuntime = (data: Buffer) => {
    const r = routeClientMessage(data);
    if (!r) return;
    if ('close' in r) stdin?.end();
    else if (r.payload.length && r.stream === 'stdin' && stdin) {
      if (!stdin.write(r.payload) && !stdinBlocked) {
        stdinBlocked = true;
        checkWedged();
      }
    } else if (r.payload.length) streams.get(r.stream)?.write(r.payload);
  };
  for (const m of early) toRuntime(m.data);
  client.on('message', toRuntime);
}

/** exec runs a new process in the container; attach joins its main process's stdio. */
export type StreamKind = 'exec' | 'attach';

export async function serveExec(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  kind: StreamKind,
  containerId: string | undefined,
  params: ExecParams,
  cri: CriStreaming,
): Promise<void> {
  const accepted = acceptUpgrade(req, socket, head, EXEC_PROTOCOLS);
  if (!accepted) return;
  const { ws: client, protocol } = accepted;
  // kubectl sends stdin at once; keep it until containerd's stream is connected.
  const early: ClientMessage[] = [];
  const hold = (data: Buffer, binary: boolean) => early.push({ data, binary });
  client.on('message', hold);
  if (!containerId) {
    client.send(errorStatusMessage('container not found or not running', protocol));
    client.close(1000);
    return;
  }
  try {
    const streams = { containerId, tty: params.tty, stdin: params.stdin, stdout: params.stdout, stderr: params.stderr && !params.tty };
    let url: string;
    if (kind === 'attach') url = await cri.attach(streams);
    else {
      if (params.command.length === 0) throw new Error('you must specify at least one command for the container');
      url = await cri.exec({ ...streams, cmd: params.command });
    }
    if (protocol === V5) {
      const { session } = await connectSpdy(url, { protocols: RUNTIME_SPDY_PROTOCOLS });
      try {
        await relaySpdy(client, session, params, early);
      } catch (e) {
        session.close();
        throw e;
      }
      client.off('message', hold);
      return;
    }
    const runtime = await connectWebSocket(url, { protocols: [protocol] });
    client.off('message', hold);
    relay(client, runtime, early);
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'exec failed');
    client.send(errorStatusMessage((e as Error).message, protocol));
    client.close(1000);
  }
}
