// `exec POD [-c container] -- CMD...` (non-interactive): a WebSocket to pods/<pod>/exec speaking
// v5.channel.k8s.io; stdout and stderr are copied out, the exit code comes from the Status on the
// error channel.
import type { Credentials } from '../../lib/client/kubeconfig';
import { connectWebSocket } from '../../lib/websocket/websocket';
import { CliError, SilentExit, UsageError } from '../errors';
import type { CliIO } from './context';
import type { StreamFlags } from './stream-flags';

export function execPath(ns: string, pod: string, f: StreamFlags): string {
  const q = new URLSearchParams();
  if (f.container) q.set('container', f.container);
  for (const c of f.command) q.append('command', c);
  q.set('stdout', 'true');
  q.set('stderr', 'true');
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}/exec?${q.toString()}`;
}

/** Pure: the exit code a channel-3 Status carries (0 for Success). */
export function exitCodeOf(status: { status?: string; message?: string; reason?: string; details?: { causes?: { reason?: string; message?: string }[] } }): number | string {
  if (status.status === 'Success') return 0;
  const c = status.details?.causes?.find((x) => x.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && c?.message) return Number(c.message);
  return status.message ?? 'exec failed';
}

export async function runExec(creds: Credentials, ns: string, args: string[], f: StreamFlags, io: CliIO): Promise<void> {
  const pod = args[0]?.replace(/^pods?\//, '');
  if (!pod || f.command.length === 0) throw new UsageError('expected: k8ts exec POD [-c CONTAINER] -- COMMAND [args...]');
  if (f.stdin || f.tty) throw new UsageError('k8ts exec is non-interactive: -i and -t are not supported, use kubectl');
  const u = new URL(creds.server);
  const ws = await connectWebSocket(`https://${u.host}${u.pathname.replace(/\/$/, '')}${execPath(ns, pod, f)}`, {
    protocols: ['v5.channel.k8s.io'],
    headers: creds.token ? { Authorization: `Bearer ${creds.token}` } : {},
    tls: { ca: creds.ca, cert: creds.cert, key: creds.key, rejectUnauthorized: !creds.insecureSkipTlsVerify },
  }).catch((e) => {
    throw new CliError(`exec failed: ${(e as Error).message}`, 'CLI_EXEC_FAILED');
  });
  let result: number | string | undefined;
  await new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      if (data.length === 0) return;
      const ch = data[0];
      const body = data.subarray(1);
      if (ch === 1) io.stdout(body.toString());
      else if (ch === 2) io.stderr(body.toString());
      else if (ch === 3 && body.length) result = exitCodeOf(JSON.parse(body.toString()));
    });
    ws.on('close', () => resolve());
    io.signal.addEventListener('abort', () => ws.terminate());
  });
  if (result === undefined || result === 0) return;
  if (typeof result === 'number') {
    io.stderr(`command terminated with exit code ${result}\n`);
    throw new SilentExit();
  }
  throw new CliError(result, 'CLI_EXEC_FAILED');
}
