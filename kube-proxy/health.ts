// kube-proxy's /healthz answer, decided apart from serving it (lib/health-server serves it on the
// healthz port and the metrics port).
import type { ProbeResult } from '../lib/health-server';
import type { SyncStats } from './sync-loop';

/** Healthy once a sync succeeded and the last success is recent: periodic resyncs land every sync
 *  period, so two periods plus slack without one means the proxier is stuck or failing. */
export function healthz(now: number, stats: SyncStats, syncPeriodMs: number): ProbeResult {
  const limitMs = 2 * syncPeriodMs + 10_000;
  const healthy = stats.lastSuccessAt > 0 && now - stats.lastSuccessAt <= limitMs;
  const body = JSON.stringify({
    lastUpdated: stats.lastSuccessAt ? new Date(stats.lastSuccessAt).toISOString() : null,
    currentTime: new Date(now).toISOString(),
    ...(stats.lastError ? { lastError: stats.lastError } : {}),
  });
  return { code: healthy ? 200 : 503, body, type: 'application/json' };
}
