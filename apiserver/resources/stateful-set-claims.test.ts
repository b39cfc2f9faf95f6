import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { statefulsets } from './index';

const set = (volumeMounts: unknown[], volumes?: unknown[]): KObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      replicas: 1,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0', volumeMounts }], ...(volumes ? { volumes } : {}) } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  }) as KObject;

describe('StatefulSet validation with volumeClaimTemplates', () => {
  const errs = (o: KObject) => {
    statefulsets.defaults?.(o);
    return statefulsets.validate!(o).map((e) => `${e.field}: ${e.message}`);
  };
  it('a mount of a claim template is a known volume', () => assert.deepEqual(errs(set([{ name: 'data', mountPath: '/data' }])), []));
  it('a claim template replaces a pod volume of the same name', () => assert.deepEqual(errs(set([{ name: 'data', mountPath: '/data' }], [{ name: 'data', emptyDir: {} }])), []));
  it('a mount of neither is still refused', () => assert.deepEqual(errs(set([{ name: 'other', mountPath: '/o' }])), ['spec.template.spec.containers[0].volumeMounts[0].name: Not found: "other"']));
});

describe('StatefulSet rollingUpdate.maxUnavailable (behind a feature gate upstream keeps off)', () => {
  const withMax = (v: number | undefined): KObject => {
    const o = set([]);
    (o as any).spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0, ...(v === undefined ? {} : { maxUnavailable: v }) } };
    return o;
  };
  const max = (o: KObject) => (o as any).spec.updateStrategy.rollingUpdate.maxUnavailable;
  it('is dropped on create', () => {
    const o = withMax(2);
    statefulsets.prepareForCreate!(o);
    assert.equal(max(o), undefined);
  });
  it('is dropped on update unless the stored object already has it', () => {
    const fresh = withMax(2);
    statefulsets.prepareForUpdate!(fresh, withMax(undefined));
    assert.equal(max(fresh), undefined);
    const kept = withMax(3);
    statefulsets.prepareForUpdate!(kept, withMax(2));
    assert.equal(max(kept), 3);
  });
});
