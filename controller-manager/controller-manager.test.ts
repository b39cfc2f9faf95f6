import assert from 'node:assert/strict';
import type { Deployment, Endpoints, KEvent, KObject, Pod, ReplicaSet, Service } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import { FakeApiClient } from '../test/fixtures/client/fake-client';
import { processMetrics } from '../lib/metrics/prometheus';
import { invalidObjectEvent, INVALID_OBJECT_REASON } from './common/invalid-objects';
import { Controllers } from './controller-manager';
import { autoReady, mkDeployment, mkPod, waitFor } from '../test/fixtures/controller-manager/objects';

describe('controller-manager: invalid objects', () => {
  it('words the Warning Event, and names nothing it cannot identify', () => {
    const raw = { metadata: { name: 'd', namespace: 'default', uid: 'u' }, spec: { replicas: 'x' } } as KObject;
    const ev = invalidObjectEvent(raw, 'Deployment', 'apps/v1', 'deployment-controller', ['a: 1', 'b: 2', 'c: 3', 'd: 4']);
    assert.deepEqual(ev, {
      about: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default', uid: 'u' } },
      message: 'deployment-controller skips this Deployment until it is valid: a: 1; b: 2; c: 3 (and 1 more)',
    });
    assert.equal(invalidObjectEvent({ metadata: { name: 7 } } as unknown as KObject, 'Deployment', 'apps/v1', 'x', []), undefined);
    assert.equal(invalidObjectEvent('junk' as unknown as KObject, 'Deployment', 'apps/v1', 'x', []), undefined);
  });

  it('keeps reconciling every valid object beside invalid Deployments, pods and Services, and says why on them', async () => {
    const client = new FakeApiClient();
    const stopReady = autoReady(client);
    const c = new Controllers({ client, clusterCidr: '10.244.0.0/16', nodeCidrMaskSize: 24, nodeMonitorGracePeriodSeconds: 40, controllers: ['replicaset', 'deployment', 'endpoints'] });
    // Poison first, so every controller meets it in its first list.
    const broken = mkDeployment('broken', 2);
    (broken.spec as unknown as Record<string, unknown>).replicas = 'three';
    client.seed(Resources.deployments, broken);
    const orphan = mkPod('poison', 'ready', { labels: { app: 'web' }, ip: '10.244.0.99' });
    orphan.spec.containers[0].resources = { requests: { memory: '12xyz' } };
    client.seed(Resources.pods, orphan);
    client.seed(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: '80' as never }] } } as Service);
    await c.start();
    try {
      client.seed(Resources.deployments, mkDeployment('web', 2));
      client.seed(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } } as Service);
      const owned = () => client.all<Pod>(Resources.pods, 'default').filter((p) => p.metadata.ownerReferences?.length);
      await waitFor(() => owned().length === 2 && owned().every((p) => p.status?.phase === 'Running'), 'two pods of the valid Deployment');
      const ips = () => (client.peek<Endpoints>(Resources.endpoints, 'default', 'web')?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
      await waitFor(() => ips().length === 2, 'endpoints of the valid Service');
      assert.ok(!ips().includes('10.244.0.99'), 'the invalid pod is in no Endpoints');
      assert.equal(client.peek<Pod>(Resources.pods, 'default', 'poison')!.metadata.ownerReferences, undefined, 'the invalid pod is not adopted');
      assert.ok(!client.all<ReplicaSet>(Resources.replicasets, 'default').some((r) => r.metadata.name!.startsWith('broken-')));
      assert.equal(client.peek<Endpoints>(Resources.endpoints, 'default', 'bad'), undefined);
      const warnings = () => client.all<KEvent>(Resources.events, 'default').filter((e) => e.reason === INVALID_OBJECT_REASON);
      await waitFor(() => warnings().length === 2, 'two Warning Events');
      assert.deepEqual(warnings().map((e) => `${e.type} ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`).sort(), [
        'Warning Deployment/broken: deployment-controller skips this Deployment until it is valid: spec.replicas: expected integer, got string',
        'Warning Service/bad: endpoints-controller skips this Service until it is valid: spec.ports[0].port: expected integer, got string',
      ]);
      const metrics = processMetrics.render();
      for (const r of ['deployments', 'pods', 'services']) assert.match(metrics, new RegExp(`^k8ts_invalid_objects_skipped_total\\{component="controller-manager",resource="${r}"\\} [1-9]`, 'm'));
      // Repaired, the Deployment is reconciled like any other.
      client.mutate<Deployment>(Resources.deployments, 'default', 'broken', (d) => (d.spec.replicas = 1));
      await waitFor(() => client.all<ReplicaSet>(Resources.replicasets, 'default').some((r) => r.metadata.name!.startsWith('broken-')), 'the repaired Deployment gets its ReplicaSet');
    } finally {
      stopReady();
      await c.stop();
    }
  });
});
