import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { calcResourceReplicas, DEFAULT_CALC_OPTIONS, groupPods, podRequestMilli, type PodSample, type Target } from './replica-calculator';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

interface P {
  name: string;
  phase?: string;
  ready?: 'True' | 'False' | 'none';
  /** Seconds since the pod started, and since its Ready condition last changed. */
  started?: number;
  readySince?: number;
  deleting?: boolean;
  request?: string;
}

function pod(p: P): Pod {
  const conditions = p.ready === 'none' ? [] : [{ type: 'Ready', status: p.ready ?? 'True', lastTransitionTime: ago(p.readySince ?? 3000) }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: 'ns', ...(p.deleting ? { deletionTimestamp: ago(1) } : {}) },
    spec: { containers: [{ name: 'app', image: 'x', resources: p.request === '' ? {} : { requests: { cpu: p.request ?? '100m', memory: p.request ?? '100Mi' } } }] },
    status: { phase: p.phase ?? 'Running', startTime: ago(p.started ?? 3600), conditions },
  } as Pod;
}

/** Samples in millicores, taken 10 s ago over a 15 s window. */
const samples = (m: Record<string, number>) => new Map<string, PodSample>(Object.entries(m).map(([k, v]) => [k, { value: v, timestampMs: NOW - 10_000, windowMs: 15_000 }]));
const util = (n: number): Target => ({ type: 'Utilization', averageUtilization: n });
const opts = DEFAULT_CALC_OPTIONS(NOW);

describe('hpa replica calculator', () => {
  const cases: { name: string; current: number; target: Target; pods: P[]; usage: Record<string, number>; want: number | string; utilization?: number }[] = [
    { name: 'scales up by the usage ratio', current: 1, target: util(50), pods: [{ name: 'a' }], usage: { a: 100 }, want: 2, utilization: 100 },
    { name: 'ratio 3.0 over three pods', current: 3, target: util(30), pods: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], usage: { a: 90, b: 90, c: 90 }, want: 9, utilization: 90 },
    { name: 'within the tolerance nothing moves', current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b' }], usage: { a: 54, b: 54 }, want: 2, utilization: 54 },
    { name: 'just outside the tolerance it does', current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b' }], usage: { a: 60, b: 60 }, want: 3, utilization: 60 },
    { name: 'scales down', current: 4, target: util(50), pods: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }], usage: { a: 10, b: 10, c: 10, d: 10 }, want: 1, utilization: 10 },
    { name: 'AverageValue target', current: 2, target: { type: 'AverageValue', averageValueMilli: 50 }, pods: [{ name: 'a' }, { name: 'b' }], usage: { a: 150, b: 150 }, want: 6 },
    {
      name: 'missing pods count as at target on a scale-down',
      current: 4, target: util(50), pods: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }], usage: { a: 10, b: 10, c: 10 }, want: 3, utilization: 10,
    },
    {
      name: 'missing pods count as idle on a scale-up',
      current: 3, target: util(50), pods: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], usage: { a: 100, b: 100 }, want: 4, utilization: 100,
    },
    {
      name: 'unready pods count as idle on a scale-up',
      current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b', phase: 'Pending' }], usage: { a: 200 }, want: 4, utilization: 200,
    },
    {
      name: 'unready pods are left out of a scale-down',
      current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b', phase: 'Pending' }], usage: { a: 10 }, want: 1, utilization: 10,
    },
    {
      name: 'an unready pod as idle can bring the ratio within the tolerance',
      current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b', phase: 'Pending' }], usage: { a: 100 }, want: 2, utilization: 100,
    },
    {
      name: 'a pod that is not Ready within the CPU initialization period is unready',
      current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b', started: 60, ready: 'False', readySince: 50 }], usage: { a: 200, b: 500 }, want: 4, utilization: 200,
    },
    {
      name: 'a sample older than readiness plus its window is not trusted while the pod warms up',
      current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b', started: 60, readySince: 20 }], usage: { a: 200, b: 500 }, want: 4, utilization: 200,
    },
    {
      name: 'after the initialization period a Ready pod counts',
      current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b', started: 600, readySince: 20 }], usage: { a: 100, b: 500 }, want: 12, utilization: 300,
    },
    { name: 'pods being deleted are ignored', current: 2, target: util(50), pods: [{ name: 'a' }, { name: 'b', deleting: true }], usage: { a: 100, b: 0 }, want: 2, utilization: 100 },
    {
      name: 'a scale-up that the idle missing pods would turn into a scale-down keeps the count',
      current: 4, target: util(50), pods: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }], usage: { a: 60 }, want: 4, utilization: 60,
    },
    { name: 'no pods', current: 1, target: util(50), pods: [], usage: {}, want: 'no pods returned by selector while calculating replica count' },
    { name: 'no samples for ready pods', current: 1, target: util(50), pods: [{ name: 'a', phase: 'Pending' }], usage: { a: 10 }, want: 'did not receive metrics for targeted pods (pods might be unready)' },
    { name: 'a container without a request', current: 1, target: util(50), pods: [{ name: 'a', request: '' }], usage: { a: 10 }, want: 'missing request for cpu in container app of Pod a' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = calcResourceReplicas(c.current, c.target, 'cpu', c.pods.map(pod), samples(c.usage), opts);
      if (typeof c.want === 'string') return assert.deepEqual(r, { ok: false, error: c.want });
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.replicas, c.want);
      if (c.utilization !== undefined) assert.equal(r.utilization, c.utilization);
    });
  }

  it('groups pods as ready, unready, missing and ignored', () => {
    const g = groupPods([pod({ name: 'a' }), pod({ name: 'b', phase: 'Pending' }), pod({ name: 'c' }), pod({ name: 'd', phase: 'Failed' }), pod({ name: 'e', ready: 'none' })], samples({ a: 1, e: 1 }), 'cpu', opts);
    assert.deepEqual({ ready: g.readyCount, unready: [...g.unready], missing: [...g.missing], ignored: [...g.ignored] }, { ready: 1, unready: ['b', 'e'], missing: ['c'], ignored: ['d'] });
    // Memory has no warm-up rule: a pod without a Ready condition still counts.
    assert.equal(groupPods([pod({ name: 'e', ready: 'none' })], samples({ e: 1 }), 'memory', opts).readyCount, 1);
  });

  it('requests in milli-units, sidecars included, or the container that lacks one', () => {
    const p = pod({ name: 'a', request: '250m' });
    p.spec.initContainers = [{ name: 'side', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } } as never, { name: 'init', image: 'x' }];
    assert.equal(podRequestMilli(p, 'cpu'), 300);
    assert.equal(podRequestMilli(p, 'cpu', 'app'), 250);
    assert.equal(podRequestMilli(pod({ name: 'b', request: '1Ki' }), 'memory'), 1024_000);
  });
});
