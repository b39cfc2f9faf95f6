import assert from 'node:assert/strict';
import type { Service } from '../../lib/api/types';
import { mkPod } from '../../test/fixtures/controller-manager/objects';
import { computeSubsets, resolveTargetPort } from './compute';

const svc = (ports: Service['spec']['ports'], selector: Record<string, string> | undefined = { app: 'web' }): Service => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector, ports },
});

describe('endpoints computation', () => {
  const pod = mkPod('p', 'ready');
  const cases: [number | string | undefined, number, number | undefined][] = [
    [undefined, 80, 80], [8080, 80, 8080], ['8080', 80, 8080], ['http', 80, 8080], ['nope', 80, undefined],
  ];
  for (const [target, port, want] of cases) it(`targetPort ${target} (port ${port}) → ${want}`, () => assert.equal(resolveTargetPort(target, port, pod), want));

  it('ready pods in addresses, not-ready in notReadyAddresses, others excluded', () => {
    const ready = mkPod('a', 'ready', { ip: '10.244.0.2' });
    const notReady = mkPod('b', 'notready', { ip: '10.244.0.3' });
    const pending = mkPod('c', 'pending'); // no IP yet
    const terminating = mkPod('d', 'ready', { ip: '10.244.0.4' });
    terminating.metadata.deletionTimestamp = 'x';
    const other = mkPod('e', 'ready', { ip: '10.244.0.5', labels: { app: 'db' } });
    const subsets = computeSubsets(svc([{ name: 'http', port: 80, targetPort: 'http' }]), [notReady, ready, pending, terminating, other]);
    assert.deepEqual(subsets, [{
      addresses: [{ ip: '10.244.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
      notReadyAddresses: [{ ip: '10.244.0.3', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
  });

  it('pods resolving named ports differently get separate subsets', () => {
    const a = mkPod('a', 'ready', { ip: '10.244.0.2' });
    const b = mkPod('b', 'ready', { ip: '10.244.0.3' });
    b.spec.containers[0].ports = [{ name: 'http', containerPort: 9090 }];
    const subsets = computeSubsets(svc([{ port: 80, targetPort: 'http' }]), [a, b]);
    assert.deepEqual(subsets.map((s) => [s.ports![0].port, s.addresses!.map((x) => x.ip)]), [[8080, ['10.244.0.2']], [9090, ['10.244.0.3']]]);
  });

  it('no selected pods → empty subsets', () => {
    assert.deepEqual(computeSubsets(svc([{ port: 80 }]), []), []);
    assert.deepEqual(computeSubsets(svc([{ port: 80 }], {}), [mkPod('a', 'ready')]), []);
  });
});
