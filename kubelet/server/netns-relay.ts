// Connects to a port on the pod's own loopback, the way Kubernetes port-forward does: a Node
// process can't enter another network namespace, so a tiny relay runs inside it under nsenter and
// copies between its stdio and a TCP connection to 127.0.0.1:<port>. Half-closes pass through
// (stdin EOF ends the socket's write side); a failed connect exits 1 with the reason on stderr.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

const RELAY = [
  "const net = require('net');",
  "const s = net.connect(Number(process.argv[1]), '127.0.0.1');",
  "s.on('error', (e) => { process.stderr.write(e.message); process.exit(1); });",
  "s.on('connect', () => { process.stdin.pipe(s); s.pipe(process.stdout); });",
  "process.stdout.on('finish', () => process.exit(0));",
  "process.stdout.on('error', () => process.exit(0));",
].join('\n');

export interface PodConnection {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the relay is gone: undefined, or the connection error. */
  readonly done: Promise<string | undefined>;
}

/** Pure: the command line that runs the relay inside `netnsPath`. */
export function relayCommand(netnsPath: string, port: number, node = process.execPath): string[] {
  return ['nsenter', `--net=${netnsPath}`, '--', node, '-e', RELAY, String(port)];
}

export function connectInNetns(netnsPath: string, port: number): PodConnection {
  const [cmd, ...args] = relayCommand(netnsPath, port);
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  const done = new Promise<string | undefined>((resolve) => {
    child.on('error', (e) => resolve(e.message));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(undefined);
      else resolve(stderr.trim() || (signal ? `relay killed by ${signal}` : `relay exited with ${code}`));
    });
  });
  return { child, done };
}
