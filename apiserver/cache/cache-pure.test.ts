import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import type { StoreEvent } from '../storage/etcd-store';
import { EventRing } from './event-ring';
import { diffStates } from './resync-diff';

const obj = (name: string, rv: string, ns = 'default'): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, resourceVersion: rv } });
const ev = (rev: number): StoreEvent => ({ type: 'MODIFIED', object: obj(`o${rev}`, String(rev)), revision: String(rev) });

describe('watch cache: event ring', () => {
  it('replays the events after a revision while it holds them all', () => {
    const r = new EventRing(3, '10');
    for (const rev of [11, 12, 13]) r.push(ev(rev));
    assert.deepEqual(r.since('10')!.map((e) => e.revision), ['11', '12', '13']);
    assert.deepEqual(r.since('12')!.map((e) => e.revision), ['13']);
    assert.deepEqual(r.since('20'), []);
    assert.equal(r.since('9'), null);
  });

  it('moves its oldest resumable revision forward as it evicts', () => {
    const r = new EventRing(2, '10');
    for (const rev of [11, 12, 13, 14]) r.push(ev(rev));
    assert.equal(r.oldestResumable, '12');
    assert.equal(r.since('11'), null);
    assert.deepEqual(r.since('12')!.map((e) => e.revision), ['13', '14']);
  });

  it('forgets history on reset', () => {
    const r = new EventRing(4, '1');
    r.push(ev(2));
    r.reset('7');
    assert.equal(r.length, 0);
    assert.equal(r.since('2'), null);
    assert.deepEqual(r.since('7'), []);
  });
});

describe('watch cache: relist differences', () => {
  const cases: { name: string; before: KObject[]; after: KObject[]; want: string[] }[] = [
    { name: 'nothing changed', before: [obj('a', '1')], after: [obj('a', '1')], want: [] },
    { name: 'added', before: [], after: [obj('a', '5')], want: ['ADDED default/a'] },
    { name: 'modified', before: [obj('a', '1')], after: [obj('a', '5')], want: ['MODIFIED default/a'] },
    { name: 'deleted', before: [obj('a', '1')], after: [], want: ['DELETED default/a'] },
    {
      name: 'mixed, in key order',
      before: [obj('c', '1'), obj('a', '1'), obj('b', '2', 'x')],
      after: [obj('a', '3'), obj('b', '2', 'x'), obj('d', '4')],
      want: ['MODIFIED default/a', 'DELETED default/c', 'ADDED default/d'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = new Map(c.before.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
      const out = diffStates(before, c.after, '9');
      assert.deepEqual(out.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`), c.want);
      for (const e of out) assert.equal(e.revision, '9');
      for (const e of out.filter((x) => x.type === 'DELETED')) assert.equal(e.object.metadata.resourceVersion, '9');
    });
  }
});
