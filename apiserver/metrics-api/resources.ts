// metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics as ResourceDefs (read-only: get and list,
// as metrics-server serves them) and the objects themselves, built from the usage samples.
import type { KObject } from '../../lib/api/types';
import type { ResourceDef } from '../registry/types';
import { col, NAME_COLUMN } from '../resources/common';
import { cpuQuantity, goDuration, memoryQuantity } from './quantities';
import type { NodeUsage, PodUsage, Usage } from './samples';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
export const METRICS_API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

type MetricsObject = KObject & { timestamp?: string; window?: string; usage?: Record<string, string>; containers?: { name: string; usage: Record<string, string> }[] };

const usageOf = (u: Usage): Record<string, string> => ({ cpu: cpuQuantity(u.cpu), memory: memoryQuantity(u.memory) });

function metricsDef(kind: 'NodeMetrics' | 'PodMetrics', resource: 'nodes' | 'pods', namespaced: boolean): ResourceDef {
  return {
    group: METRICS_GROUP,
    version: METRICS_VERSION,
    apiVersion: METRICS_API_VERSION,
    kind,
    listKind: `${kind}List`,
    resource,
    singular: '',
    shortNames: [],
    categories: [],
    namespaced,
    verbs: ['get', 'list'],
    subresources: [],
    printerColumns: [
      NAME_COLUMN,
      col('CPU', 'string', 'CPU usage'),
      col('Memory', 'string', 'Memory usage'),
      col('Window', 'string', 'Interval over which the usage was measured'),
    ],
    printRow: (o) => {
      const m = o as MetricsObject;
      const usage = m.usage ?? { cpu: sumOf(m, 'cpu'), memory: sumOf(m, 'memory') };
      return [m.metadata.name, usage.cpu ?? '', usage.memory ?? '', m.window ?? ''];
    },
    fieldSelectors: {},
  };
}

/** A pod row's CPU and memory: its containers' usages added up (kubectl top does the same). */
function sumOf(m: MetricsObject, what: 'cpu' | 'memory'): string {
  const cs = m.containers ?? [];
  const parse = (q: string): number => {
    const x = /^(\d+)(n|u|m|Ki|Mi|Gi|Ti|Pi)?$/.exec(q);
    if (!x) return 0;
    const mult: Record<string, number> = { n: 1, u: 1e3, m: 1e6, '': 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5 };
    const unit = x[2] ?? '';
    return Number(x[1]) * (what === 'memory' && unit === '' ? 1 : mult[unit]);
  };
  const total = cs.reduce((s, c) => s + parse(c.usage[what] ?? '0'), 0);
  return what === 'cpu' ? cpuQuantity(total) : memoryQuantity(total);
}

export const nodeMetricsDef = metricsDef('NodeMetrics', 'nodes', false);
export const podMetricsDef = metricsDef('PodMetrics', 'pods', true);

export function nodeMetricsObject(u: NodeUsage, node: KObject, nowMs: number): KObject {
  return {
    apiVersion: METRICS_API_VERSION,
    kind: 'NodeMetrics',
    // metrics-server stamps the object as created when it is served and carries the node's labels.
    metadata: { name: u.name, creationTimestamp: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'), ...(node.metadata.labels ? { labels: node.metadata.labels } : {}) },
    timestamp: new Date(u.timestampMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    window: goDuration(u.windowMs),
    usage: usageOf(u.usage),
  } as KObject;
}

export function podMetricsObject(u: PodUsage, pod: KObject, nowMs: number): KObject {
  return {
    apiVersion: METRICS_API_VERSION,
    kind: 'PodMetrics',
    metadata: {
      name: u.name,
      namespace: u.namespace,
      creationTimestamp: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
    },
    timestamp: new Date(u.timestampMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    window: goDuration(u.windowMs),
    containers: u.containers.map((c) => ({ name: c.name, usage: usageOf(c.usage) })),
  } as KObject;
}
