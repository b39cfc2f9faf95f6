import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { setPodState, type PodState } from '../../test/fixtures/controller-manager/objects';
import { claimOwnerRefs, claimsFor, newPod, ordinalOf, type Claim, type StatefulSet } from './identity';
import { computeStatus, planStatefulSet, revisionForOrdinal, type Action } from './plan';

const set = (over: Partial<StatefulSet['spec']> = {}): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'ns', uid: 'uid-db', generation: 2 },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'db' } },
    serviceName: 'db',
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    ...over,
  },
});

const pod = (s: StatefulSet, ord: number, state: PodState | 'terminating' | 'failed', rev = 'r2'): Pod => {
  const p = newPod(s, s.spec.template, rev, ord);
  p.metadata.uid = `uid-${p.metadata.name}`;
  setPodState(p, state === 'terminating' || state === 'failed' ? 'ready' : state);
  if (state === 'terminating') p.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  if (state === 'failed') p.status = { phase: 'Failed' };
  return p;
};

const claimsOf = (s: StatefulSet, ...ords: number[]) => {
  const m = new Map<string, Claim>();
  for (const o of ords) for (const c of claimsFor(s, o)) m.set(c.metadata.name!, { ...c, metadata: { ...c.metadata, uid: `uid-${c.metadata.name}`, ownerReferences: claimOwnerRefs(c, s, undefined, o) } });
  return m;
};

const show = (a: Action) => {
  switch (a.type) {
    case 'createClaim':
      return `claim ${a.claim.metadata.name}`;
    case 'createPod':
      return `create ${a.ordinal}@${a.revision}`;
    case 'deletePod':
      return `delete ${a.pod.metadata.name} (${a.why})`;
    case 'labelPod':
      return `label ${a.pod.metadata.name}`;
    case 'claimRefs':
      return `refs ${a.claim.metadata.name} → ${a.ownerReferences.map((r) => `${r.kind}/${r.name}`).join(',') || '-'}`;
  }
};

const plan = (s: StatefulSet, pods: Pod[], claims = claimsOf(s, 0, 1, 2, 3, 4), current = 'r2', update = 'r2') =>
  planStatefulSet({ set: s, pods, claim: (n) => claims.get(n), currentRevision: current, updateRevision: update, now: Date.now() }).actions.map(show);

describe('statefulset plan', () => {
  const s = set();
  const par = set({ podManagementPolicy: 'Parallel' });
  const cases: [string, StatefulSet, Pod[], string[], Map<string, Claim>?][] = [
    ['OrderedReady creates the claims and the first pod only', s, [], ['claim data-db-0', 'create 0@r2'], new Map()],
    ['OrderedReady waits for a pod to be Running and Ready', s, [pod(s, 0, 'notready')], []],
    ['then creates the next one', s, [pod(s, 0, 'ready')], ['create 1@r2']],
    ['Parallel creates every missing pod at once', par, [pod(par, 1, 'pending')], ['create 0@r2', 'create 2@r2']],
    ['a failed pod is deleted to be recreated', s, [pod(s, 0, 'failed')], ['delete db-0 (failed)']],
    ['OrderedReady scales down from the highest ordinal, one at a time', s, [0, 1, 2, 3, 4].map((o) => pod(s, o, 'ready')), ['delete db-4 (condemned)']],
    ['and waits for a terminating pod first', s, [...[0, 1, 2, 3].map((o) => pod(s, o, 'ready')), pod(s, 4, 'terminating')], []],
    ['Parallel removes every extra pod at once', par, [0, 1, 2, 3, 4].map((o) => pod(par, o, 'ready')), ['delete db-4 (condemned)', 'delete db-3 (condemned)']],
    ['steady: nothing to do', s, [0, 1, 2].map((o) => pod(s, o, 'ready')), []],
    ['a pod that lost its identity labels gets them back', s, [pod(s, 0, 'ready'), { ...pod(s, 1, 'ready'), metadata: { ...pod(s, 1, 'ready').metadata, labels: { app: 'db', 'controller-revision-hash': 'r2' } } }, pod(s, 2, 'ready')], ['label db-1']],
    ['a claim deleted under a pod is recreated', s, [0, 1, 2].map((o) => pod(s, o, 'ready')), ['claim data-db-1'], claimsOf(s, 0, 2)],
  ];
  for (const [title, st, pods, want, claims] of cases) it(title, () => assert.deepEqual(plan(st, pods, claims), want));

  describe('rolling update', () => {
    const ready = (st: StatefulSet, revs: string[]) => revs.map((r, o) => pod(st, o, 'ready', r));
    it('replaces the highest old pod first, one at a time', () => assert.deepEqual(plan(s, ready(s, ['r1', 'r1', 'r1']), undefined, 'r1', 'r2'), ['delete db-2 (update)']));
    it('continues downwards once the updated pod is healthy', () => assert.deepEqual(plan(s, ready(s, ['r1', 'r1', 'r2']), undefined, 'r1', 'r2'), ['delete db-1 (update)']));
    it('waits for an updated pod that is not ready', () => {
      const pods = ready(s, ['r1', 'r1', 'r2']);
      setPodState(pods[2], 'notready');
      assert.deepEqual(plan(set({ podManagementPolicy: 'Parallel' }), pods, undefined, 'r1', 'r2'), []);
    });
    const part = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    it('stops at the partition', () => assert.deepEqual(plan(part, ready(part, ['r1', 'r1', 'r2']), undefined, 'r1', 'r2'), []));
    it('pods below the partition are recreated at the current revision', () => assert.deepEqual(plan(part, [], new Map(), 'r1', 'r2'), ['claim data-db-0', 'create 0@r1']));
    it('OnDelete never deletes for an update, and recreates at the update revision', () => {
      const od = set({ updateStrategy: { type: 'OnDelete' } });
      assert.deepEqual(plan(od, ready(od, ['r1', 'r1', 'r1']), undefined, 'r1', 'r2'), []);
      assert.equal(revisionForOrdinal(od, 0, 'r1', 'r2'), 'r2');
    });
  });

  describe('claim retention', () => {
    const refs = (st: StatefulSet, ord: number, withPod: boolean) =>
      claimOwnerRefs(claimsFor(st, ord)[0], st, withPod ? pod(st, ord, 'ready') : undefined, ord).map((r) => `${r.kind}/${r.name}`);
    const policy = (whenDeleted: 'Retain' | 'Delete', whenScaled: 'Retain' | 'Delete') => set({ persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } });
    const cases: [string, StatefulSet, number, string[]][] = [
      ['Retain/Retain: no owners', policy('Retain', 'Retain'), 0, []],
      ['whenDeleted=Delete: owned by the set', policy('Delete', 'Retain'), 0, ['StatefulSet/db']],
      ['whenDeleted=Delete, scaled away with whenScaled=Retain: still the set', policy('Delete', 'Retain'), 4, ['StatefulSet/db']],
      ['whenScaled=Delete in range: no owner', policy('Retain', 'Delete'), 1, []],
      ['whenScaled=Delete scaled away: owned by its pod', policy('Retain', 'Delete'), 4, ['Pod/db-4']],
      ['Delete/Delete scaled away: the pod instead of the set', policy('Delete', 'Delete'), 3, ['Pod/db-3']],
      ['Delete/Delete in range: the set', policy('Delete', 'Delete'), 2, ['StatefulSet/db']],
    ];
    for (const [title, st, ord, want] of cases) it(title, () => assert.deepEqual(refs(st, ord, true), want));

    it('a scale-down moves the claim to its pod before the pod is deleted', () => {
      const st = policy('Retain', 'Delete');
      const pods = [0, 1, 2, 3].map((o) => pod(st, o, 'ready'));
      assert.deepEqual(plan(st, pods, claimsOf(set(), 0, 1, 2, 3)), ['refs data-db-3 → Pod/db-3', 'delete db-3 (condemned)']);
    });
  });

  it('names pods and claims, sets hostname, subdomain and identity labels', () => {
    const p = newPod(s, s.spec.template, 'db-abc', 1);
    assert.equal(p.metadata.name, 'db-1');
    assert.deepEqual(p.metadata.labels, { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': 'db-abc' });
    assert.equal(p.spec.hostname, 'db-1');
    assert.equal(p.spec.subdomain, 'db');
    assert.deepEqual(p.spec.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }]);
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'uid-db', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(claimsFor(s, 1)[0].metadata.labels, { app: 'db' });
    assert.equal(ordinalOf(s, p), 1);
    assert.equal(ordinalOf(s, { ...p, metadata: { name: 'db-01' } }), -1);
    assert.equal(ordinalOf(s, { ...p, metadata: { name: 'dbx-1' } }), -1);
    const started = set({ ordinals: { start: 5 }, replicas: 1 });
    assert.deepEqual(plan(started, [], new Map()), ['claim data-db-5', 'create 5@r2']);
  });

  it('status counts pods and promotes the update revision once every pod is updated and ready', () => {
    const pods = [pod(s, 0, 'ready', 'r1'), pod(s, 1, 'ready', 'r2'), pod(s, 2, 'notready', 'r2')];
    assert.deepEqual(computeStatus(s, pods, 'r1', 'r2', 0, Date.now()), {
      observedGeneration: 2, replicas: 3, readyReplicas: 2, availableReplicas: 2, currentReplicas: 1, updatedReplicas: 2, currentRevision: 'r1', updateRevision: 'r2', collisionCount: 0,
    });
    const done = [0, 1, 2].map((o) => pod(s, o, 'ready', 'r2'));
    const st = computeStatus(s, done, 'r1', 'r2', 0, Date.now());
    assert.equal(st.currentRevision, 'r2');
    assert.equal(st.currentReplicas, 3);
  });
});
