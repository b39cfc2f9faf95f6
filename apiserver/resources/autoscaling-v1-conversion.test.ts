import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import {
  BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, CURRENT_METRICS_ANNOTATION, METRICS_ANNOTATION, hpaV1ToV2, hpaV2ToV1,
} from './autoscaling-v1-conversion';
import { ConversionError } from './conversion-error';

type Obj = Record<string, any>;

const cpu = (pct: number): Obj => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } } });
const memory: Obj = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };
const cpuNow = (pct: number, value = '250m'): Obj => ({ type: 'Resource', resource: { name: 'cpu', current: { averageValue: value, averageUtilization: pct } } });
const memNow: Obj = { type: 'Resource', resource: { name: 'memory', current: { averageValue: '80Mi' } } };
const behavior: Obj = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
  scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};
const condition: Obj = { type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'ReadyForNewScale', message: 'ok' };

function v2(spec: Obj, status: Obj = { currentReplicas: 1, desiredReplicas: 1 }, annotations?: Obj): KObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '42', uid: 'u-1', ...(annotations ? { annotations } : {}) },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, ...spec },
    status,
  } as KObject;
}

describe('autoscaling/v1 <-> v2 HorizontalPodAutoscaler conversion', () => {
  describe('v2 -> v1 -> v2 loses nothing', () => {
    const cases: [string, KObject, Obj][] = [
      ['a CPU utilization target', v2({ metrics: [cpu(50)] }), { targetCPUUtilizationPercentage: 50 }],
      ['a memory target only', v2({ metrics: [memory] }), { annotations: [METRICS_ANNOTATION] }],
      ['memory after CPU (CPU comes back last, as upstream orders it)', v2({ metrics: [memory, cpu(70)] }), { targetCPUUtilizationPercentage: 70, annotations: [METRICS_ANNOTATION] }],
      ['behavior', v2({ metrics: [cpu(50)], behavior }), { targetCPUUtilizationPercentage: 50, annotations: [BEHAVIOR_ANNOTATION] }],
      [
        'status metrics and conditions',
        v2({ metrics: [cpu(50), memory] }, { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [cpuNow(64), memNow], conditions: [condition], lastScaleTime: '2026-01-01T00:00:00Z', observedGeneration: 2 }),
        { targetCPUUtilizationPercentage: 50, currentCPUUtilizationPercentage: 64, annotations: [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION] },
      ],
      [
        'Pods, Object, External and ContainerResource metrics',
        v2({
          metrics: [
            { type: 'Pods', pods: { metric: { name: 'rps', selector: { matchLabels: { a: 'b' } } }, target: { type: 'AverageValue', averageValue: '10' } } },
            { type: 'Object', object: { describedObject: { kind: 'Ingress', name: 'main', apiVersion: 'networking.k8s.io/v1' }, metric: { name: 'hits' }, target: { type: 'Value', value: '2k' } } },
            { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
            { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } },
          ],
        }),
        { annotations: [METRICS_ANNOTATION] },
      ],
    ];
    for (const [name, stored, expect] of cases) {
      it(name, () => {
        const before = JSON.stringify(stored);
        const v1 = hpaV2ToV1(stored) as Obj;
        assert.equal(JSON.stringify(stored), before, 'the input is not changed');
        assert.equal(v1.apiVersion, 'autoscaling/v1');
        assert.equal(v1.spec.targetCPUUtilizationPercentage, expect.targetCPUUtilizationPercentage);
        assert.equal(v1.status.currentCPUUtilizationPercentage, expect.currentCPUUtilizationPercentage);
        assert.equal(v1.spec.metrics, undefined);
        assert.deepEqual(Object.keys(v1.metadata.annotations ?? {}).sort(), [...(expect.annotations ?? [])].sort());
        assert.equal(v1.metadata.resourceVersion, '42');
        const back = hpaV1ToV2(v1 as KObject) as Obj;
        const want = stored as Obj;
        assert.equal(back.apiVersion, 'autoscaling/v2');
        assert.deepEqual(back.metadata, want.metadata, 'round-trip annotations are dropped again, metadata otherwise unchanged');
        // Upstream puts the CPU field's metric after the annotation's: compare as sets.
        const key = (m: Obj) => JSON.stringify(m);
        assert.deepEqual(back.spec.metrics.map(key).sort(), want.spec.metrics.map(key).sort());
        assert.deepEqual({ ...back.spec, metrics: undefined }, { ...want.spec, metrics: undefined });
        assert.deepEqual(back.status, want.status);
      });
    }
  });

  it('writes the annotations in upstream formats: v1 metric shapes, Go field names for behavior', () => {
    const v1 = hpaV2ToV1(v2({ metrics: [memory, { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 60 } } }], behavior }, { currentReplicas: 1, desiredReplicas: 1, currentMetrics: [cpuNow(30)] })) as Obj;
    const a = v1.metadata.annotations;
    assert.equal(a[METRICS_ANNOTATION], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}},{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":60}}]');
    assert.equal(a[CURRENT_METRICS_ANNOTATION], '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":30,"currentAverageValue":"250m"}}]');
    assert.equal(
      a[BEHAVIOR_ANNOTATION],
      '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},' +
        '"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}',
    );
    // No CPU utilization target in v2: v1 shows none (the stored metrics say what is used).
    assert.equal(v1.spec.targetCPUUtilizationPercentage, undefined);
  });

  describe('v1 -> v2', () => {
    const v1 = (spec: Obj, annotations?: Obj, status?: Obj): KObject =>
      ({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', ...(annotations ? { annotations } : {}) }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, ...spec }, ...(status ? { status } : {}) }) as KObject;
    const cases: [string, KObject, (out: Obj) => void][] = [
      ['targetCPUUtilizationPercentage is a Resource cpu Utilization metric', v1({ targetCPUUtilizationPercentage: 50 }), (o) => assert.deepEqual(o.spec.metrics, [cpu(50)])],
      ['no metric at all means 80% CPU', v1({}), (o) => assert.deepEqual(o.spec.metrics, [cpu(80)])],
      ['minReplicas is left to the stored version\'s defaulting', v1({}), (o) => assert.equal(o.spec.minReplicas, undefined)],
      ['a user annotation stays, round-trip ones go', v1({}, { team: 'a', [METRICS_ANNOTATION]: '[]' }), (o) => assert.deepEqual(o.metadata.annotations, { team: 'a' })],
      ['only round-trip annotations: no annotations left', v1({}, { [CONDITIONS_ANNOTATION]: '[]' }), (o) => assert.equal(o.metadata.annotations, undefined)],
      ['a "null" metrics annotation is no metrics', v1({ targetCPUUtilizationPercentage: 40 }, { [METRICS_ANNOTATION]: 'null' }), (o) => assert.deepEqual(o.spec.metrics, [cpu(40)])],
      [
        'behavior keys are matched ignoring case; unset pointers stay unset',
        v1({}, { [BEHAVIOR_ANNOTATION]: '{"scaleDown":{"stabilizationwindowseconds":60,"SelectPolicy":null,"Policies":null},"ScaleUp":null}' }),
        (o) => assert.deepEqual(o.spec.behavior, { scaleDown: { stabilizationWindowSeconds: 60 } }),
      ],
      ['a behavior of wrong types is ignored', v1({}, { [BEHAVIOR_ANNOTATION]: '{"ScaleUp":{"StabilizationWindowSeconds":"x"}}' }), (o) => assert.equal(o.spec.behavior, undefined)],
      ['an empty behavior is ignored', v1({}, { [BEHAVIOR_ANNOTATION]: '{}' }), (o) => assert.equal(o.spec.behavior, undefined)],
      [
        'currentCPUUtilizationPercentage becomes a current metric',
        v1({}, undefined, { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 33 }),
        (o) => assert.deepEqual(o.status.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 33 } } }]),
      ],
      [
        'the current-metrics annotation wins over the CPU field',
        v1({}, { [CURRENT_METRICS_ANNOTATION]: '[{"type":"Resource","resource":{"name":"memory","currentAverageValue":"1Mi"}}]' }, { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 33 }),
        (o) => assert.deepEqual(o.status.currentMetrics, [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '1Mi' } } }]),
      ],
      [
        'v1 metric shapes from the annotation become v2 targets',
        v1({}, { [METRICS_ANNOTATION]: '[{"type":"Object","object":{"target":{"kind":"Service","name":"s"},"metricName":"m","targetValue":"5","averageValue":"1"}},{"type":"External","external":{"metricName":"q","targetValue":"7"}}]' }),
        (o) =>
          assert.deepEqual(o.spec.metrics, [
            { type: 'Object', object: { describedObject: { kind: 'Service', name: 's' }, metric: { name: 'm' }, target: { type: 'AverageValue', value: '5', averageValue: '1' } } },
            { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '7' } } },
          ]),
      ],
    ];
    for (const [name, input, check] of cases) {
      it(name, () => {
        const out = hpaV1ToV2(input) as Obj;
        assert.equal(out.apiVersion, 'autoscaling/v2');
        check(out);
      });
    }

    const malformed: [string, string, string][] = [
      ['metrics not JSON', METRICS_ANNOTATION, '{not json'],
      ['current metrics not an array', CURRENT_METRICS_ANNOTATION, '{"type":"Resource"}'],
      ['conditions holding a string', CONDITIONS_ANNOTATION, '["AbleToScale"]'],
    ];
    for (const [name, key, raw] of malformed) {
      it(`a malformed annotation fails the conversion naming it: ${name}`, () => {
        assert.throws(() => hpaV1ToV2(v1({}, { [key]: raw })), (e: unknown) => e instanceof ConversionError && e.field === `metadata.annotations[${key}]` && e.value === raw);
      });
    }
  });
});
