// The pod garbage collector: every pass (20 s, as upstream) lists pods and nodes from the caches,
// keeps bound-to-a-missing-node pods in quarantine until a live read confirms the node is gone,
// and force-deletes what plan.ts picks, after marking non-terminal ones Failed (with the
// DisruptionTarget condition for orphans) so their controllers and `kubectl get` see why.
import type { Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { processMetrics } from '../../lib/metrics/prometheus';
import { DEFAULT_TERMINATED_POD_THRESHOLD, GC_PERIOD_MS, QUARANTINE_MS, failedStatus, missingNodes, planPodGc, quarantineStep, type PodToDelete } from './plan';

const metrics = {
  deleted: processMetrics.counter('pod_gc_collector_force_delete_pods_total', 'Number of pods that are being forcefully deleted since the Pod GC Controller started.'),
  errors: processMetrics.counter('pod_gc_collector_force_delete_pod_errors_total', 'Number of errors encountered when forcefully deleting the pods since the Pod GC Controller started.'),
};

export interface PodGcOptions {
  terminatedPodThreshold?: number;
  periodMs?: number;
  quarantineMs?: number;
  now?: () => number;
}

export class PodGcController {
  private readonly log = componentLogger('pod-garbage-collector');
  private quarantine = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: ApiClient,
    private readonly pods: Informer<Pod>,
    private readonly nodes: Informer<Node>,
    opts: PodGcOptions = {},
  ) {
    this.threshold = opts.terminatedPodThreshold ?? DEFAULT_TERMINATED_POD_THRESHOLD;
    this.periodMs = opts.periodMs ?? GC_PERIOD_MS;
    this.quarantineMs = opts.quarantineMs ?? QUARANTINE_MS;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.pass()
        .catch((e) => this.log.warn({ err: (e as Error).message }, 'pod gc pass failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.periodMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; exported for tests through the class. */
  async pass(): Promise<void> {
    const pods = this.pods.list();
    const nodes = this.nodes.list();
    const { verify, next } = quarantineStep(missingNodes(pods, nodes), this.quarantine, this.now(), this.quarantineMs);
    this.quarantine = next;
    const deletedNodes = new Set<string>();
    for (const name of verify) if (await this.nodeIsGone(name)) deletedNodes.add(name);
    const plan = planPodGc({ pods, nodes, deletedNodes, terminatedPodThreshold: this.threshold }, new Date(this.now()).toISOString());
    if (plan.length) this.log.info({ count: plan.length, reasons: countBy(plan) }, 'garbage collecting pods');
    for (const d of plan) await this.markFailedAndDelete(d);
  }

  private async nodeIsGone(name: string): Promise<boolean> {
    try {
      await this.client.get(Resources.nodes, undefined, name);
      return false;
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
  }

  private async markFailedAndDelete(d: PodToDelete): Promise<void> {
    const { pod } = d;
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const labels = { namespace: ns, reason: d.reason };
    try {
      const status = failedStatus(pod, d.condition);
      if (status) {
        try {
          await this.client.updateStatus(Resources.pods, { ...pod, status });
        } catch (e) {
          // A newer version of the pod is the next pass's business; the deletion goes ahead.
          if (!isConflict(e)) throw e;
        }
      }
      await this.client.delete(Resources.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      metrics.deleted.inc(labels);
      this.log.info({ pod: `${ns}/${name}`, node: pod.spec.nodeName, reason: d.reason }, 'pod force-deleted');
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return;
      metrics.errors.inc(labels);
      this.log.warn({ pod: `${ns}/${name}`, reason: d.reason, err: (e as Error).message }, 'pod force-delete failed');
    }
  }
}

function countBy(plan: PodToDelete[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of plan) out[d.reason] = (out[d.reason] ?? 0) + 1;
  return out;
}
