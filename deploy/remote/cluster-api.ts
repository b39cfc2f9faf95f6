// What the deploy asks of the cluster it installs, as the admin (from the machine running the
// deploy, through the control plane's address): the apiserver answering, Nodes Ready, the labels
// and taints a node's role and the inventory call for (kubeadm marks its control plane the same
// way, through the API), bootstrap tokens for joining workers, and Nodes deleted when their
// host leaves the inventory.
import { Resources } from '../../lib/api/resources';
import type { Node } from '../../lib/api/types';
import type { ApiClient } from '../../lib/client/api-client';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../../lib/client/grpc-client';
import { isConflict, isNotFound } from '../../lib/errors';

export class ClusterApiError extends Error {
  constructor(
    readonly code: 'APISERVER_UNREACHABLE' | 'NODE_NOT_READY',
    message: string,
  ) {
    super(message);
    this.name = 'ClusterApiError';
  }
}

export interface Taint {
  key: string;
  effect: string;
  value?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function adminClient(kubeconfig: string, grpcAddress: string): ApiClient {
  return new GrpcApiClient(grpcOptionsFromKubeconfig(kubeconfig, grpcAddress));
}

export async function waitApiserver(client: ApiClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.list(Resources.namespaces);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new ClusterApiError('APISERVER_UNREACHABLE', `the apiserver did not answer in time: ${(e as Error).message}`);
      await sleep(500);
    }
  }
}

export function nodeReady(n: Node | undefined): boolean {
  return (n?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export async function waitNodeReady(client: ApiClient, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not registered';
  for (;;) {
    try {
      const n = await client.get<Node>(Resources.nodes, undefined, name);
      if (nodeReady(n)) return;
      const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready');
      last = ready ? `Ready=${ready.status}${ready.message ? ` (${ready.message})` : ''}` : 'no Ready condition yet';
    } catch (e) {
      last = isNotFound(e) ? 'not registered' : (e as Error).message;
    }
    if (Date.now() > deadline) throw new ClusterApiError('NODE_NOT_READY', `node ${name} is not Ready in time: ${last}`);
    await sleep(500);
  }
}

/**
 * Pure: the node's labels and taints once the wanted ones are in and the ones the deploy set
 * before but no longer wants are out; undefined when nothing changes. Labels and taints others
 * set (the kubelet's, the node controller's) are kept.
 */
export function nodeMarks(
  node: Pick<Node, 'metadata' | 'spec'>,
  want: { labels: Record<string, string>; taints: Taint[] },
  drop: { labels: string[] } = { labels: [] },
): { labels: Record<string, string>; taints: Taint[] } | undefined {
  const labels: Record<string, string> = { ...(node.metadata.labels ?? {}) };
  let changed = false;
  for (const k of drop.labels) {
    if (k in labels && !(k in want.labels)) {
      delete labels[k];
      changed = true;
    }
  }
  for (const [k, v] of Object.entries(want.labels)) {
    if (labels[k] !== v) {
      labels[k] = v;
      changed = true;
    }
  }
  const taints = [...((node.spec?.taints ?? []) as Taint[])];
  for (const t of want.taints) {
    if (!taints.some((x) => x.key === t.key && x.effect === t.effect)) {
      taints.push(t);
      changed = true;
    }
  }
  return changed ? { labels, taints } : undefined;
}

/** Sets the node's labels and taints; true when it had to change them. */
export async function markNode(client: ApiClient, name: string, want: { labels: Record<string, string>; taints: Taint[] }, drop: { labels: string[] }): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const n = await client.get<Node>(Resources.nodes, undefined, name);
    const marks = nodeMarks(n, want, drop);
    if (!marks) return false;
    try {
      await client.update<Node>(Resources.nodes, { ...n, metadata: { ...n.metadata, labels: marks.labels }, spec: { ...(n.spec ?? {}), taints: marks.taints } });
      return true;
    } catch (e) {
      // the kubelet updates its Node too: read again on a conflict
      if (!isConflict(e) || attempt > 5) throw e;
    }
  }
}

export async function deleteNode(client: ApiClient, name: string): Promise<boolean> {
  try {
    await client.delete(Resources.nodes, undefined, name);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}
