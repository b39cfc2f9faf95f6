import assert from 'node:assert/strict';
import type { PlannedEndpoint, Protocol, ProxyPlan, ServicePortPlan } from '../plan/types';
import { conntrackDeleteArgs, staleConntrackEntries, type ConntrackEntry } from './stale';

const ep = (ip: string, cond: Partial<PlannedEndpoint> = {}): PlannedEndpoint => ({
  ip,
  port: 53,
  endpoint: `${ip}:53`,
  local: false,
  ready: true,
  serving: true,
  terminating: false,
  ...cond,
});

function dns(endpoints: PlannedEndpoint[], fields: Partial<ServicePortPlan> = {}, protocol: Protocol = 'udp'): ServicePortPlan {
  const used = endpoints.some((e) => e.ready) ? endpoints.filter((e) => e.ready) : endpoints.filter((e) => e.serving && e.terminating);
  return {
    name: 'kube-system/kube-dns:dns',
    namespace: 'kube-system',
    service: 'kube-dns',
    protocol,
    clusterIP: '10.96.0.10',
    port: 53,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    clusterEndpoints: used,
    localEndpoints: used.filter((e) => e.local),
    allEndpoints: endpoints,
    ...fields,
  };
}

const plan = (...servicePorts: ServicePortPlan[]): ProxyPlan => ({ servicePorts, skipped: [] });
const svcEp = (serviceIP: string, endpointIP: string, port = 53): ConntrackEntry => ({ kind: 'service-endpoint', serviceIP, port, protocol: 'udp', endpointIP });
const svcIP = (serviceIP: string, port = 53): ConntrackEntry => ({ kind: 'service-ip', serviceIP, port, protocol: 'udp' });
const A = '10.244.0.5';
const B = '10.244.1.7';

const table: [string, ProxyPlan | undefined, ProxyPlan, ConntrackEntry[]][] = [
  ['nothing changed', plan(dns([ep(A), ep(B)])), plan(dns([ep(A), ep(B)])), []],
  ['an endpoint went away', plan(dns([ep(A), ep(B)])), plan(dns([ep(A)])), [svcEp('10.96.0.10', B)]],
  ['an endpoint stopped serving', plan(dns([ep(A), ep(B)])), plan(dns([ep(A), ep(B, { ready: false, serving: false })])), [svcEp('10.96.0.10', B)]],
  ['a terminating endpoint still serving keeps its flows', plan(dns([ep(A), ep(B)])), plan(dns([ep(A), ep(B, { ready: false, serving: true, terminating: true })])), []],
  [
    'the last endpoint went away, on every front end and the node port',
    plan(dns([ep(A)], { nodePort: 30053, externalIPs: ['203.0.113.5'], loadBalancerIPs: ['198.51.100.5'] })),
    plan(dns([], { nodePort: 30053, externalIPs: ['203.0.113.5'], loadBalancerIPs: ['198.51.100.5'] })),
    [
      { kind: 'node-port-endpoint', nodePort: 30053, protocol: 'udp', endpointIP: A },
      svcEp('10.96.0.10', A),
      svcEp('198.51.100.5', A),
      svcEp('203.0.113.5', A),
    ],
  ],
  ['the service port was deleted', plan(dns([ep(A)])), plan(), [svcEp('10.96.0.10', A)]],
  ['an endpoint that was never used (not ready) leaves nothing', plan(dns([ep(A), ep(B, { ready: false, serving: false })])), plan(dns([ep(A)])), []],
  ['TCP ports are ignored', plan(dns([ep(A), ep(B)], {}, 'tcp')), plan(dns([ep(A)], {}, 'tcp')), []],
  [
    'endpoints appeared for a service that had none',
    plan(dns([], { nodePort: 30053, loadBalancerIPs: ['198.51.100.5'] })),
    plan(dns([ep(A)], { nodePort: 30053, loadBalancerIPs: ['198.51.100.5'] })),
    [{ kind: 'node-port', nodePort: 30053, protocol: 'udp' }, svcIP('10.96.0.10'), svcIP('198.51.100.5')],
  ],
  ['a new service with endpoints', plan(), plan(dns([ep(A)])), [svcIP('10.96.0.10')]],
  ['first sync after start: every UDP port with endpoints is newly active', undefined, plan(dns([ep(A)]), dns([], { name: 'default/idle', clusterIP: '10.96.3.3' })), [svcIP('10.96.0.10')]],
  ['a service still without endpoints', plan(dns([])), plan(dns([])), []],
  [
    'an endpoint replaced by another',
    plan(dns([ep(A)])),
    plan(dns([ep(B)])),
    [svcEp('10.96.0.10', A)],
  ],
];

describe('kube-proxy/conntrack staleConntrackEntries', () => {
  for (const [name, before, after, want] of table) it(name, () => assert.deepEqual(staleConntrackEntries(before, after), want));

  it('deletes exactly what each entry names', () => {
    assert.deepEqual(conntrackDeleteArgs(svcEp('10.96.0.10', A)), ['-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53', '--dst-nat', A]);
    assert.deepEqual(conntrackDeleteArgs({ kind: 'node-port-endpoint', nodePort: 30053, protocol: 'udp', endpointIP: A }), [
      '-D', '-p', 'udp', '--orig-port-dst', '30053', '--dst-nat', A,
    ]);
    assert.deepEqual(conntrackDeleteArgs(svcIP('10.96.0.10')), ['-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--orig-port-dst', '53', '--reply-src', '10.96.0.10']);
    assert.deepEqual(conntrackDeleteArgs({ kind: 'node-port', nodePort: 30053, protocol: 'udp' }), [
      '-D', '-p', 'udp', '--orig-port-dst', '30053', '--reply-port-src', '30053',
    ]);
  });
});
