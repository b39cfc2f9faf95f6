// What to do when a unit's process has exited: systemd's Restart=always, with an exponential
// backoff for crash loops. Pure: the supervisor records every decision in its status, so a crash
// and the delay chosen for it can be read back (and tested) without timing anything.
import type { RestartPolicy } from './unit';

export interface ExitFacts {
  /**
   * The operator asked for this stop (a stop, or the stop half of a restart: the start that
   * follows is the operator's too). Not a crash, never counted.
   */
  requestedStop: boolean;
  /** Consecutive quick crashes before this exit. */
  failures: number;
  /** How long the process ran; undefined when it is unknown (it could not be started at all). */
  uptimeMs: number | undefined;
}

export type RestartDecision =
  | { action: 'stay-stopped'; failures: 0; reason: 'stopped' }
  | {
      action: 'restart';
      delayMs: number;
      /** Consecutive quick crashes including this one. */
      failures: number;
      /** Counted in the unit's restart count. */
      counted: true;
      reason: 'exited' | 'crash-loop';
    };

export function decideAfterExit(f: ExitFacts, p: RestartPolicy): RestartDecision {
  if (f.requestedStop) return { action: 'stay-stopped', failures: 0, reason: 'stopped' };
  // A process that stayed up a while was healthy: its crash starts the backoff from the beginning.
  const stable = f.uptimeMs !== undefined && f.uptimeMs >= p.stableAfterMs;
  const failures = stable ? 1 : f.failures + 1;
  return {
    action: 'restart',
    delayMs: backoffDelay(failures, p),
    failures,
    counted: true,
    reason: failures === 1 ? 'exited' : 'crash-loop',
  };
}

/** base · factor^(n−1), capped: the wait before restart number n of a crash loop. */
export function backoffDelay(failures: number, p: RestartPolicy): number {
  if (failures <= 1) return Math.min(p.baseDelayMs, p.maxDelayMs);
  // computed stepwise so a long crash loop cannot overflow to Infinity
  let d = p.baseDelayMs;
  for (let i = 1; i < failures && d < p.maxDelayMs; i++) d *= p.factor;
  return Math.min(Math.round(d), p.maxDelayMs);
}
