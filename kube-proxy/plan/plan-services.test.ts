import assert from 'node:assert/strict';
import type { EndpointSlice, SliceEndpoint } from '../../lib/api/endpoint-slice';
import type { Service } from '../../lib/api/types';
import { planServices } from './plan-services';
import { usedEndpoints, type ServicePortPlan } from './types';

const svc = (name: string, spec: Partial<Service['spec']>, status?: Service['status'], ns = 'default'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: ns, name },
  spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }], ...spec },
  ...(status ? { status } : {}),
});

const slice = (name: string, service: string, endpoints: SliceEndpoint[], opts: Partial<EndpointSlice> & { ns?: string } = {}): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { namespace: opts.ns ?? 'default', name, labels: { 'kubernetes.io/service-name': service } },
  addressType: opts.addressType ?? 'IPv4',
  ports: opts.ports ?? [{ name: 'http', protocol: 'TCP', port: 8080 }],
  endpoints,
});

const ep = (ip: string, conditions: SliceEndpoint['conditions'] = {}, nodeName = 'n2'): SliceEndpoint => ({ addresses: [ip], conditions, nodeName });

function plan(services: Service[], slices: EndpointSlice[] = []) {
  return planServices({ services, endpointSlices: slices, nodeName: 'n1' });
}
const only = (services: Service[], slices: EndpointSlice[] = []): ServicePortPlan => {
  const p = plan(services, slices);
  assert.equal(p.servicePorts.length, 1, JSON.stringify(p));
  return p.servicePorts[0];
};
const ips = (eps: { endpoint: string }[]) => eps.map((e) => e.endpoint);

describe('kube-proxy planServices', () => {
  it('joins slices by the service-name label in the Service namespace, IPv4 only', () => {
    const sp = only(
      [svc('web', {})],
      [
        slice('web-a', 'web', [ep('10.244.1.5')]),
        slice('web-other-ns', 'web', [ep('10.244.1.6')], { ns: 'other' }),
        slice('web-v6', 'web', [ep('fd00::5')], { addressType: 'IPv6' }),
        slice('api-a', 'api', [ep('10.244.1.7')]),
        { ...slice('unlabelled', 'web', [ep('10.244.1.8')]), metadata: { namespace: 'default', name: 'unlabelled' } },
      ],
    );
    assert.deepEqual(ips(sp.allEndpoints), ['10.244.1.5:8080']);
    assert.equal(sp.name, 'default/web:http');
    assert.equal(sp.protocol, 'tcp');
  });

  it('matches slice ports to service ports by name and protocol', () => {
    const dns = svc('dns', {
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53 },
      ],
    });
    const ports = [
      { name: 'dns', protocol: 'UDP' as const, port: 5353 },
      { name: 'dns-tcp', protocol: 'TCP' as const, port: 5354 },
      { name: 'dns', protocol: 'TCP' as const, port: 9999 },
    ];
    const p = plan([dns], [slice('dns-a', 'dns', [ep('10.244.0.2')], { ports })]);
    assert.deepEqual(
      p.servicePorts.map((s) => [s.name, s.protocol, ips(s.allEndpoints)]),
      [
        ['default/dns:dns', 'udp', ['10.244.0.2:5353']],
        ['default/dns:dns-tcp', 'tcp', ['10.244.0.2:5354']],
      ],
    );
    // An unnamed port matches the slice's unnamed port; a slice port without a number serves nothing.
    const single = svc('single', { ports: [{ port: 80 }] });
    assert.deepEqual(ips(only([single], [slice('s', 'single', [ep('10.244.0.3')], { ports: [{ port: 8080 }] })]).allEndpoints), ['10.244.0.3:8080']);
    assert.deepEqual(only([single], [slice('s', 'single', [ep('10.244.0.3')], { ports: [{ name: '' }] })]).allEndpoints, []);
  });

  const conditionCases: [string, SliceEndpoint['conditions'], { ready: boolean; serving: boolean; terminating: boolean }][] = [
    ['all nil', {}, { ready: true, serving: true, terminating: false }],
    ['conditions absent', undefined, { ready: true, serving: true, terminating: false }],
    ['ready false, serving nil', { ready: false }, { ready: false, serving: false, terminating: false }],
    ['terminating and serving', { ready: false, serving: true, terminating: true }, { ready: false, serving: true, terminating: true }],
    ['null values', { ready: null, serving: null, terminating: null }, { ready: true, serving: true, terminating: false }],
  ];
  for (const [name, conditions, want] of conditionCases) {
    it(`reads endpoint conditions: ${name}`, () => {
      const e = only([svc('web', {})], [slice('w', 'web', [{ addresses: ['10.244.1.5'], ...(conditions ? { conditions } : {}) }])]).allEndpoints[0];
      assert.deepEqual({ ready: e.ready, serving: e.serving, terminating: e.terminating }, want);
    });
  }

  const term = { ready: false, serving: true, terminating: true };
  const gone = { ready: false, serving: false, terminating: true };
  const notReady = { ready: false, serving: false, terminating: false };
  const choiceCases: [string, SliceEndpoint[], string[], string[]][] = [
    ['ready ones only', [ep('10.244.1.1'), ep('10.244.1.2', term), ep('10.244.1.3', notReady)], ['10.244.1.1:8080'], []],
    ['no ready: serving terminating ones', [ep('10.244.1.2', term), ep('10.244.1.3', gone), ep('10.244.1.4', notReady)], ['10.244.1.2:8080'], []],
    ['nothing usable', [ep('10.244.1.3', gone), ep('10.244.1.4', notReady)], [], []],
    ['local ready', [ep('10.244.0.1', {}, 'n1'), ep('10.244.1.1')], ['10.244.0.1:8080', '10.244.1.1:8080'], ['10.244.0.1:8080']],
    // Chosen apart: the node's only endpoint is terminating while others are ready elsewhere.
    ['local falls back alone', [ep('10.244.0.1', term, 'n1'), ep('10.244.1.1')], ['10.244.1.1:8080'], ['10.244.0.1:8080']],
    ['local not serving', [ep('10.244.0.1', gone, 'n1'), ep('10.244.1.1')], ['10.244.1.1:8080'], []],
  ];
  for (const [name, eps, cluster, local] of choiceCases) {
    it(`chooses endpoints: ${name}`, () => {
      const sp = only([svc('web', {})], [slice('w', 'web', eps)]);
      assert.deepEqual(ips(sp.clusterEndpoints), cluster);
      assert.deepEqual(ips(sp.localEndpoints), local);
      assert.equal(sp.allEndpoints.length, eps.length);
    });
  }

  it('counts an address found in several slices once, whatever the cache order', () => {
    const a = slice('web-a', 'web', [ep('10.244.1.5', {}, 'n1'), ep('10.244.1.9')]);
    const b = slice('web-b', 'web', [ep('10.244.1.5', notReady, 'n3'), ep('10.244.1.7')]);
    const one = only([svc('web', {})], [a, b]);
    assert.deepEqual(ips(one.allEndpoints), ['10.244.1.5:8080', '10.244.1.7:8080', '10.244.1.9:8080']);
    assert.equal(one.allEndpoints[0].local, true, 'the first slice by name wins');
    assert.deepEqual(only([svc('web', {})], [b, a]), one);
  });

  it('gives headless and ExternalName Services no rules at all', () => {
    const p = plan(
      [svc('headless', { clusterIP: 'None' }), svc('ext', { type: 'ExternalName', externalName: 'example.invalid', clusterIP: undefined }), svc('v6', { clusterIP: 'fd00::1' })],
      [slice('h', 'headless', [ep('10.244.1.5')])],
    );
    assert.deepEqual(p, { servicePorts: [], skipped: [] });
  });

  it('plans node ports only for NodePort and LoadBalancer, LB IPs only for LoadBalancer', () => {
    const ingress = { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { ip: '203.0.113.2' }, { ip: 'fd00::9' }, { hostname: 'lb.invalid' }, { ip: '203.0.113.7', ipMode: 'Proxy' }] } };
    const port = [{ name: 'http', protocol: 'TCP' as const, port: 80, nodePort: 30080 }];
    assert.equal(only([svc('c', { ports: port })]).nodePort, 0);
    assert.equal(only([svc('n', { type: 'NodePort', ports: port })]).nodePort, 30080);
    assert.deepEqual(only([svc('n', { type: 'NodePort', ports: port }, ingress)]).loadBalancerIPs, []);
    const lb = only([svc('lb', { type: 'LoadBalancer', ports: port }, ingress)]);
    assert.equal(lb.nodePort, 30080);
    assert.deepEqual(lb.loadBalancerIPs, ['203.0.113.2', '203.0.113.9']);
    // allocateLoadBalancerNodePorts false: no node port, the LB IP still works.
    assert.equal(only([svc('lb', { type: 'LoadBalancer' }, ingress)]).nodePort, 0);
  });

  it('keeps IPv4 external IPs, sorted and once each', () => {
    const sp = only([svc('web', { externalIPs: ['192.0.2.10', '192.0.2.9', 'fd00::1', '192.0.2.10', '1.2.3.4; rm', '010.1.1.1'] })]);
    assert.deepEqual(sp.externalIPs, ['192.0.2.9', '192.0.2.10']);
  });

  it('reads ClientIP affinity with its timeout (default 10800)', () => {
    assert.equal(only([svc('a', {})]).sessionAffinity, undefined);
    assert.equal(only([svc('a', { sessionAffinity: 'None' })]).sessionAffinity, undefined);
    assert.deepEqual(only([svc('a', { sessionAffinity: 'ClientIP' })]).sessionAffinity, { timeoutSeconds: 10800 });
    assert.deepEqual(only([svc('a', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })]).sessionAffinity, { timeoutSeconds: 60 });
  });

  it('reads the traffic policies as upstream: the external one only where outside traffic arrives', () => {
    const local = { externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local' };
    const c = only([svc('c', { ...local })]);
    assert.deepEqual([c.externalPolicyLocal, c.internalPolicyLocal], [false, true]);
    const n = only([svc('n', { ...local, type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] })]);
    assert.deepEqual([n.externalPolicyLocal, n.internalPolicyLocal], [true, true]);
    assert.equal(only([svc('e', { externalTrafficPolicy: 'Local', externalIPs: ['192.0.2.1'] })]).externalPolicyLocal, true);
  });

  it('plans the health check node port only for LoadBalancer with externalTrafficPolicy Local', () => {
    const base = { type: 'LoadBalancer' as const, healthCheckNodePort: 32000, ports: [{ name: 'http', port: 80, nodePort: 30080 }] };
    assert.equal(only([svc('l', { ...base, externalTrafficPolicy: 'Local' })]).healthCheckNodePort, 32000);
    assert.equal(only([svc('l', { ...base, externalTrafficPolicy: 'Cluster' })]).healthCheckNodePort, 0);
    assert.equal(only([svc('l', { ...base, type: 'NodePort', externalTrafficPolicy: 'Local' })]).healthCheckNodePort, 0);
  });

  it('leaves out what cannot be programmed, says why, and plans the rest', () => {
    const poison = (name: string, port: Record<string, unknown>) => svc(name, { type: 'NodePort', clusterIP: '10.96.0.77', ports: [port as never] });
    const good = svc('good', {});
    const bad: Service[] = [
      poison('quote', { name: 'a"b', port: 80 }),
      poison('newline', { name: 'x', port: '80\n-A INPUT -j DROP' }),
      poison('big', { port: 70000 }),
      poison('nodeport', { port: 80, nodePort: -1 }),
      poison('proto', { port: 80, protocol: 'ICMP' }),
      svc('Bad Name', { clusterIP: '10.96.0.78', ports: [{ port: 80 }] }),
      svc('not-a-port', { clusterIP: '10.96.0.79', ports: ['80' as never] }),
      svc('twice', { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }),
      svc('affinity', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: '1 --reap' as never } } }),
      svc('health', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 99999 }),
      { metadata: { namespace: 'default', name: 'nospec' } } as Service,
      null as never,
    ];
    const slices = [slice('g', 'good', [ep('10.244.1.5'), { addresses: ['10.244.1.6\n-A INPUT'] }, { addresses: [] } as never, null as never]), { ...slice('x', 'good', []), ports: [{ name: 'http', port: 'x' as never }] }];
    const p = plan([...bad, good], slices);
    assert.deepEqual(p.servicePorts.map((s) => s.name), ['default/good:http', 'default/twice:http']);
    assert.deepEqual(ips(p.servicePorts[0].allEndpoints), ['10.244.1.5:8080']);
    assert.deepEqual([...p.skipped].sort(), [
      'default/Bad Name: namespace or name is not a DNS name',
      'default/affinity: sessionAffinityConfig.clientIP.timeoutSeconds "1 --reap" is not between 1 and 86400',
      'default/big: port 70000 is not a port number',
      'default/health: healthCheckNodePort 99999 is not a port number',
      'default/newline: port "80\\n-A INPUT -j DROP" is not a port number',
      'default/nodeport: nodePort -1 is not a port number',
      'default/not-a-port: port is not an object',
      'default/proto: protocol "ICMP" is not TCP, UDP or SCTP',
      'default/quote: port name "a\\"b" is not a DNS label',
      'default/twice: port name "http" is used twice for tcp',
    ]);
  });

  it('is independent of input order', () => {
    const services = [svc('b', {}), svc('a', { ports: [{ name: 'z', port: 1 }, { name: 'y', port: 2 }] }), svc('c', {}, undefined, 'aa')];
    const slices = [slice('b1', 'b', [ep('10.244.1.2'), ep('10.244.1.1')]), slice('b2', 'b', [ep('10.244.1.3')])];
    const one = plan(services, slices);
    assert.deepEqual(plan([...services].reverse(), [...slices].reverse()), one);
    assert.deepEqual(one.servicePorts.map((s) => s.name), ['aa/c:http', 'default/a:y', 'default/a:z', 'default/b:http']);
  });

  it('feeds usedEndpoints: Local policies reach only this node, Cluster ones all', () => {
    const eps = [ep('10.244.0.1', {}, 'n1'), ep('10.244.1.1')];
    const iLocal = only([svc('i', { internalTrafficPolicy: 'Local' })], [slice('s', 'i', eps)]);
    assert.deepEqual(ips(usedEndpoints(iLocal)), ['10.244.0.1:8080']);
    const eLocal = only([svc('e', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] })], [slice('s', 'e', eps)]);
    assert.deepEqual(ips(usedEndpoints(eLocal)), ['10.244.0.1:8080', '10.244.1.1:8080']);
  });
});
