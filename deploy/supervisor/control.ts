// The supervisor's control channel: a unix socket in its directory; one JSON request line per
// connection, one JSON response line back (every response carries the whole status).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { SupervisorStatus } from './status';

export type ControlRequest =
  | { cmd: 'status' }
  | { cmd: 'start' | 'stop' | 'restart'; unit: string }
  /** Re-read the unit file; start every unit that is not running (stopped ones too). */
  | { cmd: 'apply' }
  /** Exit, leaving every unit running. */
  | { cmd: 'shutdown' };

export type ControlResponse =
  | { ok: true; status: SupervisorStatus; pid?: number }
  | { ok: false; error: { code: string; message: string }; status?: SupervisorStatus };

export class ControlError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ControlError';
    this.code = code;
  }
}

const MAX_LINE = 64 * 1024;
/** sun_path holds 108 bytes including the terminating NUL. */
export const MAX_SOCKET_PATH = 107;

export function parseRequest(line: string): ControlRequest {
  let r: any;
  try {
    r = JSON.parse(line);
  } catch {
    throw new ControlError('BAD_REQUEST', 'request is not JSON');
  }
  if (r?.cmd === 'status' || r?.cmd === 'apply' || r?.cmd === 'shutdown') return { cmd: r.cmd };
  if ((r?.cmd === 'start' || r?.cmd === 'stop' || r?.cmd === 'restart') && typeof r.unit === 'string') return { cmd: r.cmd, unit: r.unit };
  throw new ControlError('BAD_REQUEST', `unknown request ${JSON.stringify(r?.cmd)}`);
}

/** Serves requests on socketPath (replacing a stale socket file). */
export function serveControl(socketPath: string, handle: (r: ControlRequest) => Promise<ControlResponse>): Promise<net.Server> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new ControlError('SOCKET_PATH_TOO_LONG', `control socket path is longer than ${MAX_SOCKET_PATH} bytes: ${socketPath}`);
  }
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('error', () => undefined);
    conn.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > MAX_LINE) conn.destroy();
        return;
      }
      conn.removeAllListeners('data');
      let req: ControlRequest;
      try {
        req = parseRequest(buf.slice(0, nl));
      } catch (e) {
        const err = e as ControlError;
        conn.end(JSON.stringify({ ok: false, error: { code: err.code ?? 'BAD_REQUEST', message: err.message } }) + '\n');
        return;
      }
      handle(req).then(
        (res) => conn.end(JSON.stringify(res) + '\n'),
        (e: Error & { code?: string }) => conn.end(JSON.stringify({ ok: false, error: { code: e.code ?? 'FAILED', message: e.message } }) + '\n'),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      fs.chmodSync(socketPath, 0o600);
      resolve(server);
    });
  });
}

/** Sends one request. ControlError SUPERVISOR_DOWN when nothing listens on socketPath. */
export function request(socketPath: string, req: ControlRequest, timeoutMs = 60_000): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const conn = net.connect({ path: socketPath });
    let buf = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.destroy();
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new ControlError('TIMEOUT', `no answer from the supervisor at ${socketPath} in ${timeoutMs} ms`))),
      timeoutMs,
    );
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(JSON.stringify(req) + '\n'));
    conn.on('data', (d: string) => (buf += d));
    conn.on('end', () =>
      finish(() => {
        try {
          resolve(JSON.parse(buf) as ControlResponse);
        } catch {
          reject(new ControlError('BAD_RESPONSE', `the supervisor at ${socketPath} answered ${JSON.stringify(buf.slice(0, 200))}`));
        }
      }),
    );
    conn.on('error', (e: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
            ? new ControlError('SUPERVISOR_DOWN', `no supervisor answers at ${socketPath}`)
            : new ControlError('CONTROL_FAILED', `supervisor at ${socketPath}: ${e.message}`),
        ),
      ),
    );
  });
}

/**
 * One supervisor per directory: a listening socket in the abstract namespace, named after the
 * directory. The kernel hands it to one process only and frees it when that process dies, so a
 * killed supervisor leaves no stale lock behind.
 */
export function holdLock(dir: string): Promise<net.Server> {
  const name = `\0k8ts-supervisor:${createHash('sha256').update(dir).digest('hex').slice(0, 32)}`;
  return new Promise((resolve, reject) => {
    const server = net.createServer((c) => c.destroy());
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new ControlError('ALREADY_RUNNING', `another supervisor serves ${dir}`) : e),
    );
    server.listen(name, () => resolve(server));
  });
}
