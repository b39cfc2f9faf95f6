// An HPA whose target is a v1 ReplicationController: the Scale's status.selector comes from the
// RC's label map (the apiserver renders it as "k=v,k2=v2"), and the pods the HPA weighs are exactly
// those that string selects.
import assert from 'node:assert/strict';
import type { KList, KObject, Pod, ReplicationController } from '../../lib/api/types';
import { Resources, type ResourceType } from '../../lib/api/resources';
import type { ListOptions } from '../../lib/client/api-client';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { settle } from '../../test/fixtures/controller-manager/objects';
import { busyPod, usage } from '../../test/fixtures/controller-manager/hpa-pods';
import { HpaController } from './controller';
import { targetResource, type Hpa, type PodMetrics } from './types';

/** /scale of an RC as the apiserver serves it: the selector map, keys sorted, as a selector string. */
class RcScaleFake extends FakeApiClient {
  podMetrics: PodMetrics[] = [];
  async get<T extends KObject>(rt: ResourceType, namespace: string | undefined, name: string, subresource?: string): Promise<T> {
    const o = await super.get<ReplicationController>(rt, namespace, name);
    if (subresource !== 'scale') return o as unknown as T;
    const sel = o.spec.selector ?? {};
    const selector = Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
    return { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace }, spec: { replicas: o.spec.replicas }, status: { replicas: o.status?.replicas ?? 0, selector } } as unknown as T;
  }
  async list<T extends KObject>(rt: ResourceType, namespace?: string, opts?: ListOptions): Promise<KList<T>> {
    if (rt.apiVersion === 'metrics.k8s.io/v1beta1') return { apiVersion: rt.apiVersion, kind: 'PodMetricsList', metadata: {}, items: this.podMetrics as unknown as T[] };
    return super.list<T>(rt, namespace, opts);
  }
}

const NOW = Date.parse('2026-01-01T01:00:00Z');


describe('hpa controller: a ReplicationController target', () => {
  it('maps v1 ReplicationController to replicationcontrollers', () => {
    assert.deepEqual(targetResource({ apiVersion: 'v1', kind: 'ReplicationController', name: 'web' }), Resources.replicationcontrollers);
  });

  it("weighs the pods of the RC's map selector and scales it through replicationcontrollers/scale", async () => {
    const client = new RcScaleFake();
    const hpas = new Informer<Hpa>(client, Resources.horizontalpodautoscalers);
    const pods = new Informer<Pod>(client, Resources.pods);
    const c = new HpaController(client, hpas, pods, new EventRecorder(client, { component: 'horizontal-pod-autoscaler' }), { syncPeriodMs: 60_000, downscaleStabilizationMs: 300_000, now: () => NOW });
    await Promise.all([hpas.start(), pods.start()]);
    try {
      client.seed<ReplicationController>(Resources.replicationcontrollers, {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        metadata: { name: 'web', namespace: 'default' },
        spec: { replicas: 2, selector: { app: 'web', tier: 'fe' }, template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }] } } },
      });
      // Two pods of the RC at 75% of their request; a pod matching only one key of the map is no part of it.
      client.seed(Resources.pods, busyPod('web-a', { app: 'web', tier: 'fe' }));
      client.seed(Resources.pods, busyPod('web-b', { app: 'web', tier: 'fe' }));
      client.seed(Resources.pods, busyPod('other', { app: 'web', tier: 'be' }));
      client.podMetrics = [usage('web-a', '75m'), usage('web-b', '75m'), usage('other', '900m')];
      client.seed<Hpa>(Resources.horizontalpodautoscalers, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          scaleTargetRef: { apiVersion: 'v1', kind: 'ReplicationController', name: 'web' },
          minReplicas: 1,
          maxReplicas: 10,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        },
      });
      await settle();
      await c.reconcile('default/web');
      // 75% against 50% over two pods: ceil(2 × 1.5) = 3. Counting "other" would have asked for more.
      const scalePatch = client.actions.find((a) => a.verb === 'patch');
      assert.deepEqual([scalePatch?.resource, scalePatch?.subresource, scalePatch?.object], ['replicationcontrollers', 'scale', { spec: { replicas: 3 } }]);
      assert.equal(client.peek<ReplicationController>(Resources.replicationcontrollers, 'default', 'web')!.spec.replicas, 3);
      const s = client.peek<Hpa>(Resources.horizontalpodautoscalers, 'default', 'web')!.status!;
      assert.deepEqual([s.currentReplicas, s.desiredReplicas], [2, 3]);
      assert.deepEqual(s.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 75, averageValue: '75m' } } }]);
    } finally {
      hpas.stop();
      pods.stop();
      await c.stop();
    }
  });
});
