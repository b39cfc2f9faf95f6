// The HPA part of `npm run bench:controllers`: reaction time from load to a new replica. On a
// running cluster (the caller's), a Deployment of one idle pod (100m CPU requested, 150m limit)
// gets an HPA on 50% CPU (max 2); once the HPA reports a metric (the pipeline is warm), a CPU
// burner is started inside the pod with kubectl exec: that instant is the load start. Measured
// from it: the HPA's new scale (Deployment spec.replicas 2), the new pod created, the new pod
// Running. The figures are bounded below by the Metrics API resolution (15 s) and the HPA sync
// period (15 s): a scrape must see the load, then the HPA must look. Removes what it created.
import { randomBytes } from 'node:crypto';
import { Kubectl } from '../test/harness/kubectl';
import { waitFor } from '../test/harness/exec';
import { burnerDeployment, cpuHpa } from '../test/workloads/hpa-manifests';

export interface HpaReactionOptions {
  kubeconfig: string;
  /** The cluster's network namespace, when kubectl must run inside it. */
  netns?: string;
  namespace?: string;
  /** Bound of each wait (default 5 min). */
  timeoutMs?: number;
  /** Polling interval for the new replica Running (default 250 ms). */
  pollMs?: number;
}

/**
 * Flat JSON fields for bench:controllers' line (`Object.assign(result, await hpaReaction({ kubeconfig }))`
 * from its worker, already inside the cluster's netns). Milliseconds from the load start (kubectl
 * exec of the burner returned); the scale and the creation are whole-second server stamps.
 */
export interface HpaReaction {
  /** Load start → the HPA wrote the new scale (its status.lastScaleTime). */
  hpa_load_to_scale_ms: number;
  /** Load start → the new replica's pod exists (its creationTimestamp). */
  hpa_load_to_new_replica_created_ms: number;
  /** Load start → the new replica's pod seen Running. */
  hpa_load_to_new_replica_running_ms: number;
  hpa_poll_ms: number;
}

type PodList = { items: { metadata: { name: string; creationTimestamp?: string; deletionTimestamp?: string }; status: { phase?: string } }[] };

export async function hpaReaction(o: HpaReactionOptions): Promise<HpaReaction> {
  const ns = o.namespace ?? 'default';
  const timeout = o.timeoutMs ?? 300_000;
  const pollMs = o.pollMs ?? 250;
  const name = `hpa-bench-${randomBytes(3).toString('hex')}`;
  const k = new Kubectl(o.kubeconfig, o.netns);
  const pods = async () => (await k.json<PodList>(['-n', ns, 'get', 'pods', '-l', `app=${name}`])).items.filter((p) => !p.metadata.deletionTimestamp);
  try {
    await k.run(['-n', ns, 'apply', '-f', '-'], burnerDeployment(name, 'off'));
    const first = await waitFor('the idle pod running', async () => (await pods()).find((p) => p.status.phase === 'Running'), timeout, pollMs);
    await k.run(['-n', ns, 'apply', '-f', '-'], cpuHpa(name, { apiVersion: 'apps/v1', kind: 'Deployment', name }, 2));
    await waitFor('the HPA reading the metric', async () => {
      const h = await k.json<{ status?: { currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[] } }>(['-n', ns, 'get', 'hpa', name]);
      return h.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization !== undefined;
    }, timeout, 1000);
    // The burner runs in the pod's container (its cgroup) after the exec returns; the pod's
    // deletion at the end stops it.
    await k.run(['-n', ns, 'exec', first.metadata.name, '--', 'sh', '-c', 'timeout 900 sh -c "while :; do :; done" >/dev/null 2>&1 &']);
    const t0 = Date.now();
    const fresh = await waitFor('a new replica running', async () => {
      const p = (await pods()).find((x) => x.metadata.name !== first.metadata.name && x.status.phase === 'Running');
      return p && { pod: p, at: Date.now() };
    }, timeout, pollMs);
    // The scale and the creation are read from the server's own stamps (whole seconds), so that
    // the polling's own latency does not skew them; Running is when the poll saw it.
    const h = await k.json<{ status?: { lastScaleTime?: string } }>(['-n', ns, 'get', 'hpa', name]);
    const at = (ts: string | undefined) => Math.max(0, (Date.parse(ts ?? '') || fresh.at) - t0);
    return {
      hpa_load_to_scale_ms: at(h.status?.lastScaleTime),
      hpa_load_to_new_replica_created_ms: at(fresh.pod.metadata.creationTimestamp),
      hpa_load_to_new_replica_running_ms: fresh.at - t0,
      hpa_poll_ms: pollMs,
    };
  } finally {
    await k.run(['-n', ns, 'delete', 'hpa', name, '--ignore-not-found', '--wait=false']).catch(() => undefined);
    await k.run(['-n', ns, 'delete', 'deployment', name, '--ignore-not-found']).catch(() => undefined);
    await waitFor('the bench pods gone', async () => (await pods()).length === 0, timeout, 1000).catch(() => undefined);
  }
}
