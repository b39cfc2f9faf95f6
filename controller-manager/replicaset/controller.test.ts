import assert from 'node:assert/strict';
import type { KObject, Pod, ReplicaSet, ReplicationController } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod, mkRS, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { ReplicaSetController } from './controller';
import { REPLICATION_CONTROLLER } from './kinds';
import { apiError } from '../../lib/errors';

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

describe('replicaset controller: ReplicationControllers through the kind adapter', () => {
  let client: FakeApiClient;
  let stop: () => Promise<void>;
  beforeEach(async () => {
    client = new FakeApiClient();
    const rcInf = new Informer<ReplicationController>(client, Resources.replicationcontrollers);
    const rsInf = new Informer<ReplicaSet>(client, Resources.replicasets);
    const podInf = new Informer<Pod>(client, Resources.pods);
    // Both controllers on one pod informer, as the controller-manager runs them.
    const rcc = new ReplicaSetController(client, rcInf, podInf, new EventRecorder(client, { component: 'replication-controller' }), REPLICATION_CONTROLLER);
    const rsc = new ReplicaSetController(client, rsInf, podInf, new EventRecorder(client, { component: 'replicaset-controller' }));
    await Promise.all([rcInf.start(), rsInf.start(), podInf.start()]);
    rcc.start();
    rsc.start();
    stop = async () => {
      rcInf.stop();
      rsInf.stop();
      podInf.stop();
      await Promise.all([rcc.stop(), rsc.stop()]);
    };
  });
  afterEach(() => stop());

  const mkRC = (replicas: number): ReplicationController => ({
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: { replicas, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }] } } },
  });
  const pods = () => client.all<Pod>(Resources.pods, 'default');
  const rc = () => client.peek<ReplicationController>(Resources.replicationcontrollers, 'default', 'web')!;
  const events = () => client.all<KObject & { reason: string; involvedObject: { kind: string } }>(Resources.events, 'default');

  it('creates pods owned by the RC, writes its status, records events on it', async () => {
    client.seed(Resources.replicationcontrollers, mkRC(2));
    await waitFor(() => pods().length === 2, '2 pods');
    const ref = pods()[0].metadata.ownerReferences?.[0];
    assert.deepEqual([ref?.apiVersion, ref?.kind, ref?.uid, ref?.controller], ['v1', 'ReplicationController', rc().metadata.uid, true]);
    await waitFor(() => rc().status?.replicas === 2 && rc().status?.fullyLabeledReplicas === 2 && rc().status?.observedGeneration === 1, 'status');
    await waitFor(() => events().filter((e) => e.reason === 'SuccessfulCreate').length === 2, 'events');
    assert.ok(events().every((e) => e.involvedObject.kind === 'ReplicationController'));
    // The ReplicaSet controller leaves the RC's pods alone, and no status went to replicasets.
    await settle();
    assert.equal(pods().length, 2);
    assert.ok(!client.actions.some((a) => a.resource === 'replicasets'));
  });

  it('adopts a matching orphan, releases a relabeled pod and replaces it', async () => {
    client.seed(Resources.pods, mkPod('orphan', 'ready', { labels: { app: 'web' } }));
    client.seed(Resources.replicationcontrollers, mkRC(1));
    await waitFor(() => pods()[0]?.metadata.ownerReferences?.[0]?.kind === 'ReplicationController', 'adoption');
    await settle();
    assert.equal(pods().length, 1, 'the adopted pod counts');
    client.mutate<Pod>(Resources.pods, 'default', 'orphan', (p) => (p.metadata.labels = { app: 'debug' }));
    await waitFor(() => pods().length === 2, 'replacement');
    await waitFor(() => !client.peek<Pod>(Resources.pods, 'default', 'orphan')!.metadata.ownerReferences?.length, 'release');
  });

  it('a refused create sets ReplicaFailure; it goes once creates succeed', async () => {
    let refuse = true;
    client.beforeWrite = (a) => {
      if (refuse && a.verb === 'create' && a.resource === 'pods') throw apiError(403, 'Forbidden', 'pods "web-x" is forbidden: exceeded quota: q');
    };
    client.seed(Resources.replicationcontrollers, mkRC(1));
    await waitFor(() => rc().status?.conditions?.[0]?.reason === 'FailedCreate', 'ReplicaFailure');
    const c = rc().status!.conditions![0];
    assert.deepEqual([c.type, c.status, c.message], ['ReplicaFailure', 'True', 'pods "web-x" is forbidden: exceeded quota: q']);
    assert.ok(events().some((e) => e.reason === 'FailedCreate'));
    refuse = false;
    await waitFor(() => pods().length === 1 && !rc().status?.conditions, 'recovered');
  });
});
