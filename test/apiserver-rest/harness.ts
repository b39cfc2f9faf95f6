// Test harness: a REST server over a given Registry with a throwaway PKI (lib/pki) and an admin
// kubeconfig, plus a runner for the real kubectl against it.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCa, ensureClientCert, ensureServingCert } from '../../lib/pki';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import type { Registry } from '../../apiserver/registry/types';
import { startRestServer } from '../../apiserver/rest/server';

export interface RestHarness {
  dir: string;
  port: number;
  kubeconfig: string;
  ca: string;
  admin: { cert: string; key: string };
  kubectl(args: string[], stdin?: string, env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export async function startRestHarness(registry: Registry, etcdHealthy: () => Promise<boolean> = async () => true): Promise<RestHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-rest-'));
  try {
    const ca = await ensureCa(dir);
    const serving = await ensureServingCert(dir, ca, 'apiserver', 'kube-apiserver', ['127.0.0.1', 'localhost']);
    const admin = await ensureClientCert(dir, ca, 'admin', 'admin', ['system:masters']);
    const srv = await startRestServer({
      registry,
      host: '127.0.0.1',
      port: 0,
      tls: { cert: Buffer.from(serving.cert), key: Buffer.from(serving.key), ca: Buffer.from(ca.cert) },
      etcdHealthy,
    });
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, renderKubeconfig({ server: `https://127.0.0.1:${srv.port}`, ca: ca.cert, cert: admin.cert, key: admin.key, user: 'admin' }));
    return {
      dir,
      port: srv.port,
      kubeconfig,
      ca: ca.cert,
      admin: { cert: admin.cert, key: admin.key },
      kubectl: (args, stdin, env) =>
        new Promise((resolve) => {
          const child = execFile(
            'kubectl',
            ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args],
            { timeout: 60_000, env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, ...env } },
            (err, stdout, stderr) => {
              const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
              resolve({ code, stdout: String(stdout), stderr: String(stderr) });
            },
          );
          if (stdin !== undefined) child.stdin!.end(stdin);
        }),
      stop: async () => {
        await srv.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
