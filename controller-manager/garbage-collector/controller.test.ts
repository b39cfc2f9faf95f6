import assert from 'node:assert/strict';
import type { KObject, Pod, ReplicaSet } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkDeployment, mkPod, mkRS, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { GarbageCollector } from './controller';

describe('garbage collector', () => {
  const WIDGETS = { apiVersion: 'example.com/v1', kind: 'Widget', resource: 'widgets', namespaced: true };
  let events: string[] = [];
  let client: FakeApiClient;
  let stop: () => Promise<void>;
  beforeEach(async () => {
    client = new FakeApiClient();
    // The served kinds come from discovery: here the client table plus a kind no list names.
    const served = [...Object.values(Resources), WIDGETS].map((rt) => ({ ...rt, verbs: ['create', 'delete', 'get', 'list', 'watch'], subresources: [] }));
    const gc = new GarbageCollector(client, { discover: async () => served, recorder: { event: (o: KObject, _t: string, reason: string, message: string) => events.push(`${o.metadata.name} ${reason}: ${message}`) } as never });
    events = [];
    await gc.started();
    gc.start();
    stop = () => gc.stop();
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

  const cm = (name: string, namespace: string, refs: { apiVersion: string; kind: string; name: string; uid: string; blockOwnerDeletion?: boolean }[]) =>
    client.seed(Resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ownerReferences: refs } } as KObject);
  const refTo = (o: KObject, rt: { apiVersion: string; kind: string }) => ({ apiVersion: rt.apiVersion, kind: rt.kind, name: o.metadata.name!, uid: o.metadata.uid! });

  it('a kind learnt from discovery owns and is collected like any other', async () => {
    const w = client.seed(WIDGETS, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } } as KObject);
    cm('of-widget', 'default', [refTo(w, WIDGETS)]);
    await settle();
    assert.ok(client.peek(Resources.configmaps, 'default', 'of-widget'));
    await client.delete(WIDGETS, 'default', 'w');
    await waitFor(() => !client.peek(Resources.configmaps, 'default', 'of-widget'), 'dependent of the widget collected');
  });

  it('a reference to a uid that never existed: collected; with a live owner beside it: only the reference goes', async () => {
    const rs = client.seed(Resources.replicasets, mkRS('live', 1));
    cm('dangling-only', 'default', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nope', uid: 'no-such-uid' }]);
    cm('mixed', 'default', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nope', uid: 'no-such-uid' }, refTo(rs, Resources.replicasets)]);
    await waitFor(() => !client.peek(Resources.configmaps, 'default', 'dangling-only'), 'dangling dependent collected');
    await waitFor(() => client.peek<KObject>(Resources.configmaps, 'default', 'mixed')?.metadata.ownerReferences?.length === 1, 'dangling reference dropped');
    assert.equal(client.peek<KObject>(Resources.configmaps, 'default', 'mixed')!.metadata.ownerReferences![0].uid, rs.metadata.uid);
  });

  it('an owner in another namespace does not count: the dependent is collected, with a warning', async () => {
    const rs = client.seed(Resources.replicasets, { ...mkRS('elsewhere', 1), metadata: { ...mkRS('elsewhere', 1).metadata, namespace: 'other' } });
    await settle();
    cm('cross', 'default', [refTo(rs, Resources.replicasets)]);
    await waitFor(() => !client.peek(Resources.configmaps, 'default', 'cross'), 'cross-namespace dependent collected');
    assert.ok(client.peek(Resources.replicasets, 'other', 'elsewhere'), 'the other namespace keeps its object');
    assert.ok(events.some((e) => e.startsWith('cross OwnerRefInvalidNamespace: ownerRef [apps/v1/ReplicaSet, namespace: default, name: elsewhere')), events.join('\n'));
  });

  it('a cluster-scoped dependent of a namespaced kind is left alone, with a warning', async () => {
    const rs = client.seed(Resources.replicasets, mkRS('owner', 1));
    client.seed(Resources.persistentvolumes, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1', ownerReferences: [refTo(rs, Resources.replicasets)] } } as KObject);
    await waitFor(() => events.some((e) => e.startsWith('pv1 OwnerRefInvalidNamespace')), 'warning recorded');
    await client.delete(Resources.replicasets, 'default', 'owner');
    await settle(100);
    assert.ok(client.peek(Resources.persistentvolumes, undefined, 'pv1'));
  });

  it('foreground through two levels: pods, then the ReplicaSet, then the Deployment', async () => {
    const dep = client.seed(Resources.deployments, mkDeployment('web', 1));
    const rs = client.seed(Resources.replicasets, { ...mkRS('web-1', 1), metadata: { ...mkRS('web-1', 1).metadata, ownerReferences: [{ ...refTo(dep, Resources.deployments), controller: true, blockOwnerDeletion: true }] } });
    const p = mkPod('web-1-a', 'ready');
    p.metadata.ownerReferences = [{ ...refTo(rs, Resources.replicasets), controller: true, blockOwnerDeletion: true }];
    client.seed(Resources.pods, p);
    await settle();
    const order: string[] = [];
    for (const rt of [Resources.pods, Resources.replicasets, Resources.deployments]) {
      client.watch(rt, 'default', {}, { onEvent: (e) => e.type === 'DELETED' && order.push(rt.kind), onClose: () => undefined });
    }
    await client.delete(Resources.deployments, 'default', 'web', { propagationPolicy: 'Foreground' });
    await waitFor(() => !client.peek(Resources.deployments, 'default', 'web'), 'deployment deleted');
    assert.deepEqual(order, ['Pod', 'ReplicaSet', 'Deployment']);
  });

  it('foreground does not wait for dependents without blockOwnerDeletion, and still collects them', async () => {
    const rs = client.seed(Resources.replicasets, mkRS('loose', 1));
    cm('loose-cm', 'default', [{ ...refTo(rs, Resources.replicasets), blockOwnerDeletion: false }]);
    await settle();
    await client.delete(Resources.replicasets, 'default', 'loose', { propagationPolicy: 'Foreground' });
    await waitFor(() => !client.peek(Resources.replicasets, 'default', 'loose'), 'owner deleted');
    await waitFor(() => !client.peek(Resources.configmaps, 'default', 'loose-cm'), 'dependent collected');
  });
});
