// `k8ts token create [--ttl 24h] [--description text] [--bootstrap-kubeconfig file]`: a bootstrap
// token for joining a node (kubeadm token create's counterpart). Creates its Secret through the
// API with the kubeconfig's (admin) credentials, prints "<id>.<secret>", and can write the
// bootstrap kubeconfig a new kubelet's --bootstrap-kubeconfig reads.
import * as fs from 'node:fs';
import { formatToken, generateToken, tokenSecret, BOOTSTRAP_TOKEN_NAMESPACE } from '../../lib/api/bootstrap-token';
import { DEFAULT_NODE_TOKEN_GROUP, renderBootstrapKubeconfig } from '../../lib/client/bootstrap-join';
import type { Credentials } from '../../lib/client/kubeconfig';
import { parseGoDuration } from '../../lib/go-duration';
import { UsageError } from '../errors';
import { RestClient } from '../rest-client';
import type { CliIO } from './context';

const USAGE = 'usage: k8ts token create [--ttl 24h] [--description text] [--bootstrap-kubeconfig file] [--kubeconfig file]';

export interface TokenArgs {
  ttlMs: number;
  description?: string;
  bootstrapKubeconfig?: string;
  kubeconfig?: string;
}

export function parseTokenArgs(argv: string[]): TokenArgs {
  if (argv[0] !== 'create') throw new UsageError(USAGE);
  const out: TokenArgs = { ttlMs: 24 * 3600_000 };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--ttl': {
        const v = value();
        const ms = parseGoDuration(v);
        if (!ms) throw new UsageError(`--ttl ${JSON.stringify(v)} is not a duration such as 1h or 30m`);
        out.ttlMs = ms;
        break;
      }
      case '--description':
        out.description = value();
        break;
      case '--bootstrap-kubeconfig':
        out.bootstrapKubeconfig = value();
        break;
      case '--kubeconfig':
        out.kubeconfig = value();
        break;
      default:
        throw new UsageError(`unknown argument ${a}\n${USAGE}`);
    }
  }
  return out;
}

export async function runToken(args: TokenArgs, creds: Credentials, io: CliIO): Promise<void> {
  const t = generateToken();
  const secret = tokenSecret(t, {
    expiration: new Date(io.now() + args.ttlMs),
    description: args.description ?? 'k8ts bootstrap token for joining a node',
    extraGroups: [DEFAULT_NODE_TOKEN_GROUP],
  });
  const client = new RestClient(creds);
  try {
    await client.request('POST', `/api/v1/namespaces/${BOOTSTRAP_TOKEN_NAMESPACE}/secrets`, { body: secret });
  } finally {
    client.close();
  }
  const token = formatToken(t);
  if (args.bootstrapKubeconfig) {
    if (!creds.ca) throw new UsageError('the kubeconfig has no certificate-authority data to put in the bootstrap kubeconfig');
    fs.writeFileSync(args.bootstrapKubeconfig, renderBootstrapKubeconfig({ server: creds.server, caPem: creds.ca.toString(), token }), { mode: 0o600 });
  }
  io.stdout(`${token}\n`);
}
