import assert from 'node:assert/strict';
import type { Pod, Service } from '../../lib/api/types';
import { mkPod } from '../../test/fixtures/controller-manager/objects';
import { HEADLESS_LABEL } from './compute';
import { desiredSlices, sliceEndpoint, sliceName, sliceUpToDate, SERVICE_NAME_LABEL } from './slices';

const mkSvc = (spec: Partial<Service['spec']> = {}): Service => ({
  metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }], clusterIP: '10.96.0.20', ...spec },
});
const svc = mkSvc();

function pod(name: string, ip: string, ready: boolean, terminating = false): Pod {
  const p = mkPod(name, ready ? 'ready' : 'notready', { ip });
  if (terminating) p.metadata.deletionTimestamp = '2024-01-01T00:01:00Z';
  return p;
}

describe('endpoint slices from pods', () => {
  it('one slice per port set, endpoints sorted by IP, unnamed ports as ""', () => {
    const [s, ...rest] = desiredSlices(svc, [pod('b', '10.244.0.3', false), pod('a', '10.244.0.2', true)]);
    assert.equal(rest.length, 0);
    assert.equal(s.metadata.name, sliceName(svc, 0));
    assert.match(s.metadata.name!, /^web-[0-9a-f]{5}$/);
    assert.deepEqual(s.metadata.labels, { app: 'web', [SERVICE_NAME_LABEL]: 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(s.metadata.ownerReferences!.map((r) => [r.kind, r.uid, r.controller]), [['Service', 'u1', true]]);
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.endpoints, [
      { addresses: ['10.244.0.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
      { addresses: ['10.244.0.3'], conditions: { ready: false, serving: false, terminating: false }, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
    ]);
    assert.deepEqual(s.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
  });

  // Upstream's conditions: [case, publishNotReadyAddresses, pod ready, pod terminating, ready, serving, terminating].
  const conditions: [string, boolean, boolean, boolean, boolean, boolean, boolean][] = [
    ['ready pod', false, true, false, true, true, false],
    ['not-ready pod', false, false, false, false, false, false],
    ['ready pod being deleted: serving, never ready', false, true, true, false, true, true],
    ['not-ready pod being deleted', false, false, true, false, false, true],
    ['publishNotReadyAddresses, not-ready pod: ready', true, false, false, true, false, false],
    ['publishNotReadyAddresses, ready pod being deleted: ready', true, true, true, true, true, true],
    ['publishNotReadyAddresses, not-ready pod being deleted: ready', true, false, true, true, false, true],
  ];
  for (const [name, publish, podReady, terminating, ready, serving, term] of conditions) {
    it(`conditions: ${name}`, () => {
      const [s] = desiredSlices(mkSvc({ publishNotReadyAddresses: publish }), [pod('a', '10.244.0.2', podReady, terminating)]);
      assert.deepEqual(s.endpoints.map((e) => e.conditions), [{ ready, serving, terminating: term }]);
    });
  }

  // Pods a slice leaves out whatever the Service says: [case, pod].
  const excluded: [string, () => Pod][] = [
    ['no IP yet', () => mkPod('a', 'pending')],
    ['Succeeded', () => ({ ...pod('a', '10.244.0.2', false), status: { phase: 'Succeeded', podIP: '10.244.0.2' } })],
    ['Failed, even while being deleted', () => ({ ...pod('a', '10.244.0.2', false, true), status: { phase: 'Failed', podIP: '10.244.0.2' } })],
    ['not selected', () => mkPod('a', 'ready', { ip: '10.244.0.2', labels: { app: 'db' } })],
  ];
  for (const [name, make] of excluded) {
    for (const publish of [false, true]) {
      it(`left out: ${name} (publishNotReadyAddresses ${publish})`, () => {
        const slices = desiredSlices(mkSvc({ publishNotReadyAddresses: publish }), [make()]);
        assert.deepEqual(slices.map((s) => s.endpoints), [[]]);
      });
    }
  }

  // [case, hostname, subdomain, zone label of the pod's node, hostname on the endpoint, zone on the endpoint].
  const identity: [string, string | undefined, string | undefined, string | undefined, string | undefined, string | undefined][] = [
    ['StatefulSet pod of the governing Service', 'web-0', 'web', undefined, 'web-0', undefined],
    ['subdomain of another Service', 'web-0', 'db', undefined, undefined, undefined],
    ['node with a zone', undefined, undefined, 'zone-a', undefined, 'zone-a'],
    ['both', 'web-1', 'web', 'zone-b', 'web-1', 'zone-b'],
  ];
  for (const [name, hostname, subdomain, zone, wantHost, wantZone] of identity) {
    it(`hostname and zone: ${name}`, () => {
      const p = pod('a', '10.244.0.2', true);
      if (hostname) p.spec.hostname = hostname;
      if (subdomain) p.spec.subdomain = subdomain;
      const e = sliceEndpoint(svc, p, (node) => (node === 'node-1' ? zone : undefined));
      assert.equal(e.hostname, wantHost);
      assert.equal(e.zone, wantZone);
      assert.equal(e.nodeName, 'node-1');
    });
  }

  it('a headless Service: the headless label, and portless endpoints when it has no ports', () => {
    const [s] = desiredSlices(mkSvc({ clusterIP: 'None', ports: [] }), [pod('a', '10.244.0.2', true)]);
    assert.equal(s.metadata.labels![HEADLESS_LABEL], '');
    assert.equal(s.ports, undefined);
    assert.deepEqual(s.endpoints.map((e) => e.addresses), [['10.244.0.2']]);
  });

  it('pods resolving named ports differently get separate slices with stable names', () => {
    const b = pod('b', '10.244.0.3', true);
    b.spec.containers[0].ports = [{ name: 'http', containerPort: 9090 }];
    const slices = desiredSlices(svc, [b, pod('a', '10.244.0.2', true)]);
    assert.deepEqual(slices.map((s) => [s.metadata.name, s.ports![0].port, s.endpoints.map((e) => e.addresses[0])]), [
      [sliceName(svc, 0), 8080, ['10.244.0.2']],
      [sliceName(svc, 1), 9090, ['10.244.0.3']],
    ]);
  });

  it('ports keep the service port\'s name, protocol and appProtocol', () => {
    const [s] = desiredSlices(mkSvc({ ports: [{ name: 'web', port: 80, targetPort: 'http', appProtocol: 'http' }, { name: 'dns', port: 53, protocol: 'UDP' }] }), [pod('a', '10.244.0.2', true)]);
    assert.deepEqual(s.ports, [{ name: 'web', port: 8080, protocol: 'TCP', appProtocol: 'http' }, { name: 'dns', port: 53, protocol: 'UDP' }]);
  });

  it('a service without endpoints still has one empty slice; names are stable', () => {
    const [s] = desiredSlices(svc, []);
    assert.deepEqual(s.endpoints, []);
    assert.equal(s.ports, undefined);
    assert.equal(sliceName(svc, 0), s.metadata.name);
    assert.notEqual(sliceName(svc, 1), s.metadata.name);
  });

  it('up to date ignores server-set metadata, notices endpoint changes', () => {
    const [want] = desiredSlices(svc, [pod('a', '10.244.0.2', true)]);
    const stored = { ...want, metadata: { ...want.metadata, uid: 'x', resourceVersion: '5' } };
    assert.equal(sliceUpToDate(stored, want), true);
    const [moved] = desiredSlices(svc, [pod('a', '10.244.0.9', true)]);
    assert.equal(sliceUpToDate(stored, moved), false);
    const [deleting] = desiredSlices(svc, [pod('a', '10.244.0.2', true, true)]);
    assert.equal(sliceUpToDate(stored, deleting), false);
  });
});
