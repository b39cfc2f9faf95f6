import assert from 'node:assert/strict';
import { INGRESS_FLAGS, ingressConfigFromFlags } from './config';

describe('ingress config', () => {
  const flags = (o: Partial<typeof INGRESS_FLAGS> = {}) => ({ ...INGRESS_FLAGS, kubeconfig: '/etc/k8ts/ingress.kubeconfig', ...o });

  it('has defaults that collide with no other component', () => {
    const c = ingressConfigFromFlags(flags({ nodeName: 'node-a' }));
    assert.deepEqual(
      [c.bindAddress, c.httpPort, c.httpsPort, c.health, c.metrics, c.controllerName, c.publishAddresses, c.election.identity, c.election.namespace, c.election.name, c.updateStatus],
      ['0.0.0.0', 80, 443, { host: '0.0.0.0', port: 10254 }, { host: '0.0.0.0', port: 10253 }, 'k8ts.io/ingress', [], 'node-a', 'kube-system', 'k8ts-ingress', true],
    );
  });

  it('takes ephemeral ports, no HTTPS and publish addresses', () => {
    const c = ingressConfigFromFlags(flags({ httpPort: 0, httpsPort: -1, publishAddress: ['192.0.2.7', 'lb.example.com'] }));
    assert.deepEqual([c.httpPort, c.httpsPort, c.publishAddresses], [0, -1, ['192.0.2.7', 'lb.example.com']]);
  });

  const bad: [string, Partial<typeof INGRESS_FLAGS>, RegExp][] = [
    ['no kubeconfig', { kubeconfig: '' }, /--kubeconfig is required/],
    ['bind address', { bindAddress: 'localhost' }, /--bind-address "localhost" is not an IP address/],
    ['port', { httpPort: 70000 }, /--http-port 70000 is not a port/],
    ['same ports', { httpPort: 8080, httpsPort: 8080 }, /both 8080/],
    ['controller name', { controllerName: 'ingress' }, /--controller-name "ingress" is not a domain-prefixed path/],
    ['timeout', { upstreamTimeoutMs: 0 }, /--upstream-timeout-ms/],
    ['publish address', { publishAddress: ['not an address!'] }, /--publish-address "not an address!"/],
  ];
  for (const [name, o, want] of bad) {
    it(`refuses a bad ${name}`, () => {
      assert.throws(() => ingressConfigFromFlags(flags(o)), (err: Error) => err.name === 'IngressConfigError' && want.test(err.message));
    });
  }
});
