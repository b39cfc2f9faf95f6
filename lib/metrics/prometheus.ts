// Prometheus text exposition (format 0.0.4): counters, gauges and histograms with labels, and a
// registry that renders them. One module for every component, so escaping and histogram layout
// are right in one place. Label sets are kept as their rendered strings so observing costs one map
// lookup.

export type Labels = Record<string, string>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class MetricDefinitionError extends Error {
  readonly code = 'METRIC_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'MetricDefinitionError';
  }
}

/** Label values: backslash, double quote and line feed are escaped (the exposition format's rule). */
const NEEDS_ESCAPE = /[\\\n"]/;
function escapeValue(v: string): string {
  // Most values need nothing: one test instead of three replaces on every observation.
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** HELP text: only backslash and line feed are escaped. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function labelString(labels: Labels, extra?: [string, string]): string {
  // Runs on every observation (several per API request): one string, no intermediate arrays.
  let out = '';
  for (const k of Object.keys(labels)) out += `${out ? ',' : ''}${checkLabel(k)}="${escapeValue(String(labels[k]))}"`;
  if (extra) out += `${out ? ',' : ''}${checkLabel(extra[0])}="${escapeValue(String(extra[1]))}"`;
  return out ? `{${out}}` : '';
}

const checkedLabels = new Set<string>();
function checkLabel(k: string): string {
  if (checkedLabels.has(k)) return k;
  if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new MetricDefinitionError(`invalid label name "${k}"`);
  checkedLabels.add(k);
  return k;
}

/** Sample values as the format writes them: +Inf, -Inf, NaN, else the shortest decimal. */
export function formatValue(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isNaN(n)) return 'NaN';
  return String(n);
}

export interface MetricFamily {
  readonly name: string;
  render(): string;
}

function header(name: string, help: string, type: string): string[] {
  if (!METRIC_NAME.test(name)) throw new MetricDefinitionError(`invalid metric name "${name}"`);
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
}

export class Counter implements MetricFamily {
  protected values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly type: 'counter' | 'gauge' = 'counter',
  ) {
    header(name, help, type);
  }

  inc(labels: Labels = {}, by = 1): void {
    const k = labelString(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelString(labels)) ?? 0;
  }

  /** Drops every series (a gauge recomputed from scratch on each collection). */
  reset(): void {
    this.values.clear();
  }

  render(): string {
    const lines = header(this.name, this.help, this.type);
    // A family without series still shows its zero, so a dashboard sees the metric exists.
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [l, v] of this.values) lines.push(`${this.name}${l} ${formatValue(v)}`);
    return lines.join('\n');
  }
}

export class Gauge extends Counter {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }

  set(labels: Labels, value: number): void {
    this.values.set(labelString(labels), value);
  }

  dec(labels: Labels = {}, by = 1): void {
    this.inc(labels, -by);
  }
}

interface HistogramSeries {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram implements MetricFamily {
  private series = new Map<string, HistogramSeries>();
  readonly bounds: readonly number[];
  constructor(
    readonly name: string,
    readonly help: string,
    bounds: readonly number[] = DEFAULT_BUCKETS,
  ) {
    header(name, help, 'histogram');
    const sorted = [...bounds].filter((b) => b !== Infinity).sort((a, b) => a - b);
    if (sorted.some((b, i) => i > 0 && b === sorted[i - 1])) throw new MetricDefinitionError(`${name}: duplicate bucket bounds`);
    this.bounds = sorted;
  }

  observe(labels: Labels, value: number): void {
    const k = labelString(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels, buckets: new Array(this.bounds.length).fill(0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]) s.buckets[i]++;
    s.sum += value;
    s.count++;
  }

  /** Observes the seconds since start (a process.hrtime.bigint() reading). */
  observeSince(labels: Labels, start: bigint): void {
    this.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  }

  count(labels: Labels): number {
    return this.series.get(labelString(labels))?.count ?? 0;
  }

  render(): string {
    const lines = header(this.name, this.help, 'histogram');
    for (const s of this.series.values()) {
      // Buckets are cumulative already: observe() counts a value in every bucket it fits.
      this.bounds.forEach((b, i) => lines.push(`${this.name}_bucket${labelString(s.labels, ['le', formatValue(b)])} ${s.buckets[i]}`));
      lines.push(`${this.name}_bucket${labelString(s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelString(s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${this.name}_count${labelString(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/**
 * A set of metric families rendered together. Getters are get-or-create, so modules declare the
 * metrics they record where they record them; asking for a name with another type fails.
 */
export class MetricsRegistry {
  private readonly families = new Map<string, MetricFamily>();

  counter(name: string, help: string): Counter {
    return this.getOrCreate(name, Counter, () => new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.getOrCreate(name, Gauge, () => new Gauge(name, help));
  }

  histogram(name: string, help: string, bounds?: readonly number[]): Histogram {
    return this.getOrCreate(name, Histogram, () => new Histogram(name, help, bounds));
  }

  register(f: MetricFamily): void {
    if (this.families.has(f.name)) throw new MetricDefinitionError(`metric ${f.name} is already registered`);
    this.families.set(f.name, f);
  }

  get(name: string): MetricFamily | undefined {
    return this.families.get(name);
  }

  /** Prometheus text format; serve with Content-Type `text/plain; version=0.0.4`. */
  render(): string {
    if (this.families.size === 0) return '';
    return [...this.families.values()].map((f) => f.render()).join('\n') + '\n';
  }

  private getOrCreate<T extends MetricFamily>(name: string, type: abstract new (...a: never[]) => T, make: () => T): T {
    const have = this.families.get(name);
    if (have) {
      // Gauge extends Counter: compare the exact class, not instanceof.
      if (have.constructor !== type) throw new MetricDefinitionError(`metric ${name} is registered as another type`);
      return have as T;
    }
    const f = make();
    this.families.set(name, f);
    return f;
  }
}

/** The Content-Type of the text exposition format. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The /metrics body of a component: its own registries, then the process-wide one. Families are
 * unique per registry; a component keeps its names apart from the shared library's.
 */
export function exposition(...registries: { render(): string }[]): string {
  return [...registries, processMetrics].map((r) => r.render()).join('');
}

/**
 * The process-wide registry: shared-library code (informers, work queues, the supervisor) records
 * here, and every component's /metrics renders it beside its own families.
 */
export const processMetrics = new MetricsRegistry();
