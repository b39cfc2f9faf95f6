// The pure half of a probe worker: Kubernetes' timing fields and thresholds turned into "is a
// probe due now" and "what is the verdict after this outcome". The worker (probe-manager.ts) only
// runs probes and applies these answers; tests drive them with a fake clock.
import type { Probe } from '../pods/spec-types';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutSec: number;
  successThreshold: number;
  failureThreshold: number;
}

/** Kubernetes' defaults: period 10 s, timeout 1 s, success 1 (always 1 for liveness/startup), failure 3. */
export function probeTiming(kind: ProbeKind, p: Probe): ProbeTiming {
  return {
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    timeoutSec: Math.max(1, p.timeoutSeconds ?? 1),
    successThreshold: kind === 'readiness' ? Math.max(1, p.successThreshold ?? 1) : 1,
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

export interface ProbeState {
  /** The verdict the kubelet acts on. */
  result: boolean;
  /** Consecutive outcomes equal to `lastOutcome`. */
  streak: number;
  lastOutcome?: boolean;
  /** ms since epoch of the last run, 0 before the first. */
  lastRunMs: number;
}

/** Readiness starts failed (not ready until proven), liveness starts healthy, startup not started. */
export function initialProbeState(kind: ProbeKind): ProbeState {
  return { result: kind === 'liveness', streak: 0, lastRunMs: 0 };
}

/** When the next probe should run: after the initial delay, then every period. */
export function nextProbeAtMs(t: ProbeTiming, containerStartedMs: number, s: ProbeState): number {
  if (s.lastRunMs === 0) return containerStartedMs + t.initialDelayMs;
  return s.lastRunMs + t.periodMs;
}

/** The state after one probe outcome: the verdict flips only once a threshold is met. */
export function observeProbe(t: ProbeTiming, s: ProbeState, ok: boolean, nowMs: number): ProbeState {
  const streak = s.lastOutcome === ok ? s.streak + 1 : 1;
  let result = s.result;
  if (ok && streak >= t.successThreshold) result = true;
  if (!ok && streak >= t.failureThreshold) result = false;
  return { result, streak, lastOutcome: ok, lastRunMs: nowMs };
}
