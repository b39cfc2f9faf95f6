import { strict as assert } from 'node:assert';
import type { KObject } from '../../lib/api/types';
import { asPartialObjectMetadata, asPartialObjectMetadataList, partialMetadataMismatch } from './partial-metadata';

const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '5', labels: { a: 'b' } }, spec: { containers: [] } };

describe('metadata-only answers', () => {
  it('an object keeps its whole metadata and nothing else', () => {
    const out = asPartialObjectMetadata(pod, 'v1');
    assert.equal(JSON.stringify(out), JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata }));
  });
  it('a list keeps the list metadata; items are PartialObjectMetadata of the version asked', () => {
    const out = asPartialObjectMetadataList({ metadata: { resourceVersion: '9', continue: 'c' }, items: [pod] }, 'v1beta1');
    assert.equal(
      JSON.stringify(out),
      JSON.stringify({
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1beta1',
        metadata: { resourceVersion: '9', continue: 'c' },
        items: [{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1', metadata: pod.metadata }],
      }),
    );
    assert.deepEqual(asPartialObjectMetadataList({ metadata: { resourceVersion: '1' }, items: [] }, 'v1').items, []);
  });
  const mismatches: [string, 'PartialObjectMetadata' | 'PartialObjectMetadataList' | undefined, boolean, { group: string; kind: string }, string | undefined][] = [
    ['object form on a list', 'PartialObjectMetadata', true, { group: '', kind: 'Pod' }, 'you requested PartialObjectMetadata, but the requested object is a list (*core.PodList)'],
    ['list form on an object', 'PartialObjectMetadataList', false, { group: 'apps', kind: 'Deployment' }, 'you requested PartialObjectMetadataList, but the requested object is not a list (*apps.Deployment)'],
    ['list form on a list', 'PartialObjectMetadataList', true, { group: 'discovery.k8s.io', kind: 'EndpointSlice' }, undefined],
    ['object form on an object', 'PartialObjectMetadata', false, { group: '', kind: 'Pod' }, undefined],
    ['no transform', undefined, true, { group: '', kind: 'Pod' }, undefined],
  ];
  for (const [name, kind, isList, def, want] of mismatches) {
    it(name, () => {
      const e = partialMetadataMismatch(def, kind ? { kind, version: 'v1' } : undefined, isList);
      assert.equal(e?.status.message, want);
      if (e) assert.equal(e.code, 406);
    });
  }
});
