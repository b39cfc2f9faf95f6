import { strict as assert } from 'node:assert';
import type { KObject } from '../../lib/api/types';
import type { ResourceDef } from '../registry/types';
import { columnDefinitions, humanAge, parseIncludeObject, toTable } from './table';

const def = (over: Partial<ResourceDef> = {}): ResourceDef => ({
  group: 'apps', version: 'v1', apiVersion: 'apps/v1', kind: 'Deployment', listKind: 'DeploymentList', resource: 'deployments',
  singular: 'deployment', shortNames: ['deploy'], categories: ['all'], namespaced: true, verbs: ['get'], subresources: ['scale'],
  printerColumns: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Ready', type: 'string', priority: 0, description: 'ready' },
    { name: 'Images', type: 'string', priority: 1 },
  ],
  printRow: (o) => [o.metadata.name, '1/1', 'img'],
  fieldSelectors: {},
  ...over,
});
const obj: KObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', resourceVersion: '7' }, spec: { replicas: 1 } };

describe('server-side tables', () => {
  it('builds column definitions with formats and priorities', () => {
    assert.deepEqual(columnDefinitions(def()), [
      { name: 'Name', type: 'string', format: 'name', description: '', priority: 0 },
      { name: 'Ready', type: 'string', format: '', description: 'ready', priority: 0 },
      { name: 'Images', type: 'string', format: '', description: '', priority: 1 },
    ]);
  });
  it('rows carry PartialObjectMetadata by default', () => {
    const t = toTable(def(), [obj], 'Metadata', { resourceVersion: '9' });
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.metadata, { resourceVersion: '9' });
    assert.deepEqual(t.rows, [{ cells: ['web', '1/1', 'img'], object: { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: obj.metadata } }]);
  });
  it('a v1beta1 Table carries v1beta1 PartialObjectMetadata rows', () => {
    const t = toTable(def(), [obj], 'Metadata', {}, true, 'v1beta1');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1beta1');
    assert.deepEqual(t.rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1', metadata: obj.metadata });
  });
  const includes: [string | null, string][] = [[null, 'Metadata'], ['Object', 'Object'], ['None', 'None'], ['bogus', 'Metadata']];
  for (const [q, want] of includes) it(`includeObject=${q} → ${want}`, () => assert.equal(parseIncludeObject(q), want));
  it('includeObject=Object and None', () => {
    assert.deepEqual(toTable(def(), [obj], 'Object').rows[0].object, obj);
    assert.equal('object' in toTable(def(), [obj], 'None').rows[0], false);
  });
  it('falls back to Name/Age without printer columns', () => {
    const created = new Date(Date.now() - 90_000).toISOString();
    const t = toTable(def({ printerColumns: [] }), [{ metadata: { name: 'x', creationTimestamp: created } }], 'None');
    assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Age']);
    assert.deepEqual(t.rows[0].cells, ['x', '90s']);
  });
  it('survives a throwing printRow', () => {
    const t = toTable(def({ printRow: () => { throw new Error('boom'); } }), [obj], 'None');
    assert.deepEqual(t.rows[0].cells, ['web', '<error>', '<error>']);
  });
  const ages: [number, string][] = [[5, '5s'], [119, '119s'], [150, '2m30s'], [600, '10m'], [3 * 3600, '3h'], [3 * 3600 + 600, '3h10m'], [3 * 86400, '3d'], [800 * 86400, '2y']];
  for (const [s, want] of ages) it(`age ${s}s → ${want}`, () => assert.equal(humanAge(new Date(1_000_000_000_000 - s * 1000).toISOString(), 1_000_000_000_000), want));
});
