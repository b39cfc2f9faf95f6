import assert from 'node:assert/strict';
import type { ReplicationController } from '../../lib/api/types';
import { selectorMatches } from '../../lib/api/labels';
import { mkPod } from '../../test/fixtures/controller-manager/objects';
import { REPLICA_SET, REPLICATION_CONTROLLER, rcAsReplicaSet } from './kinds';
import { claimPods, podFromTemplate } from './replica-plan';

const rc: ReplicationController = {
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'web', namespace: 'default', uid: 'uid-rc', generation: 2 },
  spec: { replicas: 2, minReadySeconds: 5, selector: { app: 'web', tier: 'fe' }, template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }] } } },
  status: { replicas: 1, observedGeneration: 1 },
};

describe('replica kinds: the ReplicationController adapter', () => {
  it('views an RC as a ReplicaSet: the label map as matchLabels, metadata and status as they are', () => {
    const v = rcAsReplicaSet(rc);
    assert.deepEqual(v.spec, { replicas: 2, minReadySeconds: 5, selector: { matchLabels: { app: 'web', tier: 'fe' } }, template: rc.spec.template });
    assert.equal(v.metadata, rc.metadata);
    assert.equal(v.status, rc.status);
    assert.equal(v.kind, 'ReplicationController');
  });

  const labels: [string, Record<string, string> | undefined, boolean][] = [
    ['every selector key equal', { app: 'web', tier: 'fe' }, true],
    ['extra labels', { app: 'web', tier: 'fe', track: 'canary' }, true],
    ['one key differs', { app: 'web', tier: 'be' }, false],
    ['one key missing', { app: 'web' }, false],
    ['no labels', undefined, false],
  ];
  for (const [name, l, want] of labels)
    it(`the view selects as the map does: ${name}`, () => assert.equal(selectorMatches(rcAsReplicaSet(rc).spec.selector, l), want));

  it('pods it creates and adopts name the RC as controller (v1 ReplicationController)', () => {
    const view = REPLICATION_CONTROLLER.view(rc);
    const want = [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: 'uid-rc', controller: true, blockOwnerDeletion: true }];
    assert.deepEqual(podFromTemplate(view, REPLICATION_CONTROLLER.owner).metadata.ownerReferences, want);
    const orphan = mkPod('orphan', 'ready', { labels: { app: 'web', tier: 'fe' } });
    assert.deepEqual(claimPods(view, [orphan]).adopt.map((p) => p.metadata.name), ['orphan']);
  });

  it('names status, queue and component as upstream', () => {
    assert.deepEqual(
      [REPLICATION_CONTROLLER.resource.resource, REPLICATION_CONTROLLER.queueName, REPLICATION_CONTROLLER.component],
      ['replicationcontrollers', 'replicationmanager', 'replication-controller'],
    );
    assert.deepEqual([REPLICA_SET.resource.resource, REPLICA_SET.owner], ['replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet' }]);
  });
});
