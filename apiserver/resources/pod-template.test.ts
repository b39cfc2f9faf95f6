import assert from 'node:assert/strict';
import { defaultPodTemplate } from './pod-spec';

describe('pod template defaulting', () => {
  it('drops null metadata fields (kubectl rollout undo sends creationTimestamp: null) and defaults the spec', () => {
    const t: Record<string, any> = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0' }] } };
    defaultPodTemplate(t);
    assert.deepEqual(t.metadata, { labels: { app: 'web' } });
    assert.equal(t.spec.restartPolicy, 'Always');
    assert.equal(t.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  });

  it('drops a null metadata and ignores a missing template', () => {
    const t: Record<string, any> = { metadata: null, spec: {} };
    defaultPodTemplate(t);
    assert.equal('metadata' in t, false);
    assert.doesNotThrow(() => defaultPodTemplate(undefined));
  });
});
