// A bootstrap token for a worker that joins (TLS bootstrapping): short-lived, stored as its
// Secret in kube-system, its user in kubeadm's node-token group so that the controller-manager
// approves the kubelet's CSR (lib/client/bootstrap-join.ts makes it).
import type { ApiClient } from '../../lib/client/api-client';
import { createBootstrapToken } from '../../lib/client/bootstrap-join';

/** How long a joining worker's token is valid: long enough for a slow host, gone soon after. */
export const JOIN_TOKEN_TTL_MS = 30 * 60_000;

export function createJoinToken(client: ApiClient, ttlMs: number = JOIN_TOKEN_TTL_MS): Promise<string> {
  return createBootstrapToken(client, ttlMs, { description: 'k8ts deploy: a worker joining' });
}
