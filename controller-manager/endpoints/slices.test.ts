import assert from 'node:assert/strict';
import type { Service } from '../../lib/api/types';
import { desiredSlices, sliceName, sliceUpToDate, SERVICE_NAME_LABEL } from './slices';

const svc: Service = { metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };

describe('endpoint slices from subsets', () => {
  it('one slice per subset, ready and not-ready endpoints, unnamed ports as ""', () => {
    const [s, ...rest] = desiredSlices(svc, [{
      addresses: [{ ip: '10.244.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', name: 'a' } }],
      notReadyAddresses: [{ ip: '10.244.0.3' }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
    assert.equal(rest.length, 0);
    assert.equal(s.metadata.name, sliceName(svc, 0));
    assert.match(s.metadata.name!, /^web-[0-9a-f]{5}$/);
    assert.equal(s.metadata.labels![SERVICE_NAME_LABEL], 'web');
    assert.equal(s.metadata.labels!.app, 'web');
    assert.deepEqual(s.metadata.ownerReferences!.map((r) => [r.kind, r.uid, r.controller]), [['Service', 'u1', true]]);
    assert.deepEqual(s.endpoints, [
      { addresses: ['10.244.0.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1', targetRef: { kind: 'Pod', name: 'a' } },
      { addresses: ['10.244.0.3'], conditions: { ready: false, serving: false, terminating: false } },
    ]);
    assert.deepEqual(s.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
  });

  it('a service without endpoints still has one empty slice; names are stable', () => {
    const [s] = desiredSlices(svc, []);
    assert.deepEqual(s.endpoints, []);
    assert.equal(s.ports, undefined);
    assert.equal(sliceName(svc, 0), s.metadata.name);
    assert.notEqual(sliceName(svc, 1), s.metadata.name);
  });

  it('up to date ignores server-set metadata, notices endpoint changes', () => {
    const [want] = desiredSlices(svc, [{ addresses: [{ ip: '10.244.0.2' }], ports: [{ port: 80 }] }]);
    const stored = { ...want, metadata: { ...want.metadata, uid: 'x', resourceVersion: '5' } };
    assert.equal(sliceUpToDate(stored, want), true);
    const [moved] = desiredSlices(svc, [{ addresses: [{ ip: '10.244.0.9' }], ports: [{ port: 80 }] }]);
    assert.equal(sliceUpToDate(stored, moved), false);
  });
});
