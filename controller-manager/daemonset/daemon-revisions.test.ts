import assert from 'node:assert/strict';
import { mkDaemonPod, mkDS } from '../../test/fixtures/controller-manager/daemon-sets';
import { dsRevision, dsTemplateHash, historyToDelete, planHistory } from './daemon-revisions';
import type { ControllerRevision } from '../history/revisions';

const withImage = (image: string) => mkDS('agent', { image, limit: 2 });
const rev = (image: string, revision: number, name?: string): ControllerRevision => {
  const r = dsRevision(withImage(image), revision);
  if (name) r.metadata.name = name;
  return r;
};

describe('daemonset history', () => {
  it('a new set gets revision 1 named <set>-<hash>, labelled with the hash', () => {
    const ds = withImage('v1');
    const p = planHistory(ds, []);
    assert.equal(p.create?.revision, 1);
    assert.equal(p.create?.metadata.name, `agent-${dsTemplateHash(ds)}`);
    assert.equal(p.create?.metadata.labels?.['controller-revision-hash'], dsTemplateHash(ds));
  });

  it('a template change adds the next revision; the current one is found again', () => {
    const p = planHistory(withImage('v2'), [rev('v1', 1)]);
    assert.equal(p.create?.revision, 2);
    assert.equal(p.old.length, 1);
    const again = planHistory(withImage('v2'), [rev('v1', 1), rev('v2', 2)]);
    assert.equal(again.create, undefined);
    assert.equal(again.current?.revision, 2);
    assert.equal(again.renumberTo, undefined);
  });

  it('an undo to an old template renumbers that revision to the newest', () => {
    const p = planHistory(withImage('v1'), [rev('v1', 1), rev('v2', 2)]);
    assert.equal(p.create, undefined);
    assert.equal(p.current?.revision, 1);
    assert.equal(p.renumberTo, 3);
  });

  it('duplicates of the current template are folded into the newest', () => {
    const p = planHistory(withImage('v1'), [rev('v1', 1, 'dup'), rev('v1', 4, 'keep'), rev('v2', 2)]);
    assert.equal(p.current?.metadata.name, 'keep');
    assert.deepEqual(p.duplicates.map((r) => r.metadata.name), ['dup']);
  });

  it('a collision count changes the hash', () => {
    const ds = withImage('v1');
    assert.notEqual(dsTemplateHash(ds), dsTemplateHash({ ...ds, status: { ...({} as any), collisionCount: 1 } }));
  });

  it('history beyond the limit goes, oldest first, sparing revisions live pods use', () => {
    const ds = withImage('v5');
    const old = [rev('v1', 1), rev('v2', 2), rev('v3', 3), rev('v4', 4)];
    const live = [mkDaemonPod(ds, 'a', old[0].metadata.labels!['controller-revision-hash'])];
    assert.deepEqual(historyToDelete(ds, old, live).map((r) => r.revision), [2, 3]);
    assert.deepEqual(historyToDelete(ds, old, []).map((r) => r.revision), [1, 2]);
  });
});
