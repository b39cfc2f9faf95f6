import assert from 'node:assert/strict';
import type { Pod, Service } from '../../lib/api/types';
import { mkPod } from '../../test/fixtures/controller-manager/objects';
import { HEADLESS_LABEL, computeSubsets, endpointsLabels, resolveTargetPort, shouldSetHostname } from './compute';

const svc = (ports: Service['spec']['ports'], selector: Record<string, string> | undefined = { app: 'web' }, spec: Partial<Service['spec']> = {}): Service => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector, ports, clusterIP: '10.96.0.20', ...spec },
});

/** A pod in one of the states the rules tell apart; IPs follow the letter, so sorting is visible. */
function pod(name: string, state: 'ready' | 'notready' | 'pending' | 'terminating' | 'terminating-notready' | 'succeeded' | 'failed' | 'other-app'): Pod {
  const ip = `10.244.0.${name.charCodeAt(0) - 95}`;
  const base = state === 'notready' || state === 'terminating-notready' ? 'notready' : state === 'pending' ? 'pending' : 'ready';
  const p = mkPod(name, base, { ip, labels: state === 'other-app' ? { app: 'db' } : undefined });
  if (state.startsWith('terminating')) p.metadata.deletionTimestamp = '2024-01-01T00:01:00Z';
  if (state === 'succeeded') p.status!.phase = 'Succeeded';
  if (state === 'failed') p.status!.phase = 'Failed';
  return p;
}

const withName = (p: Pod, hostname?: string, subdomain?: string, namespace?: string): Pod => {
  if (hostname !== undefined) p.spec.hostname = hostname;
  if (subdomain !== undefined) p.spec.subdomain = subdomain;
  if (namespace !== undefined) p.metadata.namespace = namespace;
  return p;
};

describe('endpoints computation', () => {
  const cases: [number | string | undefined, number, number | undefined][] = [
    [undefined, 80, 80], [8080, 80, 8080], ['8080', 80, 8080], ['http', 80, 8080], ['nope', 80, undefined],
  ];
  for (const [target, port, want] of cases) it(`targetPort ${target} (port ${port}) → ${want}`, () => assert.equal(resolveTargetPort(target, port, mkPod('p', 'ready')), want));

  // Which pods land where: [case, publishNotReadyAddresses, pod states, addresses, notReadyAddresses].
  const placement: [string, boolean, Parameters<typeof pod>[1][], string[], string[]][] = [
    ['ready → addresses', false, ['ready'], ['a'], []],
    ['not ready → notReadyAddresses', false, ['notready'], [], ['a']],
    ['no IP yet → left out', false, ['pending'], [], []],
    ['terminating → left out', false, ['terminating'], [], []],
    ['terminating and not ready → left out', false, ['terminating-notready'], [], []],
    ['Succeeded → left out', false, ['succeeded'], [], []],
    ['Failed → left out', false, ['failed'], [], []],
    ['not selected → left out', false, ['other-app'], [], []],
    ['mixed, sorted by IP', false, ['notready', 'ready', 'pending', 'terminating', 'ready'], ['b', 'e'], ['a']],
    ['publishNotReadyAddresses: not ready → addresses', true, ['notready'], ['a'], []],
    ['publishNotReadyAddresses: terminating → addresses', true, ['terminating'], ['a'], []],
    ['publishNotReadyAddresses: terminating not ready → addresses', true, ['terminating-notready'], ['a'], []],
    ['publishNotReadyAddresses: still no pod without IP', true, ['pending'], [], []],
    ['publishNotReadyAddresses: still no terminal pod', true, ['succeeded', 'failed'], [], []],
  ];
  for (const [name, publish, states, addresses, notReady] of placement) {
    it(name, () => {
      const pods = states.map((s, i) => pod(String.fromCharCode(97 + i), s));
      const [subset, ...rest] = computeSubsets(svc([{ port: 80, targetPort: 'http' }], undefined, { publishNotReadyAddresses: publish }), pods);
      assert.equal(rest.length, 0);
      assert.deepEqual((subset?.addresses ?? []).map((a) => a.targetRef!.name), addresses);
      assert.deepEqual((subset?.notReadyAddresses ?? []).map((a) => a.targetRef!.name), notReady);
      if (subset) assert.deepEqual(subset.ports, [{ port: 8080, protocol: 'TCP' }]);
    });
  }

  it('the legacy tolerate-unready-endpoints annotation changes nothing (upstream reads only spec.publishNotReadyAddresses)', () => {
    const s = svc([{ port: 80 }]);
    s.metadata.annotations = { 'service.alpha.kubernetes.io/tolerate-unready-endpoints': 'true' };
    const [subset] = computeSubsets(s, [pod('a', 'notready'), pod('b', 'terminating')]);
    assert.equal(subset.addresses, undefined);
    assert.deepEqual(subset.notReadyAddresses!.map((a) => a.ip), ['10.244.0.2']);
  });

  it('an address carries ip, hostname, nodeName and a targetRef to the pod', () => {
    const [subset] = computeSubsets(svc([{ name: 'http', port: 80, targetPort: 'http' }]), [withName(pod('a', 'ready'), 'web-0', 'web')]);
    assert.deepEqual(subset, {
      addresses: [{ ip: '10.244.0.2', hostname: 'web-0', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
  });

  // [case, pod.spec.hostname, pod.spec.subdomain, pod namespace, hostname set].
  const hostnames: [string, string | undefined, string | undefined, string, boolean][] = [
    ['hostname and subdomain naming the Service', 'web-0', 'web', 'default', true],
    ['subdomain naming another Service', 'web-0', 'db', 'default', false],
    ['no subdomain', 'web-0', undefined, 'default', false],
    ['subdomain but no hostname', undefined, 'web', 'default', false],
    ['empty hostname', '', 'web', 'default', false],
    ['hostname that is no DNS label (the apiserver would reject the Endpoints)', 'Web_0', 'web', 'default', false],
    ['hostname of 64 characters', 'a'.repeat(64), 'web', 'default', false],
    ['hostname of 63 characters', 'a'.repeat(63), 'web', 'default', true],
    ['same names in another namespace', 'web-0', 'web', 'other', false],
  ];
  for (const [name, hostname, subdomain, namespace, want] of hostnames) {
    it(`hostname: ${name} → ${want ? 'set' : 'not set'}`, () => {
      const p = withName(pod('a', 'notready'), hostname, subdomain, namespace);
      assert.equal(shouldSetHostname(p, svc([{ port: 80 }])), want);
      if (namespace !== 'default') return; // not selected by the Service at all
      const [subset] = computeSubsets(svc([{ port: 80 }]), [p]);
      assert.equal(subset.notReadyAddresses![0].hostname, want ? hostname : undefined);
    });
  }

  it('endpoint ports keep the service port\'s name, protocol and appProtocol; unresolvable ones are dropped', () => {
    const [subset] = computeSubsets(svc([{ name: 'web', port: 80, targetPort: 'http', appProtocol: 'http' }, { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'x', port: 81, targetPort: 'nope' }]), [pod('a', 'ready')]);
    assert.deepEqual(subset.ports, [{ name: 'web', port: 8080, protocol: 'TCP', appProtocol: 'http' }, { name: 'dns', port: 53, protocol: 'UDP' }]);
  });

  it('pods resolving named ports differently get separate subsets', () => {
    const a = mkPod('a', 'ready', { ip: '10.244.0.2' });
    const b = mkPod('b', 'ready', { ip: '10.244.0.3' });
    b.spec.containers[0].ports = [{ name: 'http', containerPort: 9090 }];
    const subsets = computeSubsets(svc([{ port: 80, targetPort: 'http' }]), [a, b]);
    assert.deepEqual(subsets.map((s) => [s.ports![0].port, s.addresses!.map((x) => x.ip)]), [[8080, ['10.244.0.2']], [9090, ['10.244.0.3']]]);
  });

  // A Service without ports: [case, clusterIP, subsets].
  const portless: [string, string, number][] = [['headless: portless addresses', 'None', 1], ['with a cluster IP: nothing', '10.96.0.20', 0]];
  for (const [name, clusterIP, want] of portless) {
    it(`no ports, ${name}`, () => {
      const subsets = computeSubsets(svc([], undefined, { clusterIP }), [pod('a', 'ready')]);
      assert.equal(subsets.length, want);
      if (want) assert.deepEqual(subsets[0], { addresses: [{ ip: '10.244.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }] });
    });
  }

  it('no selected pods → empty subsets', () => {
    assert.deepEqual(computeSubsets(svc([{ port: 80 }]), []), []);
    assert.deepEqual(computeSubsets(svc([{ port: 80 }], {}), [mkPod('a', 'ready')]), []);
  });

  // [case, clusterIP, service labels, Endpoints labels].
  const labels: [string, string | undefined, Record<string, string>, Record<string, string>][] = [
    ['cluster IP: the Service labels', '10.96.0.20', { app: 'web' }, { app: 'web' }],
    ['headless: plus the headless label', 'None', { app: 'web' }, { app: 'web', [HEADLESS_LABEL]: '' }],
    ['no cluster IP yet counts as headless', undefined, {}, { [HEADLESS_LABEL]: '' }],
    ['a headless label on a Service with an IP is not copied', '10.96.0.20', { [HEADLESS_LABEL]: '' }, {}],
  ];
  for (const [name, clusterIP, svcLabels, want] of labels) {
    it(`labels: ${name}`, () => {
      const s = svc([{ port: 80 }], undefined, { clusterIP });
      s.metadata.labels = svcLabels;
      assert.deepEqual(endpointsLabels(s), want);
    });
  }
});
