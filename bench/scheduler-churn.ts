// Background churn for SchedulingWithMixedChurn (upstream's churn opcode in recreate mode): every
// interval the previous churn Node, Service and unschedulable pod are deleted and new ones created,
// so the scheduler handles cluster events (a node added is a reason to retry waiting pods) while
// it places the measured pods.
import { Resources } from '../lib/api/resources';
import type { KObject, Node } from '../lib/api/types';
import type { GrpcApiClient } from '../lib/client/grpc-client';
import { componentLogger } from '../lib/log';
import { benchNode, benchPod } from './scheduler-workloads';

const log = componentLogger('bench', { part: 'scheduler-churn' });

/** Churn nodes are named apart from the measured ones, so spread and zones leave them out. */
export const churnNodeName = (i: number) => `sched-bench-churn-${i}`;

export interface Churn {
  /** Rounds completed (each a delete + create of the three objects). */
  rounds(): number;
  /** Stops after the current round and removes what the last one created. */
  stop(): Promise<void>;
}

export function startChurn(client: GrpcApiClient, namespace: string, intervalMs = 1000): Churn {
  let round = 0;
  let stopping = false;
  const del = (p: Promise<unknown>) => p.catch(() => undefined);
  const remove = async (i: number) => {
    await Promise.all([
      del(client.delete(Resources.nodes, undefined, churnNodeName(i))),
      del(client.delete(Resources.services, namespace, `churn-${i}`)),
      del(client.delete(Resources.pods, namespace, `churn-${i}`, { gracePeriodSeconds: 0 })),
    ]);
  };
  const create = async (i: number) => {
    const node = benchNode(0);
    node.metadata = { name: churnNodeName(i), labels: { 'kubernetes.io/hostname': churnNodeName(i) } };
    const pod = benchPod('high-priority-large-cpu', namespace, `churn-${i}`);
    // Not labelled sched-bench: the measure's watch and cleanup are about the measured pods only.
    pod.metadata.labels = { 'sched-bench-churn': 'true' };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: `churn-${i}`, namespace }, spec: { selector: { app: 'foo' }, ports: [{ protocol: 'TCP', port: 8080, targetPort: 8080 }] } } as unknown as KObject;
    await Promise.all([client.create<Node>(Resources.nodes, node), client.create(Resources.services, service), client.create(Resources.pods, pod)]);
  };
  const loop = (async () => {
    while (!stopping) {
      const t0 = performance.now();
      try {
        if (round > 0) await remove(round - 1);
        await create(round);
        round++;
      } catch (e) {
        // A failed round is retried by the next one; the measure goes on.
        log.warn({ round, err: (e as Error).message }, 'churn round failed');
      }
      const wait = intervalMs - (performance.now() - t0);
      if (wait > 0 && !stopping) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    rounds: () => round,
    stop: async () => {
      stopping = true;
      await loop;
      for (let i = Math.max(0, round - 2); i <= round; i++) await remove(i);
    },
  };
}
