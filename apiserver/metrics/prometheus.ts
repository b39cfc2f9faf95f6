// Minimal Prometheus text exposition (format 0.0.4): counters, gauges and histograms with labels.
// Label sets are kept as their rendered strings so observing costs one map lookup.

type Labels = Record<string, string>;

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function labelString(labels: Labels, extra?: [string, string]): string {
  const e = Object.entries(labels);
  if (extra) e.push(extra);
  if (e.length === 0) return '';
  return `{${e.map(([k, v]) => `${k}="${escapeValue(v)}"`).join(',')}}`;
}

function fmt(n: number): string {
  if (n === Infinity) return '+Inf';
  return String(n);
}

export interface MetricFamily {
  render(): string;
}

export class Counter implements MetricFamily {
  protected values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly type: 'counter' | 'gauge' = 'counter',
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = labelString(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelString(labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [l, v] of this.values) lines.push(`${this.name}${l} ${fmt(v)}`);
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

export class Histogram implements MetricFamily {
  private series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}

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

  count(labels: Labels): number {
    return this.series.get(labelString(labels))?.count ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      // Buckets are cumulative already: observe() counts a value in every bucket it fits.
      this.bounds.forEach((b, i) => lines.push(`${this.name}_bucket${labelString(s.labels, ['le', fmt(b)])} ${s.buckets[i]}`));
      lines.push(`${this.name}_bucket${labelString(s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelString(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelString(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}
