import assert from 'node:assert/strict';
import type { Pod, ReplicaSet } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod, mkRS, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { ReplicaSetController } from './controller';

describe('replicaset controller', () => {
  let client: FakeApiClient;
  let stop: () => Promise<void>;
  beforeEach(async () => {
    client = new FakeApiClient();
    const rsInf = new Informer<ReplicaSet>(client, Resources.replicasets);
    const podInf = new Informer<Pod>(client, Resources.pods);
    const c = new ReplicaSetController(client, rsInf, podInf, new EventRecorder(client, { component: 'replicaset-controller' }));
    await Promise.all([rsInf.start(), podInf.start()]);
    c.start();
    stop = async () => {
      rsInf.stop();
      podInf.stop();
      await c.stop();
    };
  });
  afterEach(() => stop());

  const pods = () => client.all<Pod>(Resources.pods, 'default');
  const rs = () => client.peek<ReplicaSet>(Resources.replicasets, 'default', 'web')!;

  it('scales up, replaces deleted pods, scales down, without over-creating', async () => {
    client.seed(Resources.replicasets, mkRS('web', 3, { app: 'web' }));
    await waitFor(() => pods().length === 3, '3 pods');
    await settle();
    assert.equal(client.actions.filter((a) => a.verb === 'create' && a.resource === 'pods').length, 3);
    assert.ok(pods().every((p) => p.metadata.name!.startsWith('web-') && p.metadata.ownerReferences?.[0].controller));
    await client.delete(Resources.pods, 'default', pods()[0].metadata.name!);
    await waitFor(() => pods().length === 3, 'replacement');
    client.mutate<ReplicaSet>(Resources.replicasets, 'default', 'web', (o) => (o.spec.replicas = 5));
    await waitFor(() => pods().length === 5, '5 pods');
    client.mutate<ReplicaSet>(Resources.replicasets, 'default', 'web', (o) => (o.spec.replicas = 3));
    await waitFor(() => pods().length === 3, 'back to 3');
    await waitFor(() => rs().status?.replicas === 3 && rs().status?.observedGeneration === rs().metadata.generation, 'status');
    assert.equal(client.actions.filter((a) => a.verb === 'create' && a.resource === 'pods').length, 6);
  });

  it('adopts matching orphans and counts readiness in status', async () => {
    client.seed(Resources.pods, mkPod('orphan-1', 'ready', { labels: { app: 'web' } }));
    client.seed(Resources.pods, mkPod('orphan-2', 'notready', { labels: { app: 'web' } }));
    client.seed(Resources.replicasets, mkRS('web', 2, { app: 'web' }));
    await waitFor(() => pods().every((p) => p.metadata.ownerReferences?.[0]?.uid === rs().metadata.uid), 'adoption');
    await waitFor(() => rs().status?.readyReplicas === 1 && rs().status?.replicas === 2, 'status');
    await settle();
    assert.equal(pods().length, 2, 'adopted pods are not duplicated');
  });

  it('releases pods whose labels no longer match and replaces them', async () => {
    client.seed(Resources.replicasets, mkRS('web', 1, { app: 'web' }));
    await waitFor(() => pods().length === 1, '1 pod');
    const name = pods()[0].metadata.name!;
    client.mutate<Pod>(Resources.pods, 'default', name, (p) => (p.metadata.labels = { app: 'debug' }));
    await waitFor(() => pods().length === 2, 'replacement');
    await waitFor(() => !client.peek<Pod>(Resources.pods, 'default', name)!.metadata.ownerReferences?.length, 'release');
  });
});
