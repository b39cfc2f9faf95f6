import assert from 'node:assert/strict';
import type { KObject, Pod, ReplicaSet } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod, mkRS, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { GarbageCollector } from './controller';
import { planDependent } from './owners';

describe('garbage collector', () => {
  it('planDependent', () => {
    const refs = [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: '1' }, { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2' }];
    const obj: KObject = { metadata: { name: 'x', ownerReferences: refs } };
    assert.deepEqual(planDependent(obj, new Map([['1', 'absent'], ['2', 'absent']])), { action: 'delete' });
    assert.deepEqual(planDependent(obj, new Map([['1', 'absent'], ['2', 'exists']])), { action: 'dropRefs', ownerReferences: [refs[1]] });
    assert.deepEqual(planDependent(obj, new Map([['1', 'absent'], ['2', 'unknown']])), { action: 'dropRefs', ownerReferences: [refs[1]] });
    assert.deepEqual(planDependent(obj, new Map([['1', 'exists'], ['2', 'exists']])), { action: 'none' });
  });

  let client: FakeApiClient;
  let stop: () => Promise<void>;
  beforeEach(async () => {
    client = new FakeApiClient();
    const infs = [Resources.pods, Resources.replicasets, Resources.deployments, Resources.services, Resources.endpointslices].map((rt) => ({
      rt,
      informer: new Informer<KObject>(client, rt),
    }));
    const gc = new GarbageCollector(client, infs);
    await Promise.all(infs.map((i) => i.informer.start()));
    gc.start();
    stop = async () => {
      infs.forEach((i) => i.informer.stop());
      await gc.stop();
    };
  });
  afterEach(() => stop());

  const seedFamily = () => {
    const rs = client.seed(Resources.replicasets, mkRS('web', 2));
    const withRef = (p: Pod) => {
      p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }];
      return client.seed(Resources.pods, p);
    };
    withRef(mkPod('web-1', 'ready'));
    withRef(mkPod('web-2', 'ready'));
    return rs;
  };
  const pods = () => client.all<Pod>(Resources.pods, 'default');

  it('background: dependents of a deleted owner are deleted; live owners keep theirs', async () => {
    seedFamily();
    client.seed(Resources.pods, mkPod('lonely', 'ready'));
    await settle();
    assert.equal(pods().length, 3);
    await client.delete(Resources.replicasets, 'default', 'web');
    await waitFor(() => pods().length === 1, 'dependents deleted');
    assert.equal(pods()[0].metadata.name, 'lonely');
  });

  it('a recreated owner with the same name but a new uid does not save old dependents', async () => {
    seedFamily();
    await settle();
    await client.delete(Resources.replicasets, 'default', 'web');
    client.seed(Resources.replicasets, { ...mkRS('web', 2), metadata: { ...mkRS('web', 2).metadata, uid: 'new-uid' } });
    await waitFor(() => pods().length === 0, 'old dependents deleted');
  });

  it('orphan: dependents lose the reference, then the owner goes', async () => {
    seedFamily();
    await settle();
    await client.delete(Resources.replicasets, 'default', 'web', { propagationPolicy: 'Orphan' });
    await waitFor(() => !client.peek(Resources.replicasets, 'default', 'web'), 'owner deleted');
    assert.equal(pods().length, 2);
    assert.ok(pods().every((p) => (p.metadata.ownerReferences ?? []).length === 0));
  });

  it('foreground: dependents go first, then the owner', async () => {
    seedFamily();
    await settle();
    const order: string[] = [];
    client.watch(Resources.pods, 'default', {}, { onEvent: (e) => e.type === 'DELETED' && order.push('pod'), onClose: () => undefined });
    client.watch(Resources.replicasets, 'default', {}, { onEvent: (e) => e.type === 'DELETED' && order.push('rs'), onClose: () => undefined });
    await client.delete(Resources.replicasets, 'default', 'web', { propagationPolicy: 'Foreground' });
    assert.ok(client.peek<ReplicaSet>(Resources.replicasets, 'default', 'web')!.metadata.deletionTimestamp);
    await waitFor(() => !client.peek(Resources.replicasets, 'default', 'web'), 'owner deleted');
    assert.deepEqual(order, ['pod', 'pod', 'rs']);
  });

  it("a deleted Service's EndpointSlices are collected, a live Service keeps its own", async () => {
    const svc = (name: string) => client.seed(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: name } } } as KObject);
    const slice = (name: string, owner: KObject) =>
      client.seed(Resources.endpointslices, {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: {
          name, namespace: 'default', labels: { 'kubernetes.io/service-name': owner.metadata.name! },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4', endpoints: [],
      } as KObject);
    const gone = svc('gone');
    const kept = svc('kept');
    slice('gone-abcde', gone);
    slice('kept-abcde', kept);
    await settle();
    await client.delete(Resources.services, 'default', 'gone');
    await waitFor(() => !client.peek(Resources.endpointslices, 'default', 'gone-abcde'), 'slice of the deleted service collected');
    assert.ok(client.peek(Resources.endpointslices, 'default', 'kept-abcde'), 'the live service keeps its slice');
  });
});
