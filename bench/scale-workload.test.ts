import assert from 'node:assert/strict';
import { benchDeployment, namespaceOf, scaleConfig } from './scale-workload';
import { summarize } from './scale-probe';

describe('bench:scale config and figures', () => {
  const cases: { name: string; env: Record<string, string>; want: Record<string, unknown> }[] = [
    { name: 'defaults: 1,000 nodes × 30 pods as 100 Deployments of 300', env: {}, want: { nodes: 1000, podsPerNode: 30, deployments: 100, replicas: 300, namespaces: 10, timeoutSec: 420, smoke: false } },
    { name: 'smoke: 20 nodes, 2 pods each', env: { BENCH_SCALE_SMOKE: '1' }, want: { nodes: 20, podsPerNode: 2, deployments: 4, replicas: 10, namespaces: 2, timeoutSec: 120, smoke: true } },
    { name: 'a variable wins over the smoke defaults', env: { BENCH_SCALE_SMOKE: '1', BENCH_SCALE_NODES: '50' }, want: { nodes: 50, replicas: 25 } },
    { name: 'replicas round up to cover every node', env: { BENCH_SCALE_NODES: '10', BENCH_SCALE_PODS_PER_NODE: '3', BENCH_SCALE_DEPLOYMENTS: '4' }, want: { replicas: 8, namespaces: 4 } },
    { name: 'probe rates may be fractional', env: { BENCH_SCALE_PROBE_LIST_CLUSTER_QPS: '0.05' }, want: { probe: { mutating: 3, get: 3, list_namespace: 0.5, list_cluster: 0.05 } } },
  ];
  for (const c of cases) {
    it(`scaleConfig: ${c.name}`, () => {
      const got = scaleConfig(c.env) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k], v, k);
    });
  }

  for (const [k, v] of [['BENCH_SCALE_NODES', '0'], ['BENCH_SCALE_NODES', 'lots'], ['BENCH_SCALE_DEPLOYMENTS', '1.5'], ['BENCH_SCALE_PROBE_GET_QPS', '-1']]) {
    it(`scaleConfig refuses ${k}=${v}`, () => assert.throws(() => scaleConfig({ [k]: v }), new RegExp(k)));
  }

  it('spreads Deployments over the namespaces round robin, each selecting its own pods', () => {
    assert.deepEqual([0, 1, 2, 3].map((i) => namespaceOf(i, 3)), ['scale-0', 'scale-1', 'scale-2', 'scale-0']);
    const d = benchDeployment(7, 'scale-1', 300) as unknown as { metadata: { namespace: string }; spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } } };
    assert.equal(d.metadata.namespace, 'scale-1');
    assert.equal(d.spec.replicas, 300);
    for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
    assert.equal(d.spec.template.metadata.labels['k8ts-bench'], 'scale');
  });

  const sums: { ms: number[]; errors: number; want: ReturnType<typeof summarize> }[] = [
    { ms: [], errors: 2, want: { count: 0, errors: 2, p50_ms: 0, p99_ms: 0, max_ms: 0 } },
    { ms: [5.4], errors: 0, want: { count: 1, errors: 0, p50_ms: 5, p99_ms: 5, max_ms: 5 } },
    { ms: [...Array.from({ length: 99 }, (_, i) => i + 1), 1000], errors: 0, want: { count: 100, errors: 0, p50_ms: 50, p99_ms: 99, max_ms: 1000 } },
  ];
  for (const c of sums) {
    it(`summarize ${c.ms.length} samples`, () => assert.deepEqual(summarize(c.ms, c.errors), c.want));
  }
});
