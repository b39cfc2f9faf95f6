// A bootstrap token for a worker that joins (TLS bootstrapping): short-lived, stored as its
// Secret in kube-system, its user in kubeadm's node-token group so that the controller-manager
// approves the kubelet's CSR.
import type { ApiClient } from '../../lib/client/api-client';

/** How long a joining worker's token is valid: long enough for a slow host, gone after. */
export const JOIN_TOKEN_TTL_MS = 30 * 60_000;

export async function createJoinToken(_client: ApiClient, _ttlMs: number = JOIN_TOKEN_TTL_MS): Promise<string> {
  throw new Error('TLS bootstrapping is not in this build yet');
}
