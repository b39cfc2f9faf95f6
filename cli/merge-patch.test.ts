import { strict as assert } from 'node:assert';
import { LAST_APPLIED, lastAppliedOf, threeWayMergePatch, withLastApplied } from './merge-patch';

describe('cli three-way merge patch', () => {
  const cases: { name: string; original: any; modified: any; current: any; patch: any }[] = [
    { name: 'no change', original: { a: 1 }, modified: { a: 1 }, current: { a: 1, b: 2 }, patch: {} },
    { name: 'changed scalar', original: { a: 1 }, modified: { a: 2 }, current: { a: 1 }, patch: { a: 2 } },
    { name: 'field removed from config is deleted', original: { a: 1, b: 2 }, modified: { a: 1 }, current: { a: 1, b: 2 }, patch: { b: null } },
    { name: 'field removed from config but already gone', original: { a: 1, b: 2 }, modified: { a: 1 }, current: { a: 1 }, patch: {} },
    { name: 'field set by others is kept', original: { a: 1 }, modified: { a: 1 }, current: { a: 1, status: { x: 1 } }, patch: {} },
    { name: 'live drift from config is reverted', original: { a: 1 }, modified: { a: 1 }, current: { a: 5 }, patch: { a: 1 } },
    {
      name: 'nested removal and change',
      original: { spec: { replicas: 3, paused: false, selector: { app: 'w' } } },
      modified: { spec: { replicas: 5, selector: { app: 'w' } } },
      current: { spec: { replicas: 3, paused: false, selector: { app: 'w' }, revisionHistoryLimit: 10 } },
      patch: { spec: { replicas: 5, paused: null } },
    },
    { name: 'no original (object created by someone else)', original: undefined, modified: { a: 1 }, current: { a: 1, b: 2 }, patch: {} },
    { name: 'new nested object', original: {}, modified: { m: { x: 1 } }, current: {}, patch: { m: { x: 1 } } },
    { name: 'explicit null deletes', original: { a: 1 }, modified: { a: null }, current: { a: 1 }, patch: { a: null } },
    {
      name: 'list with server defaults inside elements is unchanged',
      original: { c: [{ name: 'web', image: 'k8ts/web:1.0' }] },
      modified: { c: [{ name: 'web', image: 'k8ts/web:1.0' }] },
      current: { c: [{ name: 'web', image: 'k8ts/web:1.0', imagePullPolicy: 'IfNotPresent' }] },
      patch: {},
    },
    {
      name: 'list element changed is sent whole',
      original: { c: [{ name: 'web', image: 'k8ts/web:1.0' }] },
      modified: { c: [{ name: 'web', image: 'k8ts/web:2.0' }] },
      current: { c: [{ name: 'web', image: 'k8ts/web:1.0', imagePullPolicy: 'IfNotPresent' }] },
      patch: { c: [{ name: 'web', image: 'k8ts/web:2.0' }] },
    },
    {
      name: 'field removed inside a list element replaces the list',
      original: { c: [{ name: 'web', args: ['-v'] }] },
      modified: { c: [{ name: 'web' }] },
      current: { c: [{ name: 'web', args: ['-v'] }] },
      patch: { c: [{ name: 'web' }] },
    },
    { name: 'list length changed', original: { p: [1] }, modified: { p: [1, 2] }, current: { p: [1] }, patch: { p: [1, 2] } },
    { name: 'type change object to scalar', original: { a: { b: 1 } }, modified: { a: 3 }, current: { a: { b: 1 } }, patch: { a: 3 } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(threeWayMergePatch(c.original, c.modified, c.current), c.patch));

  it('records the configuration in the last-applied annotation without itself', () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { team: 'a', [LAST_APPLIED]: 'old' } }, data: { k: 'v' } };
    const sent = withLastApplied(config);
    const recorded = lastAppliedOf(sent);
    assert.deepEqual(recorded, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { team: 'a' } }, data: { k: 'v' } });
    assert.equal(config.metadata.annotations[LAST_APPLIED], 'old', 'input not mutated');
    assert.equal(sent.metadata.annotations?.team, 'a');
  });

  it('applying the same configuration twice yields an empty patch; removing a label deletes it', () => {
    const v1 = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { k: 'v' } };
    const live: any = { ...withLastApplied(v1), metadata: { ...withLastApplied(v1).metadata, uid: 'u', resourceVersion: '5' } };
    assert.deepEqual(threeWayMergePatch(lastAppliedOf(live), withLastApplied(v1) as any, live), {});
    const v2 = { ...v1, metadata: { name: 'c', labels: { a: '1' } } };
    const p: any = threeWayMergePatch(lastAppliedOf(live), withLastApplied(v2) as any, live);
    assert.deepEqual(p.metadata.labels, { b: null });
    assert.deepEqual(JSON.parse(p.metadata.annotations[LAST_APPLIED]), v2);
    assert.equal(lastAppliedOf({ metadata: { annotations: { [LAST_APPLIED]: 'not json' } } }), undefined);
  });
});
