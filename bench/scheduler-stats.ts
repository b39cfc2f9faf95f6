// The pure figures of bench:scheduler: latency percentiles, throughput over the whole run and over
// its steady middle, and how evenly pods landed. No I/O, so the arithmetic is table-tested
// (bench/scheduler-stats.test.ts) apart from the bench that feeds it times.

/** The p-th percentile (nearest rank on the sorted values), or 0 for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

export interface Throughput {
  /** Pods bound per second from the first create sent to the last binding observed. */
  podsPerSec: number;
  /**
   * Pods bound per second between the 10th and 90th percentile of binding times: the scheduler's
   * own pace once the queue is filled, without the ramp-up and the tail (upstream's
   * SchedulingThroughput samples the same thing per second).
   */
  steadyPodsPerSec: number;
  durationMs: number;
}

/**
 * firstCreateMs: when the first create was sent; boundMs: when each binding was observed (any
 * order, same clock). Fewer than 10 bindings make no steady middle: it is then the whole run.
 */
export function throughput(firstCreateMs: number, boundMs: readonly number[]): Throughput {
  if (boundMs.length === 0) return { podsPerSec: 0, steadyPodsPerSec: 0, durationMs: 0 };
  const t = [...boundMs].sort((a, b) => a - b);
  const durationMs = t[t.length - 1] - firstCreateMs;
  const podsPerSec = durationMs > 0 ? (t.length * 1000) / durationMs : 0;
  let steady = podsPerSec;
  if (t.length >= 10) {
    const lo = Math.floor(t.length * 0.1);
    const hi = Math.ceil(t.length * 0.9) - 1;
    const span = t[hi] - t[lo];
    if (span > 0) steady = ((hi - lo) * 1000) / span;
  }
  return { podsPerSec: round1(podsPerSec), steadyPodsPerSec: round1(steady), durationMs: Math.round(durationMs) };
}

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** create→bound latencies (ms, any order). */
export function latencies(ms: readonly number[]): LatencySummary {
  const s = [...ms].sort((a, b) => a - b);
  return { p50Ms: round1(percentile(s, 50)), p99Ms: round1(percentile(s, 99)), maxMs: round1(s.length ? s[s.length - 1] : 0) };
}

export interface Spread {
  maxPodsPerNode: number;
  minPodsPerNode: number;
  /** 0 or 1 is as even as whole pods allow. */
  spreadMaxMinusMin: number;
  /** How many groups hold the maximum: one outlier or a pattern. */
  groupsAtMax: number;
}

/**
 * How many pods each group holds, over every group (nodes, or zones) — including the ones that got
 * none, which is why the names come separately from the placements.
 */
export function spread(groups: readonly string[], placements: readonly string[]): Spread {
  const count = new Map<string, number>(groups.map((g) => [g, 0]));
  for (const p of placements) count.set(p, (count.get(p) ?? 0) + 1);
  if (count.size === 0) return { maxPodsPerNode: 0, minPodsPerNode: 0, spreadMaxMinusMin: 0, groupsAtMax: 0 };
  const values = [...count.values()];
  const max = Math.max(...values);
  const min = Math.min(...values);
  return { maxPodsPerNode: max, minPodsPerNode: min, spreadMaxMinusMin: max - min, groupsAtMax: values.filter((v) => v === max).length };
}

/** Pods placed beside another pod they must avoid (required anti-affinity on the hostname): Σ max(0, n−1). */
export function antiAffinityViolations(placements: readonly string[]): number {
  const count = new Map<string, number>();
  for (const p of placements) count.set(p, (count.get(p) ?? 0) + 1);
  let v = 0;
  for (const n of count.values()) v += Math.max(0, n - 1);
  return v;
}
