import assert from 'node:assert/strict';
import {
  claimRevisions, equalRevision, newRevision, nextRevision, revisionMatches, revisionsToDelete, rollbackTarget, sortRevisions,
  templateOfRevision, templatePatch, REVISION_HASH_LABEL, type ControllerRevision, type RevisionOwner,
} from './revisions';

const owner = (image = 'k8ts/web:1.0'): RevisionOwner => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default', uid: 'uid-agent', annotations: { 'kubernetes.io/change-cause': 'v1' } },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image }] } } },
});

function rev(name: string, revision: number, o: { owner?: string; labels?: Record<string, string>; created?: string; image?: string } = {}): ControllerRevision {
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: 'default',
      labels: o.labels ?? { app: 'agent', [REVISION_HASH_LABEL]: name },
      creationTimestamp: o.created ?? '2024-01-01T00:00:00Z',
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: o.owner, controller: true }] } : {}),
    },
    data: templatePatch(owner(o.image ?? `img:${name}`)),
    revision,
  };
}

describe('controller history', () => {
  it('a revision holds a replace patch of the template, owned by its owner, with the hash label', () => {
    const o = owner();
    const r = newRevision({ owner: o, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet', data: templatePatch(o), revision: 3, hash: 'h1', name: 'agent-h1', annotations: o.metadata.annotations });
    assert.deepEqual(r.data, { spec: { template: { ...o.spec.template, $patch: 'replace' } } });
    assert.deepEqual(r.metadata.labels, { app: 'agent', [REVISION_HASH_LABEL]: 'h1' });
    assert.deepEqual(r.metadata.annotations, { 'kubernetes.io/change-cause': 'v1' });
    assert.equal(r.metadata.ownerReferences?.[0].uid, 'uid-agent');
    assert.equal(r.metadata.ownerReferences?.[0].controller, true);
    assert.equal(r.revision, 3);
    assert.ok(revisionMatches(o, r));
    assert.ok(!revisionMatches(owner('k8ts/web:2.0'), r));
    assert.deepEqual(templateOfRevision(r), o.spec.template);
  });

  it('equal revisions are equal data, whatever their names', () => {
    assert.ok(equalRevision(rev('a', 1, { image: 'x' }), rev('b', 2, { image: 'x' })));
    assert.ok(!equalRevision(rev('a', 1, { image: 'x' }), rev('b', 2, { image: 'y' })));
  });

  it('claims by controller reference, adopting orphans and releasing mismatches', () => {
    const c = claimRevisions(owner(), [
      rev('mine', 1, { owner: 'uid-agent' }),
      rev('foreign', 1, { owner: 'uid-other' }),
      rev('orphan', 1),
      rev('orphan-other-labels', 1, { labels: { app: 'db' } }),
      rev('relabeled', 1, { owner: 'uid-agent', labels: { app: 'db' } }),
    ]);
    assert.deepEqual(
      [c.owned, c.adopt, c.release].map((l) => l.map((r) => r.metadata.name)),
      [['mine'], ['orphan'], ['relabeled']],
    );
  });

  it('sorts by revision, then creation time, then name; next revision follows the highest', () => {
    const rs = [rev('c', 2), rev('b', 1, { created: '2024-01-02T00:00:00Z' }), rev('a', 1, { created: '2024-01-02T00:00:00Z' }), rev('z', 1)];
    assert.deepEqual(sortRevisions(rs).map((r) => r.metadata.name), ['z', 'a', 'b', 'c']);
    assert.equal(nextRevision(rs), 3);
    assert.equal(nextRevision([]), 1);
  });

  describe('history limit', () => {
    const old = [rev('r1', 1), rev('r2', 2), rev('r3', 3), rev('r4', 4)];
    const cases: { title: string; limit: number; live: string[]; liveCounts: boolean; want: string[] }[] = [
      { title: 'within the limit: nothing', limit: 10, live: [], liveCounts: true, want: [] },
      { title: 'oldest first', limit: 2, live: [], liveCounts: true, want: ['r1', 'r2'] },
      { title: 'limit 0 deletes every old revision', limit: 0, live: [], liveCounts: false, want: ['r1', 'r2', 'r3', 'r4'] },
      { title: 'daemonset: live revisions count but stay', limit: 2, live: ['r1'], liveCounts: true, want: ['r2', 'r3'] },
      { title: 'statefulset: live revisions neither count nor go', limit: 2, live: ['r1'], liveCounts: false, want: ['r2'] },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const got = revisionsToDelete(old, { limit: c.limit, isLive: (r) => c.live.includes(r.metadata.name!), liveCountsAgainstLimit: c.liveCounts });
        assert.deepEqual(got.map((r) => r.metadata.name), c.want);
      });
    }
  });

  describe('rollback target', () => {
    const rs = [rev('r3', 3), rev('r1', 1), rev('r2', 2)];
    const cases: { title: string; revisions: ControllerRevision[]; to: number; want: string | RegExp }[] = [
      { title: 'undo goes to the one before the newest', revisions: rs, to: 0, want: 'r2' },
      { title: 'a given revision', revisions: rs, to: 1, want: 'r1' },
      { title: 'a missing revision', revisions: rs, to: 7, want: /unable to find specified revision 7 in history/ },
      { title: 'a negative revision', revisions: rs, to: -1, want: /unable to find specified revision -1 in history/ },
      { title: 'no history to undo', revisions: [rev('r1', 1)], to: 0, want: /no last revision to roll back to/ },
    ];
    for (const c of cases) {
      it(c.title, () => {
        if (typeof c.want === 'string') assert.equal(rollbackTarget(c.revisions, c.to).metadata.name, c.want);
        else assert.throws(() => rollbackTarget(c.revisions, c.to), c.want);
      });
    }
  });
});
