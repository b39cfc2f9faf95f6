import assert from 'node:assert/strict';
import type { KObject, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { autoReady, waitFor } from '../../test/fixtures/controller-manager/objects';
import type { ControllerRevision } from '../history/revisions';
import { StatefulSetController } from './controller';
import type { Claim, StatefulSet } from './identity';

const mkSet = (replicas: number): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'default', uid: 'uid-db', generation: 1 },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'db' } },
    serviceName: 'db',
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
  },
});

describe('statefulset controller', () => {
  let client: FakeApiClient;
  let stop: () => Promise<void>;
  beforeEach(async () => {
    client = new FakeApiClient();
    const informers = [
      new Informer<StatefulSet>(client, Resources.statefulsets),
      new Informer<Pod>(client, Resources.pods),
      new Informer<Claim>(client, Resources.persistentvolumeclaims),
      new Informer<ControllerRevision>(client, Resources.controllerrevisions),
    ] as const;
    const c = new StatefulSetController(client, ...informers, new EventRecorder(client, { component: 'statefulset-controller' }));
    await Promise.all(informers.map((i) => (i as unknown as Informer<KObject>).start()));
    c.start();
    const stopReady = autoReady(client);
    stop = async () => {
      stopReady();
      informers.forEach((i) => (i as unknown as Informer<KObject>).stop());
      await c.stop();
    };
  });
  afterEach(() => stop());

  const pods = () => client.all<Pod>(Resources.pods, 'default').map((p) => p.metadata.name).sort();
  const set = () => client.peek<StatefulSet>(Resources.statefulsets, 'default', 'db')!;

  it('creates pods in order with their claims, records a revision, rolls an update, scales down in reverse', async () => {
    const created: string[] = [];
    client.watch<Pod>(Resources.pods, undefined, {}, { onEvent: (ev) => ev.type === 'ADDED' && created.push(ev.object.metadata.name!), onClose: () => undefined });
    client.seed(Resources.statefulsets, mkSet(3));
    await waitFor(() => pods().length === 3 && set().status?.readyReplicas === 3, '3 ready pods');
    assert.deepEqual(created, ['db-0', 'db-1', 'db-2']);
    assert.deepEqual(client.all<Claim>(Resources.persistentvolumeclaims, 'default').map((c) => c.metadata.name).sort(), ['data-db-0', 'data-db-1', 'data-db-2']);
    const revs = client.all<ControllerRevision>(Resources.controllerrevisions, 'default');
    assert.equal(revs.length, 1);
    assert.equal(set().status?.currentRevision, revs[0].metadata.name);
    assert.equal(set().status?.updateRevision, revs[0].metadata.name);

    client.mutate<StatefulSet>(Resources.statefulsets, 'default', 'db', (s) => {
      s.spec.template.spec.containers[0].image = 'k8ts/web:2.0';
    });
    await waitFor(() => set().status?.observedGeneration === set().metadata.generation && client.all<Pod>(Resources.pods, 'default').every((p) => p.spec.containers[0].image === 'k8ts/web:2.0') && set().status?.updatedReplicas === 3 && set().status?.currentRevision === set().status?.updateRevision && set().status?.readyReplicas === 3, 'rolled', 3000).catch((e) => {
      console.log(JSON.stringify(set().status), JSON.stringify(client.all<Pod>(Resources.pods, 'default').map((p) => [p.metadata.name, p.spec.containers[0].image, p.metadata.labels, p.status?.phase])), created);
      throw e;
    });
    assert.deepEqual(client.all<ControllerRevision>(Resources.controllerrevisions, 'default').map((r) => r.revision).sort(), [1, 2]);
    assert.deepEqual(created.slice(3), ['db-2', 'db-1', 'db-0'], 'rolled from the highest ordinal down');
    assert.ok(client.all<Pod>(Resources.pods, 'default').every((p) => p.spec.containers[0].image === 'k8ts/web:2.0'));

    const deleted: string[] = [];
    client.watch<Pod>(Resources.pods, undefined, {}, { onEvent: (ev) => ev.type === 'DELETED' && deleted.push(ev.object.metadata.name!), onClose: () => undefined });
    client.mutate<StatefulSet>(Resources.statefulsets, 'default', 'db', (s) => (s.spec.replicas = 1));
    await waitFor(() => pods().length === 1 && set().status?.replicas === 1, 'scaled to 1');
    assert.deepEqual(deleted, ['db-2', 'db-1']);
    assert.equal(client.all<Claim>(Resources.persistentvolumeclaims, 'default').length, 3, 'claims are retained');
  });
});
