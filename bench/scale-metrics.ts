// The apiserver side of bench:scale's API SLOs, as pure functions over the Prometheus text the
// apiserver serves at /metrics: apiserver_request_duration_seconds parsed into cumulative bucket
// series, the difference of two scrapes (only the load phase counts), and p99 per SLO class the
// way histogram_quantile estimates it (linear within the bucket that holds the rank).
//
// Kubernetes' API call latency SLOs (sig-scalability): mutating calls on single objects p99 ≤ 1 s,
// non-streaming single-object reads p99 ≤ 1 s, LISTs p99 ≤ 5 s namespace-scoped and ≤ 30 s
// cluster-scoped. k8ts's histogram has no scope label, so LISTs are one class here, held to the
// cluster-scoped 30 s; the probe client measures the two scopes apart.

export const METRIC = 'apiserver_request_duration_seconds';

export interface Series {
  verb: string;
  resource: string;
  subresource: string;
  /** Cumulative counts by upper bound, ascending; the last bound is Infinity. */
  buckets: { le: number; count: number }[];
}

function labelsOf(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2].replace(/\\(.)/g, '$1');
  return out;
}

/** The duration histogram's series by verb/group/resource/subresource key. */
export function parseDurationHistogram(text: string): Map<string, Series> {
  const out = new Map<string, Series>();
  const prefix = `${METRIC}_bucket{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('}');
    const l = labelsOf(line.slice(prefix.length, close));
    const count = Number(line.slice(close + 1).trim().split(/\s+/)[0]);
    const le = l.le === '+Inf' ? Infinity : Number(l.le);
    if (!Number.isFinite(count) || Number.isNaN(le)) continue;
    const key = [l.verb, l.group ?? '', l.resource ?? '', l.subresource ?? ''].join('|');
    let s = out.get(key);
    if (!s) out.set(key, (s = { verb: l.verb ?? '', resource: l.resource ?? '', subresource: l.subresource ?? '', buckets: [] }));
    s.buckets.push({ le, count });
  }
  for (const s of out.values()) s.buckets.sort((a, b) => a.le - b.le);
  return out;
}

/** after − before, series by series (a series absent before counts from zero). */
export function diffHistograms(before: Map<string, Series>, after: Map<string, Series>): Map<string, Series> {
  const out = new Map<string, Series>();
  for (const [key, s] of after) {
    const b = before.get(key);
    const prev = new Map((b?.buckets ?? []).map((x) => [x.le, x.count]));
    out.set(key, { ...s, buckets: s.buckets.map((x) => ({ le: x.le, count: Math.max(0, x.count - (prev.get(x.le) ?? 0)) })) });
  }
  return out;
}

/** Buckets of several series added up (all from one histogram, so with the same bounds). */
export function sumBuckets(series: Series[]): { le: number; count: number }[] {
  const by = new Map<number, number>();
  for (const s of series) for (const b of s.buckets) by.set(b.le, (by.get(b.le) ?? 0) + b.count);
  return [...by].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The q-quantile as Prometheus' histogram_quantile estimates it: the bucket holding rank q·total,
 * linear between its lower and upper bound (0 below the first). A rank in the +Inf bucket gives
 * the largest finite bound (the estimate cannot say more). undefined with no observations.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number | undefined {
  const total = buckets.length ? buckets[buckets.length - 1].count : 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lower;
      const inBucket = b.count - below;
      return inBucket > 0 ? lower + ((b.le - lower) * (rank - below)) / inBucket : b.le;
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}

export type SloClass = 'mutating' | 'get' | 'list';

/** Streaming and proxied subresources are outside the SLOs (long-running by nature). */
const STREAMING = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

/** The SLO class of a series, or undefined for calls the SLOs leave out (WATCH, streams, collections). */
export function sloClass(s: Pick<Series, 'verb' | 'subresource'>): SloClass | undefined {
  if (STREAMING.has(s.subresource)) return undefined;
  if (['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY'].includes(s.verb)) return 'mutating';
  if (s.verb === 'GET') return 'get';
  if (s.verb === 'LIST') return 'list';
  return undefined;
}

export const SLO_SECONDS: Record<SloClass, number> = { mutating: 1, get: 1, list: 30 };

export interface ClassReport {
  count: number;
  /** p99 over every call of the class. */
  p99_s: number | null;
  slo_s: number;
  /**
   * The SLO is per resource and verb: the slowest such series with at least minCount calls (a
   * handful of calls makes p99 the maximum, which says little).
   */
  worst: { verb: string; resource: string; count: number; p99_s: number } | null;
  within_slo: boolean;
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** p99 per SLO class from the load phase's series. */
export function sloReport(series: Map<string, Series>, minCount = 20): Record<SloClass, ClassReport> {
  const out = {} as Record<SloClass, ClassReport>;
  for (const cls of ['mutating', 'get', 'list'] as SloClass[]) {
    const mine = [...series.values()].filter((s) => sloClass(s) === cls);
    const all = sumBuckets(mine);
    const p99 = histogramQuantile(0.99, all);
    // Per resource and verb (subresources folded into their resource, as the SLO states it).
    const byRv = new Map<string, Series[]>();
    for (const s of mine) byRv.set(`${s.verb} ${s.resource}`, [...(byRv.get(`${s.verb} ${s.resource}`) ?? []), s]);
    let worst: ClassReport['worst'] = null;
    for (const [rv, group] of byRv) {
      const b = sumBuckets(group);
      const count = b.length ? b[b.length - 1].count : 0;
      const q = histogramQuantile(0.99, b);
      if (count < minCount || q === undefined) continue;
      if (!worst || q > worst.p99_s) worst = { verb: rv.split(' ')[0], resource: rv.split(' ')[1], count, p99_s: r3(q) };
    }
    const count = all.length ? all[all.length - 1].count : 0;
    const top = Math.max(p99 ?? 0, worst?.p99_s ?? 0);
    out[cls] = { count, p99_s: p99 === undefined ? null : r3(p99), slo_s: SLO_SECONDS[cls], worst, within_slo: top <= SLO_SECONDS[cls] };
  }
  return out;
}

/** The n series with the most calls (SLO classes only): where the apiserver's time went. */
export function busiest(series: Map<string, Series>, n = 6): { call: string; count: number; p99_s: number | null }[] {
  return [...series.values()]
    .filter((s) => sloClass(s) !== undefined)
    .map((s) => {
      const q = histogramQuantile(0.99, s.buckets);
      return { call: `${s.verb} ${s.resource}${s.subresource ? '/' + s.subresource : ''}`, count: s.buckets.length ? s.buckets[s.buckets.length - 1].count : 0, p99_s: q === undefined ? null : r3(q) };
    })
    .sort((a, b) => b.count - a.count)
    .slice(0, n);
}

/**
 * Failed calls (code ≥ 400) by call and code from apiserver_request_total, after − before: under
 * overload, what the components retried (timeouts and conflicts land here, not in latency).
 */
export function failedCalls(before: string, after: string): Record<string, number> {
  const read = (text: string) => {
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      const close = line.lastIndexOf('}');
      const l = labelsOf(line.slice('apiserver_request_total{'.length, close));
      if (!(Number(l.code) >= 400)) continue;
      const key = `${l.verb} ${l.resource}${l.subresource ? '/' + l.subresource : ''} ${l.code}`;
      out.set(key, (out.get(key) ?? 0) + Number(line.slice(close + 1).trim().split(/\s+/)[0]));
    }
    return out;
  };
  const b = read(before);
  const out: Record<string, number> = {};
  for (const [k, v] of read(after)) if (v - (b.get(k) ?? 0) > 0) out[k] = v - (b.get(k) ?? 0);
  return out;
}
