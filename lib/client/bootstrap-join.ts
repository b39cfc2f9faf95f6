// What a joining node needs, for `k8ts deploy`: a fresh bootstrap token stored as its Secret
// through the API (with admin credentials), and the bootstrap kubeconfig a kubelet's
// --bootstrap-kubeconfig reads (server, CA, token; no client certificate).
import YAML from 'yaml';
import { Resources } from '../api/resources';
import { formatToken, generateToken, tokenSecret, type TokenSecretOptions } from '../api/bootstrap-token';
import type { ApiClient } from './api-client';

/** kubeadm's group for node tokens: CSRs by its members are approved as node client requests. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:k8ts:default-node-token';

/** Creates a token valid for ttlMs and returns it as "<id>.<secret>". */
export async function createBootstrapToken(client: ApiClient, ttlMs: number, o: Omit<TokenSecretOptions, 'expiration'> = {}, now = new Date()): Promise<string> {
  const t = generateToken();
  await client.create(Resources.secrets, tokenSecret(t, {
    description: 'k8ts bootstrap token for joining a node',
    extraGroups: [DEFAULT_NODE_TOKEN_GROUP],
    ...o,
    expiration: new Date(now.getTime() + ttlMs),
  }) as never);
  return formatToken(t);
}

export function renderBootstrapKubeconfig(o: { server: string; caPem: string; token: string }): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'k8ts', cluster: { server: o.server, 'certificate-authority-data': Buffer.from(o.caPem).toString('base64') } }],
    users: [{ name: 'kubelet-bootstrap', user: { token: o.token } }],
    contexts: [{ name: 'kubelet-bootstrap@k8ts', context: { cluster: 'k8ts', user: 'kubelet-bootstrap' } }],
    'current-context': 'kubelet-bootstrap@k8ts',
    preferences: {},
  });
}
