import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { DEFAULT_CALC_OPTIONS } from './replica-calculator';
import { milliQuantity, nextStatus, planScale, podSamples, proposeReplicas, setCondition, type Proposal } from './plan';
import type { Hpa, MetricSpec, PodMetrics } from './types';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const hpa = (metrics?: MetricSpec[], extra: Partial<Hpa['spec']> = {}): Hpa => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'h', namespace: 'ns' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, metrics, ...extra },
});
const cpu = (n: number): MetricSpec => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });
const mem = (v: string): MetricSpec => ({ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: v } } });
const pod = (name: string): Pod =>
  ({
    metadata: { name, namespace: 'ns' },
    spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
    status: { phase: 'Running', startTime: '2026-01-01T00:00:00Z', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' }] },
  }) as Pod;
const pm = (name: string, cpuQ: string, memQ: string): PodMetrics => ({
  apiVersion: 'metrics.k8s.io/v1beta1',
  kind: 'PodMetrics',
  metadata: { name, namespace: 'ns' },
  timestamp: '2026-01-01T00:59:50Z',
  window: '15s',
  containers: [{ name: 'app', usage: { cpu: cpuQ, memory: memQ } }],
});
const opts = DEFAULT_CALC_OPTIONS(NOW);

describe('hpa plan', () => {
  it('quantities and samples', () => {
    assert.deepEqual([0, 250, 1000, 1500, 21_000_000_000].map(milliQuantity), ['0', '250m', '1', '1500m', '21M']);
    const s = podSamples([pm('a', '150000000n', '32Mi'), { ...pm('b', '1m', '1Ki'), containers: [{ name: 'app', usage: { memory: '1Ki' } }] }], 'cpu');
    assert.deepEqual([...s.entries()], [['a', { value: 150, timestampMs: Date.parse('2026-01-01T00:59:50Z'), windowMs: 15_000 }]]);
  });

  it('takes the largest proposal and reports every metric in upstream status form', () => {
    const p = proposeReplicas(hpa([cpu(50), mem('32Mi')]), 2, [pod('a'), pod('b')], { ok: true, items: [pm('a', '150m', '16Mi'), pm('b', '50m', '16Mi')] }, opts);
    assert.equal(p.replicas, 4);
    assert.equal(p.metricName, 'cpu resource utilization (percentage of request)');
    assert.deepEqual(p.statuses, [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 100, averageValue: '100m' } } },
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '16777216' } } },
    ]);
    assert.deepEqual(p.scalingActive, { status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' });
  });

  it('fails when every metric is invalid, or when a valid one would scale down beside an invalid one', () => {
    const none = proposeReplicas(hpa([cpu(50)]), 2, [pod('a')], { ok: false, error: 'the server is gone' }, opts);
    assert.deepEqual(none.scalingActive, {
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is gone',
    });
    const pods: MetricSpec = { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1' } } };
    const down = proposeReplicas(hpa([cpu(50), pods]), 4, [pod('a')], { ok: true, items: [pm('a', '10m', '1Mi')] }, opts);
    assert.equal(down.error?.reason, 'FailedGetPodsMetric');
    const up = proposeReplicas(hpa([cpu(50), pods]), 1, [pod('a')], { ok: true, items: [pm('a', '100m', '1Mi')] }, opts);
    assert.equal(up.error, undefined);
    assert.equal(up.replicas, 2);
    assert.deepEqual(up.statuses[1], { type: '' });
  });

  const proposal = (replicas: number): (() => Proposal) => () => ({ replicas, metricName: 'cpu resource utilization (percentage of request)', statuses: [], scalingActive: { status: 'True', reason: 'ValidMetricFound', message: 'm' } });
  const noHistory = () => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

  it('brings the target back within [min, max] before looking at metrics; zero replicas disable scaling', () => {
    const cases: [number, Partial<Hpa['spec']>, number, number, boolean, string][] = [
      // [current, spec, the metrics' proposal, applied, rescale, event reason]
      [12, {}, 12, 10, true, 'Current number of replicas above Spec.MaxReplicas'],
      [1, { minReplicas: 3 }, 1, 3, true, 'Current number of replicas below Spec.MinReplicas'],
      [0, {}, 3, 0, false, ''],
      [2, {}, 5, 4, true, 'cpu resource utilization (percentage of request) above target'],
      [4, { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } }, 2, 2, true, 'All metrics below target'],
      [2, {}, 2, 2, false, ''],
    ];
    for (const [current, spec, proposed, want, rescale, reason] of cases) {
      const p = planScale(hpa([cpu(50)], spec), current, proposal(proposed), noHistory(), NOW, 300_000);
      assert.deepEqual([p.desiredReplicas, p.rescale, p.reason], [want, rescale, reason], JSON.stringify({ current, spec }));
    }
    assert.deepEqual(planScale(hpa([cpu(50)]), 0, proposal(3), noHistory(), NOW, 300_000).conditions, [
      { type: 'ScalingActive', c: { status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' } },
    ]);
  });

  it('conditions keep their transition time unless their status changes; status carries the last scale time', () => {
    const a = setCondition([], 'AbleToScale', { status: 'True', reason: 'SucceededGetScale', message: 'x' }, 't1');
    const b = setCondition(a, 'AbleToScale', { status: 'True', reason: 'SucceededRescale', message: 'y' }, 't2');
    const c = setCondition(b, 'AbleToScale', { status: 'False', reason: 'FailedGetScale', message: 'z' }, 't3');
    assert.deepEqual([a[0].lastTransitionTime, b[0].lastTransitionTime, b[0].reason, c[0].lastTransitionTime], ['t1', 't1', 'SucceededRescale', 't3']);
    assert.deepEqual(nextStatus({ desiredReplicas: 1, lastScaleTime: 'earlier' }, { currentReplicas: 2, desiredReplicas: 2, metrics: [], conditions: [] }), { currentReplicas: 2, desiredReplicas: 2, lastScaleTime: 'earlier' });
  });
});
