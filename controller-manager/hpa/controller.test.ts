import assert from 'node:assert/strict';
import type { Deployment, KList, KObject, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ResourceType } from '../../lib/api/resources';
import type { ListOptions } from '../../lib/client/api-client';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { selectorToString } from '../../lib/api/labels';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkDeployment, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { busyPod, usage } from '../../test/fixtures/controller-manager/hpa-pods';
import { HpaController } from './controller';
import type { Hpa, PodMetrics } from './types';

/** The fake plus what the HPA reads apart from stored objects: /scale of a Deployment, and PodMetrics. */
class MetricsFake extends FakeApiClient {
  podMetrics: PodMetrics[] = [];
  async get<T extends KObject>(rt: ResourceType, namespace: string | undefined, name: string, subresource?: string): Promise<T> {
    const o = await super.get<Deployment>(rt, namespace, name);
    if (subresource !== 'scale') return o as unknown as T;
    return { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace }, spec: { replicas: o.spec.replicas }, status: { replicas: 0, selector: selectorToString(o.spec.selector) } } as unknown as T;
  }
  async list<T extends KObject>(rt: ResourceType, namespace?: string, opts?: ListOptions): Promise<KList<T>> {
    if (rt.apiVersion === 'metrics.k8s.io/v1beta1') return { apiVersion: rt.apiVersion, kind: 'PodMetricsList', metadata: {}, items: this.podMetrics as unknown as T[] };
    return super.list<T>(rt, namespace, opts);
  }
}

const NOW = Date.parse('2026-01-01T01:00:00Z');
const hpa: Hpa = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
  },
};



describe('hpa controller', () => {
  let client: MetricsFake;
  let c: HpaController;
  let stop: () => Promise<void>;
  beforeEach(async () => {
    client = new MetricsFake();
    const hpas = new Informer<Hpa>(client, Resources.horizontalpodautoscalers);
    const pods = new Informer<Pod>(client, Resources.pods);
    c = new HpaController(client, hpas, pods, new EventRecorder(client, { component: 'horizontal-pod-autoscaler' }), { syncPeriodMs: 60_000, downscaleStabilizationMs: 300_000, now: () => NOW });
    await Promise.all([hpas.start(), pods.start()]);
    stop = async () => {
      hpas.stop();
      pods.stop();
      await c.stop();
    };
  });
  afterEach(() => stop());

  const events = () => client.all<KObject & { reason: string; message: string }>(Resources.events, 'default');
  const status = () => client.peek<Hpa>(Resources.horizontalpodautoscalers, 'default', 'web')!.status!;
  const writes = () => client.actions.filter((a) => a.verb !== 'create' || a.resource !== 'events').length;

  it('scales the target through /scale, reports status and an event, and repeats nothing', async () => {
    client.seed(Resources.deployments, mkDeployment('web', 1));
    client.seed(Resources.pods, busyPod('web-a'));
    client.podMetrics = [usage('web-a', '200m')];
    client.seed(Resources.horizontalpodautoscalers, hpa);
    await settle();
    await c.reconcile('default/web');
    // 200% of the request against 50%: 4 wanted, and without behavior a scale-up may reach max(2×1, 4).
    assert.equal(client.peek<Deployment>(Resources.deployments, 'default', 'web')!.spec.replicas, 4);
    const scalePatch = client.actions.find((a) => a.verb === 'patch');
    assert.deepEqual([scalePatch?.resource, scalePatch?.subresource, scalePatch?.object], ['deployments', 'scale', { spec: { replicas: 4 } }]);
    const s = status();
    assert.deepEqual([s.currentReplicas, s.desiredReplicas, s.lastScaleTime], [1, 4, '2026-01-01T01:00:00Z']);
    assert.deepEqual(s.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '200m' } } }]);
    assert.deepEqual(
      s.conditions!.map((x) => [x.type, x.status, x.reason]),
      [['AbleToScale', 'True', 'SucceededRescale'], ['ScalingActive', 'True', 'ValidMetricFound'], ['ScalingLimited', 'False', 'DesiredWithinRange']],
    );
    await waitFor(() => events().some((e) => e.reason === 'SuccessfulRescale'), 'event');
    assert.equal(events().find((e) => e.reason === 'SuccessfulRescale')!.message, 'New size: 4; reason: cpu resource utilization (percentage of request) above target');

    // The informer sees the new status; two more looks with nothing new write at most the status once.
    await settle();
    await c.reconcile('default/web');
    await settle();
    const after = writes();
    await c.reconcile('default/web');
    assert.equal(writes(), after);
    assert.equal(client.actions.filter((a) => a.verb === 'patch').length, 1);
  });

  it('a missing target: AbleToScale False FailedGetScale, a Warning, no scale', async () => {
    client.seed(Resources.horizontalpodautoscalers, hpa);
    await settle();
    await c.reconcile('default/web');
    const able = status().conditions!.find((x) => x.type === 'AbleToScale')!;
    assert.deepEqual([able.status, able.reason], ['False', 'FailedGetScale']);
    await waitFor(() => events().some((e) => e.reason === 'FailedGetScale'), 'event');
    assert.equal(client.actions.filter((a) => a.verb === 'patch').length, 0);
  });

  it('no metrics: ScalingActive False with the reason, the old desired count kept', async () => {
    client.seed(Resources.deployments, mkDeployment('web', 2));
    client.seed(Resources.pods, busyPod('web-a'));
    client.seed(Resources.horizontalpodautoscalers, hpa);
    await settle();
    await c.reconcile('default/web');
    const active = status().conditions!.find((x) => x.type === 'ScalingActive')!;
    assert.deepEqual([active.status, active.reason], ['False', 'FailedGetResourceMetric']);
    assert.match(active.message!, /no metrics returned from resource metrics API/);
    assert.equal(status().currentReplicas, 2);
    await waitFor(() => events().some((e) => e.reason === 'FailedComputeMetricsReplicas'), 'event');
  });
});
