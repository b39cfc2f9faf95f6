// The kubelet's metrics: pods on the node, housekeeping passes, and how long pods take to start
// (upstream's kubelet_pod_start_duration_seconds: from the kubelet first seeing a pod to the pod
// running). Served at /metrics on the kubelet's port with the process-wide registry.
import type { Pod } from '../lib/api/types';
import { MetricsRegistry } from '../lib/metrics/prometheus';

/** Upstream's buckets for pod start duration, in seconds (0.5 s to an hour). */
export const POD_START_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

/**
 * Pods this kubelet saw before they ran, and when. A pod already running when first seen (after a
 * kubelet restart) is not measured; a pod that finishes or goes away before running is dropped.
 */
export class PodStartTracker {
  private readonly firstSeen = new Map<string, number>();

  /** Records a pod the kubelet sees; returns the seconds from first sight to Running, once. */
  observe(pod: Pod, nowMs: number): number | undefined {
    const uid = pod.metadata.uid;
    if (!uid) return undefined;
    const phase = pod.status?.phase;
    const since = this.firstSeen.get(uid);
    if (since === undefined) {
      if (!phase || phase === 'Pending') this.firstSeen.set(uid, nowMs);
      return undefined;
    }
    if (phase === 'Pending' || !phase) return undefined;
    this.firstSeen.delete(uid);
    return phase === 'Running' ? (nowMs - since) / 1000 : undefined;
  }

  forget(uid: string): void {
    this.firstSeen.delete(uid);
  }

  get tracked(): number {
    return this.firstSeen.size;
  }
}

export class KubeletMetrics {
  readonly registry = new MetricsRegistry();
  readonly runningPods = this.registry.gauge('kubelet_running_pods', 'Pods with a running sandbox on this node');
  readonly housekeeping = this.registry.counter('kubelet_housekeeping_total', 'Housekeeping passes over every pod');
  readonly podStartDuration = this.registry.histogram(
    'kubelet_pod_start_duration_seconds',
    'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run',
    POD_START_BUCKETS,
  );
  private readonly starts = new PodStartTracker();

  /** A pod added or updated in the kubelet's pod cache. */
  podSeen(pod: Pod, nowMs = performance.now()): void {
    const seconds = this.starts.observe(pod, nowMs);
    if (seconds !== undefined) this.podStartDuration.observe({}, seconds);
  }

  podGone(uid: string): void {
    this.starts.forget(uid);
  }
}
