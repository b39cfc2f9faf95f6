import assert from 'node:assert/strict';
import { convertForwardPorts, kubeletPath, nodeProxyTarget, pickContainer } from './target';

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

  it('passes port-forward ports on one value each, as kube-apiserver converts them', () => {
    const t = { kind: 'pod' as const, sub: 'portforward' as const, namespace: 'ns', name: 'p' };
    assert.equal(kubeletPath(t, '', new URLSearchParams('ports=8080')), '/portForward/ns/p?ports=8080');
    assert.equal(kubeletPath(t, '', new URLSearchParams('ports=80,443&ports=8080&container=x')), '/portForward/ns/p?ports=80&ports=443&ports=8080');
    assert.equal(kubeletPath(t, '', new URLSearchParams('')), '/portForward/ns/p');
    assert.deepEqual(convertForwardPorts(['80,443', '0']), [80, 443, 0]);
    assert.equal(convertForwardPorts(['http']), 'cannot convert to []int32: strconv.ParseUint: parsing "http": invalid syntax');
    assert.equal(convertForwardPorts(['80,']), 'cannot convert to []int32: strconv.ParseUint: parsing "": invalid syntax');
    assert.equal(convertForwardPorts(['70000']), 'cannot convert to []int32: strconv.ParseUint: parsing "70000": value out of range');
  });

  it('picks the only container or requires a name', () => {
    assert.deepEqual(pickContainer(['a'], null, 'p'), { container: 'a' });
    assert.match(pickContainer(['a', 'b'], null, 'p').error!, /choose one of: \[a b\]/);
    assert.deepEqual(pickContainer(['a'], 'side', 'p', ['side']), { container: 'side' }, 'an init container (a sidecar) can be named');
    assert.deepEqual(pickContainer(['a'], null, 'p', ['side']), { container: 'a' }, 'the default is among the app containers');
    assert.match(pickContainer(['a'], 'z', 'p').error!, /not valid/);
  });
});
