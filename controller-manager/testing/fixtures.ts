// Builders for controller tests: ReplicaSets, Deployments, pods with a given readiness, and a
// helper that waits for a condition on the fake cluster.
import assert from 'node:assert/strict';
import type { Deployment, Pod, ReplicaSet } from '../../lib/api/types';

export function mkRS(name: string, replicas: number, labels: Record<string, string> = { app: name }): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }] } },
    },
  };
}

export function mkDeployment(name: string, replicas: number, image = 'k8ts/web:1.0', strategy?: Deployment['spec']['strategy']): Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image, ports: [{ name: 'http', containerPort: 8080 }] }] } },
      strategy: strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
    },
  };
}

export type PodState = 'unscheduled' | 'pending' | 'notready' | 'ready';

export function mkPod(name: string, state: PodState, o: { labels?: Record<string, string>; created?: string; ip?: string; owner?: ReplicaSet } = {}): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: o.labels ?? { app: 'web' }, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0', ports: [{ name: 'http', containerPort: 8080 }] }] },
  };
  if (o.owner) pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner.metadata.name!, uid: o.owner.metadata.uid!, controller: true }];
  setPodState(pod, state, o.ip);
  return pod;
}

export function setPodState(pod: Pod, state: PodState, ip = '10.244.0.10'): void {
  if (state === 'unscheduled') {
    pod.status = { phase: 'Pending' };
    return;
  }
  pod.spec.nodeName ??= 'node-1';
  if (state === 'pending') pod.status = { phase: 'Pending' };
  else pod.status = { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: state === 'ready' ? 'True' : 'False' }] };
}

export async function waitFor(cond: () => boolean, what = 'condition', tries = 1000): Promise<void> {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `${what} not reached`);
}

export const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/**
 * A stand-in kubelet for controller tests: every new pod is bound to node-1 and marked Running
 * and Ready with a unique IP, unless `hold` says to leave it pending. Returns a stop function.
 */
export function autoReady(client: import('../../lib/client/testing/fake-client').FakeApiClient, hold: (p: Pod) => boolean = () => false): () => void {
  let ip = 10;
  const h = client.watch<Pod>({ apiVersion: 'v1', kind: 'Pod', resource: 'pods', namespaced: true }, undefined, {}, {
    onEvent: (ev) => {
      if (ev.type !== 'ADDED' || hold(ev.object)) return;
      const { namespace, name } = ev.object.metadata;
      queueMicrotask(() => {
        try {
          client.mutate<Pod>({ apiVersion: 'v1', kind: 'Pod', resource: 'pods', namespaced: true }, namespace, name!, (p) =>
            setPodState(p, 'ready', `10.244.0.${ip++}`),
          );
        } catch {
          // deleted meanwhile
        }
      });
    },
    onClose: () => undefined,
  });
  return () => h.stop();
}
