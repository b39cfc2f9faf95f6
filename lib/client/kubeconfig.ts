// Reads the subset of kubeconfig that components and the CLI need: the current context's server,
// CA and client credentials (inline data or file paths, resolved relative to the file).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import YAML from 'yaml';

export interface Credentials {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  namespace: string;
  insecureSkipTlsVerify: boolean;
}

export class KubeconfigError extends Error {
  readonly code = 'KUBECONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

export function defaultKubeconfigPath(): string {
  const env = process.env.KUBECONFIG;
  if (env) return env.split(path.delimiter)[0];
  return path.join(os.homedir(), '.kube', 'config');
}

function readData(base: string, data?: string, file?: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return fs.readFileSync(path.isAbsolute(file) ? file : path.join(base, file));
  return undefined;
}

export function loadKubeconfig(file = defaultKubeconfigPath(), contextName?: string): Credentials {
  let doc: any;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(e as Error).message}`);
  }
  const ctxName = contextName ?? doc?.['current-context'];
  const ctx = (doc?.contexts ?? []).find((c: any) => c.name === ctxName)?.context;
  if (!ctx) throw new KubeconfigError(`kubeconfig ${file}: context "${ctxName}" not found`);
  const cluster = (doc.clusters ?? []).find((c: any) => c.name === ctx.cluster)?.cluster;
  if (!cluster?.server) throw new KubeconfigError(`kubeconfig ${file}: cluster "${ctx.cluster}" has no server`);
  const user = (doc.users ?? []).find((u: any) => u.name === ctx.user)?.user ?? {};
  const base = path.dirname(file);
  return {
    server: cluster.server,
    ca: readData(base, cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: readData(base, user['client-certificate-data'], user['client-certificate']),
    key: readData(base, user['client-key-data'], user['client-key']),
    token: user.token,
    namespace: ctx.namespace ?? 'default',
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

/** Writes a kubeconfig with inline certificate data, the way `up` hands one to each component. */
export function renderKubeconfig(opts: {
  server: string;
  ca: string;
  cert: string;
  key: string;
  user: string;
  clusterName?: string;
}): string {
  const cluster = opts.clusterName ?? 'k8ts';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.ca) } }],
    users: [{ name: opts.user, user: { 'client-certificate-data': b64(opts.cert), 'client-key-data': b64(opts.key) } }],
    contexts: [{ name: `${opts.user}@${cluster}`, context: { cluster, user: opts.user } }],
    'current-context': `${opts.user}@${cluster}`,
    preferences: {},
  });
}
