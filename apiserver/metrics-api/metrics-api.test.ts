import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import type { Registry, ResourceDef } from '../registry/types';
import { cpuQuantity, goDuration, memoryQuantity } from './quantities';
import { withMetricsApi } from './registry';
import { nodeMetricsDef, podMetricsDef } from './resources';
import { cpuRate, podUsages, SampleStore, type SummaryDoc } from './samples';
import { kubeletEndpointOf } from './scraper';

describe('metrics API quantities', () => {
  it('CPU in the shortest exact decimal unit, memory in the largest dividing binary unit, windows as Go durations', () => {
    const cpu: [number, string][] = [[0, '0'], [1234567, '1234567n'], [12_345_000, '12345u'], [250_000_000, '250m'], [2e9, '2'], [1.6, '2n'], [-5, '0']];
    for (const [n, want] of cpu) assert.equal(cpuQuantity(n), want, String(n));
    const mem: [number, string][] = [[0, '0'], [1000, '1000'], [4096000, '4000Ki'], [10 * 1024 * 1024, '10Mi'], [3 * 1024 ** 3, '3Gi'], [1025, '1025']];
    for (const [n, want] of mem) assert.equal(memoryQuantity(n), want, String(n));
    const win: [number, string][] = [[0, '0s'], [500, '500ms'], [15_000, '15s'], [15_004, '15.004s'], [60_500, '1m0.5s'], [3_723_000, '1h2m3s']];
    for (const [n, want] of win) assert.equal(goDuration(n), want, String(n));
  });
});

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

function summary(s: number, cpu: number, mem: number, containers: { name: string; start?: string; cpu: number; mem: number }[] = []): SummaryDoc {
  return {
    node: { nodeName: 'n1', cpu: { time: t(s), usageCoreNanoSeconds: cpu }, memory: { time: t(s), workingSetBytes: mem } },
    pods: [
      {
        podRef: { name: 'web', namespace: 'default', uid: 'u1' },
        containers: containers.map((c) => ({ name: c.name, startTime: c.start ?? 'x', cpu: { time: t(s), usageCoreNanoSeconds: c.cpu }, memory: { time: t(s), workingSetBytes: c.mem } })),
      },
    ],
  };
}

describe('metrics API samples', () => {
  it('a rate needs two ordered points with a counter that did not go back', () => {
    const cases: [Parameters<typeof cpuRate>[0], Parameters<typeof cpuRate>[1], number | undefined][] = [
      [undefined, { time: t(10), usageCoreNanoSeconds: 5 }, undefined],
      [{ time: t(0), usageCoreNanoSeconds: 0 }, { time: t(10), usageCoreNanoSeconds: 5e9 }, 5e8],
      [{ time: t(10), usageCoreNanoSeconds: 0 }, { time: t(10), usageCoreNanoSeconds: 5e9 }, undefined],
      [{ time: t(0), usageCoreNanoSeconds: 9e9 }, { time: t(10), usageCoreNanoSeconds: 5e9 }, undefined],
    ];
    for (const [a, b, want] of cases) assert.equal(cpuRate(a, b)?.nanoCores, want);
  });

  it('pods are reported only when every container has two points of the same container instance', () => {
    const prev = summary(0, 0, 1, [{ name: 'a', cpu: 0, mem: 1 }, { name: 'b', cpu: 0, mem: 1 }]);
    const cur = summary(15, 0, 1, [{ name: 'a', cpu: 3e9, mem: 2048 }, { name: 'b', cpu: 1.5e9, mem: 4096 }]);
    assert.deepEqual(podUsages(prev, cur), [
      { namespace: 'default', name: 'web', uid: 'u1', timestampMs: Date.parse(t(15)), windowMs: 15_000, containers: [{ name: 'a', usage: { cpu: 2e8, memory: 2048 } }, { name: 'b', usage: { cpu: 1e8, memory: 4096 } }] },
    ]);
    const restarted = summary(15, 0, 1, [{ name: 'a', cpu: 3e9, mem: 2048 }, { name: 'b', start: 'y', cpu: 1e6, mem: 4096 }]);
    assert.deepEqual(podUsages(prev, restarted), []);
    assert.deepEqual(podUsages(undefined, cur), []);
  });

  it('the store keeps two scrapes per node and forgets nodes not scraped', () => {
    const s = new SampleStore();
    s.record('n1', summary(0, 0, 100));
    assert.equal(s.node('n1'), undefined);
    s.record('n1', summary(10, 1e10, 200));
    assert.deepEqual(s.node('n1'), { name: 'n1', timestampMs: Date.parse(t(10)), windowMs: 10_000, usage: { cpu: 1e9, memory: 200 } });
    s.retain(new Set());
    assert.equal(s.node('n1'), undefined);
  });

  it('scrapes only Ready nodes that report a kubelet endpoint', () => {
    const node = (ready: string, port?: number) =>
      ({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: ready }], addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }) as KObject;
    assert.deepEqual(kubeletEndpointOf(node('True', 10250)), { host: '10.0.0.1', port: 10250 });
    assert.equal(kubeletEndpointOf(node('Unknown', 10250)), undefined);
    assert.equal(kubeletEndpointOf(node('True')), undefined);
  });
});

describe('metrics API registry', () => {
  const nodesDef = { group: '', version: 'v1', resource: 'nodes', namespaced: false } as ResourceDef;
  const podsDef = { group: '', version: 'v1', resource: 'pods', namespaced: true } as ResourceDef;
  const objects: KObject[] = [
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { zone: 'a' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'idle', namespace: 'default', uid: 'u2', labels: { app: 'idle' } } },
  ];
  const core = {
    all: () => [nodesDef, podsDef],
    resolve: (_v: string, r: string) => (r === 'nodes' ? nodesDef : r === 'pods' ? podsDef : undefined),
    async get(def: ResourceDef, _ns: string | undefined, name: string) {
      const o = objects.find((x) => x.kind === (def.resource === 'nodes' ? 'Node' : 'Pod') && x.metadata.name === name);
      if (!o) throw new ApiError({ apiVersion: 'v1', kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound', message: 'nf' } as never);
      return o;
    },
    async list(def: ResourceDef, _ns: string | undefined, q: { labelSelector?: string }) {
      const items = objects.filter((x) => x.kind === (def.resource === 'nodes' ? 'Node' : 'Pod') && (!q.labelSelector || q.labelSelector === `app=${x.metadata.labels?.app}`));
      return { apiVersion: 'v1', kind: 'List', metadata: {}, items };
    },
  } as unknown as Registry;
  const store = new SampleStore();
  store.record('n1', summary(0, 0, 1, [{ name: 'app', cpu: 0, mem: 1 }]));
  store.record('n1', summary(15, 3e10, 2 * 1024 ** 3, [{ name: 'app', cpu: 7.5e9, mem: 20 * 1024 * 1024 }]));
  const r = withMetricsApi(core, store, () => Date.parse(t(20)));

  it('lists metrics.k8s.io beside the core kinds and resolves its plurals', () => {
    assert.deepEqual(r.all().map((d) => `${d.apiVersion}/${d.resource}`).slice(-2), ['metrics.k8s.io/v1beta1/nodes', 'metrics.k8s.io/v1beta1/pods']);
    assert.equal(r.resolve('metrics.k8s.io/v1beta1', 'pods'), podMetricsDef);
  });

  it('serves NodeMetrics and PodMetrics in metrics-server shapes, with labels from the objects', async () => {
    assert.deepEqual(await r.get(nodeMetricsDef, undefined, 'n1'), {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'NodeMetrics',
      metadata: { name: 'n1', creationTimestamp: '2026-01-01T00:00:20Z', labels: { zone: 'a' } },
      timestamp: '2026-01-01T00:00:15Z',
      window: '15s',
      usage: { cpu: '2', memory: '2Gi' },
    });
    const l = await r.list(podMetricsDef, 'default', { labelSelector: 'app=web' });
    assert.equal(l.kind, 'PodMetricsList');
    assert.deepEqual(l.items.map((p) => (p as unknown as { containers: unknown }).containers), [[{ name: 'app', usage: { cpu: '500m', memory: '20Mi' } }]]);
    assert.deepEqual((await r.list(podMetricsDef, 'default', {})).items.map((p) => p.metadata.name), ['web']);
  });

  it('answers NotFound for a pod without metrics and 405 for writes and watches', async () => {
    await assert.rejects(r.get(podMetricsDef, 'default', 'idle'), (e: ApiError) => e.status.code === 404 && e.status.message === 'podmetrics.metrics.k8s.io "idle" not found');
    await assert.rejects(r.get(podMetricsDef, 'default', 'nope'), (e: ApiError) => e.status.code === 404);
    await assert.rejects(r.delete(podMetricsDef, 'default', 'web', {}), (e: ApiError) => e.status.code === 405);
    await assert.rejects(r.watch(nodeMetricsDef, undefined, {}, { send: () => undefined, end: () => undefined }), (e: ApiError) => e.status.code === 405);
    await assert.rejects(r.list(podMetricsDef, 'default', { fieldSelector: 'spec.nodeName=n1' }), (e: ApiError) => e.status.code === 400);
  });
});
