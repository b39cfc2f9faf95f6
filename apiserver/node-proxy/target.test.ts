import assert from 'node:assert/strict';
import { kubeletPath, nodeProxyTarget, pickContainer } from './target';

describe('node proxy targets', () => {
  it('recognises pod streaming subresources and node proxy paths', () => {
    assert.deepEqual(nodeProxyTarget('/api/v1/namespaces/default/pods/web/exec'), { kind: 'pod', sub: 'exec', namespace: 'default', name: 'web' });
    assert.deepEqual(nodeProxyTarget('/api/v1/nodes/n1/proxy/stats/summary'), { kind: 'node', name: 'n1', path: '/stats/summary' });
    assert.equal(nodeProxyTarget('/api/v1/namespaces/default/pods/web/status'), undefined);
  });

  it('builds kubelet paths keeping only the relevant query', () => {
    const t = { kind: 'pod' as const, sub: 'log' as const, namespace: 'ns', name: 'p' };
    assert.equal(kubeletPath(t, 'c', new URLSearchParams('follow=true&container=c&tailLines=3')), '/containerLogs/ns/p/c?follow=true&tailLines=3');
    const e = { ...t, sub: 'exec' as const };
    assert.equal(kubeletPath(e, 'c', new URLSearchParams('command=ls&command=-l&stdout=true')), '/exec/ns/p/c?command=ls&command=-l&stdout=true');
  });

  it('picks the only container or requires a name', () => {
    assert.deepEqual(pickContainer(['a'], null, 'p'), { container: 'a' });
    assert.match(pickContainer(['a', 'b'], null, 'p').error!, /choose one of: \[a b\]/);
    assert.match(pickContainer(['a'], 'z', 'p').error!, /not valid/);
  });
});
