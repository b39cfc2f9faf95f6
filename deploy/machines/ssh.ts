// SSH to a machine with ssh2 (the library testcontainers already brings): run a command, copy a
// file, reach a unix socket on the machine. Nothing here knows machines are containers: it takes
// the coordinates a VM inventory would give (address, port, user, private key).
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';

export class SshError extends Error {
  constructor(
    readonly code: 'SSH_CONNECT_FAILED' | 'SSH_COMMAND_FAILED' | 'SSH_TRANSFER_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'SshError';
  }
}

/** What `k8ts deploy` needs to reach a host, as an inventory states it. */
export interface SshCoordinates {
  host: string;
  port: number;
  username: string;
  privateKeyPath: string;
}

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

function config(c: SshCoordinates, readyTimeoutMs: number): ConnectConfig {
  return {
    host: c.host,
    port: c.port,
    username: c.username,
    privateKey: fs.readFileSync(c.privateKeyPath),
    readyTimeout: readyTimeoutMs,
    // Machines make their host key at first boot; nothing to check it against yet.
    hostVerifier: () => true,
    keepaliveInterval: 5_000,
  };
}

/** One SSH connection; close it with end(). */
export function sshConnect(c: SshCoordinates, readyTimeoutMs = 10_000): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const fail = (e: Error) => {
      client.end();
      reject(new SshError('SSH_CONNECT_FAILED', `ssh ${c.username}@${c.host}:${c.port}: ${e.message}`));
    };
    client.once('ready', () => {
      client.off('error', fail);
      // later errors (a machine cut off) surface through the calls in flight
      client.on('error', () => undefined);
      resolve(client);
    });
    client.once('error', fail);
    client.connect(config(c, readyTimeoutMs));
  });
}

/** Runs one command (through the remote shell) and collects its output. */
export function sshExec(client: Client, command: string, opts: { stdin?: string | Buffer } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch: ClientChannel) => {
      if (err) return reject(new SshError('SSH_COMMAND_FAILED', `${command}: ${err.message}`));
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let code: number | null = null;
      let signal: string | undefined;
      ch.on('data', (d: Buffer) => out.push(d));
      ch.stderr.on('data', (d: Buffer) => errOut.push(d));
      ch.on('exit', (c: number | null, s?: string) => {
        code = c;
        signal = s;
      });
      ch.on('close', () => resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(errOut).toString() }));
      if (opts.stdin !== undefined) ch.end(opts.stdin);
      else ch.end();
    });
  });
}

/** Runs a command and fails unless it exits 0; returns its stdout. */
export async function sshRun(client: Client, command: string, opts: { stdin?: string | Buffer } = {}): Promise<string> {
  const r = await sshExec(client, command, opts);
  if (r.code !== 0) throw new SshError('SSH_COMMAND_FAILED', `${command}: exit ${r.code ?? r.signal}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Copies a local file (or a buffer) to remotePath over SFTP with the given mode. */
export function sshUpload(client: Client, from: string | Buffer, remotePath: string, mode = 0o644): Promise<void> {
  return new Promise((resolve, reject) => {
    client.sftp((err, sftp) => {
      if (err) return reject(new SshError('SSH_TRANSFER_FAILED', `sftp: ${err.message}`));
      const done = (e?: Error | null) => {
        sftp.end();
        if (e) reject(new SshError('SSH_TRANSFER_FAILED', `upload to ${remotePath}: ${e.message}`));
        else resolve();
      };
      if (typeof from === 'string') sftp.fastPut(from, remotePath, { mode }, (e) => done(e));
      else sftp.writeFile(remotePath, from, { mode }, (e) => done(e));
    });
  });
}

/**
 * A local unix socket whose connections are carried over the SSH connection to remoteSocket on
 * the machine (OpenSSH's streamlocal forwarding): a gRPC client on this side (the CRI client,
 * for instance) talks to containerd there. close() stops listening and ends open tunnels.
 */
export function forwardUnixSocket(client: Client, remoteSocket: string, localSocket: string): Promise<{ close(): Promise<void> }> {
  const open = new Set<net.Socket>();
  const server = net.createServer((local) => {
    open.add(local);
    local.once('close', () => open.delete(local));
    client.openssh_forwardOutStreamLocal(remoteSocket, (err, remote) => {
      if (err) return local.destroy();
      local.pipe(remote).pipe(local);
      remote.once('close', () => local.destroy());
      local.once('close', () => remote.close());
    });
  });
  fs.rmSync(localSocket, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(localSocket, () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

/** Retries until the machine's sshd accepts the key and runs `true`, or timeoutMs passes. */
export async function waitForSsh(c: SshCoordinates, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const client = await sshConnect(c, Math.max(1_000, Math.min(5_000, deadline - Date.now())));
      try {
        await sshRun(client, 'true');
        return;
      } finally {
        client.end();
      }
    } catch (e) {
      last = (e as Error).message;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new SshError('SSH_CONNECT_FAILED', `ssh ${c.username}@${c.host}:${c.port} did not answer within ${timeoutMs / 1000} s: ${last}`);
}
