// Pure image-pull decisions: the effective pull policy, what to do given what is present and the
// pull backoff, and the backoff delay itself (Kubernetes: 10 s doubling to 5 min).

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface PullBackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_PULL_BACKOFF: PullBackoffPolicy = { baseMs: 10_000, maxMs: 300_000 };

/** The tag of an image reference ("latest" when none; "" when pinned by digest). */
export function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const i = last.lastIndexOf(':');
  return i >= 0 ? last.slice(i + 1) : 'latest';
}

/** Kubernetes' defaulting: Always for :latest (or no tag), IfNotPresent otherwise. */
export function effectivePullPolicy(image: string, policy: string | undefined): PullPolicy {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return policy;
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

export type PullDecision =
  | { action: 'use' }
  | { action: 'pull' }
  | { action: 'never'; message: string }
  | { action: 'backoff'; retryInMs: number; message: string };

/** Pure: what to do for one image now. backoffUntilMs is set after a failed pull. */
export function decidePull(image: string, policy: PullPolicy, present: boolean, nowMs: number, backoffUntilMs?: number): PullDecision {
  if (present && policy !== 'Always') return { action: 'use' };
  if (policy === 'Never') return { action: 'never', message: `Container image "${image}" is not present with pull policy of Never` };
  if (backoffUntilMs !== undefined && backoffUntilMs > nowMs) {
    return { action: 'backoff', retryInMs: backoffUntilMs - nowMs, message: `Back-off pulling image "${image}"` };
  }
  return { action: 'pull' };
}

/** Delay after the n-th consecutive failure (n >= 1). */
export function pullBackoffMs(failures: number, p: PullBackoffPolicy = DEFAULT_PULL_BACKOFF): number {
  return Math.min(p.baseMs * 2 ** Math.max(0, failures - 1), p.maxMs);
}

/** "1.234s" the way the Pulled event prints durations. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}
