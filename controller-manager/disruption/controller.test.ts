import assert from 'node:assert/strict';
import type { Deployment, KObject, Pod, ReplicaSet } from '../../lib/api/types';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod, mkRS, waitFor } from '../../test/fixtures/controller-manager/objects';
import { DisruptionController } from './controller';

describe('disruption controller', function () {
  this.timeout(10_000);
  const client = new FakeApiClient();
  let shift = 0;
  const inf = <T extends KObject>(rt: (typeof Resources)[keyof typeof Resources]) => new Informer<T>(client, rt, { name: `controller-manager-${rt.resource}` });
  const informers = [inf<PodDisruptionBudget>(Resources.poddisruptionbudgets), inf<Pod>(Resources.pods), inf<ReplicaSet>(Resources.replicasets), inf<Deployment>(Resources.deployments), inf<KObject>(Resources.statefulsets)] as const;
  const rcs = inf<KObject>(Resources.replicationcontrollers);
  const c = new DisruptionController(client, ...informers, new EventRecorder(client, { component: 'controllermanager' }), () => Date.now() + shift, rcs);
  const status = (name: string) => client.peek<PodDisruptionBudget>(Resources.poddisruptionbudgets, 'default', name)?.status;
  const budget = (name: string, spec: PodDisruptionBudget['spec']) =>
    client.seed(Resources.poddisruptionbudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default', generation: 1 }, spec } as PodDisruptionBudget);

  // A Deployment of 4 whose ReplicaSet runs 3 Ready pods and one that is not Ready.
  const dep = client.seed(Resources.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', uid: 'dep-uid' }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } } } } as Deployment);
  const rs = mkRS('web-1', 4, { app: 'web' });
  rs.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: dep.metadata.uid!, controller: true }];
  client.seed(Resources.replicasets, rs);
  for (const [n, s] of [['a', 'ready'], ['b', 'ready'], ['c', 'ready'], ['d', 'notready']] as const) client.seed(Resources.pods, mkPod(n, s, { owner: rs }));

  before(async () => {
    c.start();
    await Promise.all([...informers, rcs].map((i) => i.start()));
  });
  after(async () => {
    for (const i of [...informers, rcs]) i.stop();
    await c.stop();
  });

  it('minAvailable as a count: expected = the pods, healthy = the Ready ones', async () => {
    budget('count', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    await waitFor(() => status('count')?.observedGeneration === 1, 'status');
    const st = status('count')!;
    assert.deepEqual([st.expectedPods, st.currentHealthy, st.desiredHealthy, st.disruptionsAllowed], [4, 3, 2, 1]);
    assert.deepEqual(st.conditions?.map((x) => [x.type, x.status, x.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);
  });

  it('maxUnavailable: expected from the Deployment\'s replicas', async () => {
    budget('max', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    await waitFor(() => status('max')?.observedGeneration === 1, 'status');
    const st = status('max')!;
    assert.deepEqual([st.expectedPods, st.currentHealthy, st.desiredHealthy, st.disruptionsAllowed], [4, 3, 3, 0]);
    assert.deepEqual(st.conditions?.map((x) => [x.status, x.reason]), [['False', 'InsufficientPods']]);
  });

  it('follows the pods: a pod turning Ready allows one more disruption', async () => {
    client.mutate<Pod>(Resources.pods, 'default', 'd', (p) => (p.status!.conditions = [{ type: 'Ready', status: 'True' }]));
    await waitFor(() => status('max')?.disruptionsAllowed === 1, 'max allows one');
    assert.equal(status('count')!.disruptionsAllowed, 2);
  });

  it('an eviction recorded in disruptedPods counts the pod out until it is deleted, then the entry goes', async () => {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    client.mutate<PodDisruptionBudget>(Resources.poddisruptionbudgets, 'default', 'max', (b) => (b.status = { ...b.status!, disruptionsAllowed: 0, disruptedPods: { a: now } }));
    await waitFor(() => status('max')?.currentHealthy === 3 && status('max')?.disruptedPods?.a === now, 'a counted out');
    assert.equal(status('max')!.disruptionsAllowed, 0);
    client.mutate<Pod>(Resources.pods, 'default', 'a', (p) => (p.metadata.deletionTimestamp = now));
    await waitFor(() => !status('max')?.disruptedPods, 'entry dropped once a is deleting');
    assert.equal(status('max')!.currentHealthy, 3);
  });

  it('a pod whose controller cannot be found: fail safe, nothing allowed, SyncFailed', async () => {
    const orphan = mkPod('orphan', 'ready', { labels: { app: 'lost' } });
    orphan.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'gone', controller: true }];
    client.seed(Resources.pods, orphan);
    budget('lost', { maxUnavailable: '50%', selector: { matchLabels: { app: 'lost' } } });
    await waitFor(() => status('lost')?.conditions?.[0]?.reason === 'SyncFailed', 'SyncFailed');
    assert.equal(status('lost')!.disruptionsAllowed, 0);
    assert.equal(status('lost')!.conditions![0].message, 'found no controllers for pod "orphan"');
  });

  it("maxUnavailable over a ReplicationController's pods: expected from its replicas", async () => {
    const rc = client.seed(Resources.replicationcontrollers, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy', namespace: 'default' },
      spec: { replicas: 3, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [] } } },
    } as KObject);
    for (const n of ['l1', 'l2']) {
      const p = mkPod(n, 'ready', { labels: { app: 'legacy' } });
      p.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: rc.metadata.uid!, controller: true }];
      client.seed(Resources.pods, p);
    }
    budget('legacy', { maxUnavailable: 1, selector: { matchLabels: { app: 'legacy' } } });
    await waitFor(() => status('legacy')?.observedGeneration === 1, 'status');
    const st = status('legacy')!;
    assert.deepEqual([st.expectedPods, st.currentHealthy, st.desiredHealthy, st.disruptionsAllowed], [3, 2, 2, 0]);
  });

  it('sets a DisruptionTarget condition back to False on a pod that was never deleted', async () => {
    client.mutate<Pod>(Resources.pods, 'default', 'b', (p) => p.status!.conditions!.push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', lastTransitionTime: new Date().toISOString() }));
    shift = 3 * 60 * 1000; // two minutes and more later
    client.mutate<Pod>(Resources.pods, 'default', 'b', (p) => (p.metadata.labels = { ...p.metadata.labels, touched: 'yes' }));
    await waitFor(() => client.peek<Pod>(Resources.pods, 'default', 'b')!.status!.conditions!.find((x) => x.type === 'DisruptionTarget')!.status === 'False', 'reset');
  });
});
