import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { admitDefaultStorageClass, pickDefaultClass } from './default-storage-class';

const sc = (name: string, def: string | undefined, created: string, beta = false): KObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name, creationTimestamp: created, annotations: def === undefined ? {} : { [beta ? 'storageclass.beta.kubernetes.io/is-default-class' : 'storageclass.kubernetes.io/is-default-class']: def } },
});
const claim = (storageClassName?: string | null, annotations?: Record<string, string>): KObject =>
  ({ metadata: { name: 'c', namespace: 'ns', annotations }, spec: storageClassName === undefined ? {} : { storageClassName } }) as KObject;
const classOf = (c: KObject) => (c as unknown as { spec: { storageClassName?: string | null } }).spec.storageClassName;

describe('DefaultStorageClass admission', () => {
  const classes = [sc('slow', undefined, '2026-01-01T00:00:00Z'), sc('old', 'true', '2026-01-01T00:00:00Z'), sc('new', 'true', '2026-02-01T00:00:00Z'), sc('off', 'false', '2026-03-01T00:00:00Z')];

  it('picks the newest default class; "false" and unmarked classes are not defaults', () => {
    assert.equal(pickDefaultClass(classes)?.metadata.name, 'new');
    assert.equal(pickDefaultClass([sc('b', 'true', '2026-01-01T00:00:00Z'), sc('a', 'true', '2026-01-01T00:00:00Z')])?.metadata.name, 'a');
    assert.equal(pickDefaultClass([sc('beta', 'true', '2026-01-01T00:00:00Z', true)])?.metadata.name, 'beta');
    assert.equal(pickDefaultClass([sc('x', 'false', '2026-01-01T00:00:00Z')]), undefined);
  });

  const cases: [string, KObject, KObject[], string | null | undefined][] = [
    ['unset gets the default', claim(), classes, 'new'],
    ['null gets the default', claim(null), classes, 'new'],
    ['"" asks for no class and keeps it', claim(''), classes, ''],
    ['a named class is kept', claim('slow'), classes, 'slow'],
    ['no default: unchanged', claim(), [sc('slow', undefined, '2026-01-01T00:00:00Z')], undefined],
    ['the beta class annotation wins', claim(undefined, { 'volume.beta.kubernetes.io/storage-class': 'slow' }), classes, undefined],
  ];
  for (const [title, c, list, want] of cases) {
    it(title, () => {
      admitDefaultStorageClass(c, list);
      assert.equal(classOf(c), want);
    });
  }
});
