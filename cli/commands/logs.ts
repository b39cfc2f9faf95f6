// `logs [-f] [--tail N] [--previous] [--timestamps] [-c container] pod`: GET pods/<pod>/log,
// streamed to stdout as it arrives (follow keeps the response open).
import * as https from 'node:https';
import type { Credentials } from '../../lib/client/kubeconfig';
import { CliError, UsageError } from '../errors';
import { formatStatus, statusFromResponse } from '../rest-client';
import type { CliIO } from './context';
import type { StreamFlags } from './stream-flags';

export function logsPath(ns: string, pod: string, f: StreamFlags): string {
  const q = new URLSearchParams();
  if (f.container) q.set('container', f.container);
  if (f.follow) q.set('follow', 'true');
  if (f.previous) q.set('previous', 'true');
  if (f.timestamps) q.set('timestamps', 'true');
  if (f.tail !== undefined) q.set('tailLines', String(f.tail));
  const qs = q.toString();
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod)}/log${qs ? `?${qs}` : ''}`;
}

export async function runLogs(creds: Credentials, ns: string, args: string[], f: StreamFlags, io: CliIO): Promise<void> {
  const pod = args[0]?.replace(/^pods?\//, '');
  if (!pod || args.length > 1) throw new UsageError('expected exactly one pod: k8ts logs [-f] [--tail N] [-c container] POD');
  const u = new URL(creds.server);
  await new Promise<void>((resolve, reject) => {
    const req = https.request(
      { host: u.hostname, port: u.port || 443, path: u.pathname.replace(/\/$/, '') + logsPath(ns, pod, f), ca: creds.ca, cert: creds.cert, key: creds.key, agent: false,
        headers: creds.token ? { Authorization: `Bearer ${creds.token}` } : {}, rejectUnauthorized: !creds.insecureSkipTlsVerify },
      (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => reject(new CliError(formatStatus(statusFromResponse(res.statusCode ?? 500, body)), 'CLI_LOGS_FAILED')));
          return;
        }
        res.on('data', (c: Buffer) => io.stdout(c.toString()));
        res.on('end', () => resolve());
        res.on('error', reject);
      },
    );
    io.signal.addEventListener('abort', () => {
      req.destroy();
      resolve();
    });
    req.on('error', (e) => (io.signal.aborted ? resolve() : reject(e)));
    req.end();
  });
}
