import assert from 'node:assert/strict';
import type { PlannedEndpoint, ProxyPlan, ServicePortPlan } from '../plan/types';
import { desiredHealthChecks, healthCheckBody, healthCheckStatus, type DesiredHealthChecks } from './desired';

const ep = (ip: string, port: number, local: boolean, cond: Partial<PlannedEndpoint> = {}): PlannedEndpoint => ({
  ip,
  port,
  endpoint: `${ip}:${port}`,
  local,
  ready: true,
  serving: true,
  terminating: false,
  ...cond,
});

function sp(ns: string, service: string, portName: string, healthCheckNodePort: number, allEndpoints: PlannedEndpoint[]): ServicePortPlan {
  return {
    name: `${ns}/${service}:${portName}`,
    namespace: ns,
    service,
    protocol: 'tcp',
    clusterIP: '10.96.0.5',
    port: 80,
    nodePort: 30080,
    externalIPs: [],
    loadBalancerIPs: ['198.51.100.1'],
    externalPolicyLocal: healthCheckNodePort > 0,
    internalPolicyLocal: false,
    healthCheckNodePort,
    clusterEndpoints: allEndpoints.filter((e) => e.ready),
    localEndpoints: allEndpoints.filter((e) => e.ready && e.local),
    allEndpoints,
  };
}

const plan = (...servicePorts: ServicePortPlan[]): ProxyPlan => ({ servicePorts, skipped: [] });
const terminating = { ready: false, serving: true, terminating: true };

const table: [string, ProxyPlan, DesiredHealthChecks][] = [
  ['no health check ports', plan(sp('default', 'web', 'http', 0, [ep('10.244.0.1', 80, true)])), { checks: [], conflicts: [] }],
  [
    'one service, local ready endpoints counted',
    plan(sp('default', 'lb', 'http', 32001, [ep('10.244.0.1', 80, true), ep('10.244.0.2', 80, true), ep('10.244.1.1', 80, false)])),
    { checks: [{ port: 32001, namespace: 'default', name: 'lb', localEndpoints: 2 }], conflicts: [] },
  ],
  [
    'an endpoint on two ports of one service counts once',
    plan(sp('default', 'lb', 'http', 32001, [ep('10.244.0.1', 80, true)]), sp('default', 'lb', 'https', 32001, [ep('10.244.0.1', 443, true)])),
    { checks: [{ port: 32001, namespace: 'default', name: 'lb', localEndpoints: 1 }], conflicts: [] },
  ],
  [
    'terminating and not-ready local endpoints do not count',
    plan(sp('default', 'lb', 'http', 32001, [ep('10.244.0.1', 80, true, terminating), ep('10.244.0.2', 80, true, { ready: false, serving: false })])),
    { checks: [{ port: 32001, namespace: 'default', name: 'lb', localEndpoints: 0 }], conflicts: [] },
  ],
  [
    'two services sorted by port',
    plan(sp('b', 'lb', 'http', 32001, []), sp('a', 'lb', 'http', 32500, [ep('10.244.0.9', 80, true)])),
    {
      checks: [
        { port: 32001, namespace: 'b', name: 'lb', localEndpoints: 0 },
        { port: 32500, namespace: 'a', name: 'lb', localEndpoints: 1 },
      ],
      conflicts: [],
    },
  ],
  [
    'two services on one port: the first by name keeps it',
    plan(sp('z', 'late', 'http', 32001, []), sp('a', 'early', 'http', 32001, [])),
    {
      checks: [{ port: 32001, namespace: 'a', name: 'early', localEndpoints: 0 }],
      conflicts: ['z/late: health check node port 32001 is already served for a/early'],
    },
  ],
];

describe('kube-proxy/healthcheck desiredHealthChecks', () => {
  for (const [name, p, want] of table) it(name, () => assert.deepEqual(desiredHealthChecks(p), want));

  it('answers with upstream body and status', () => {
    const body = healthCheckBody({ namespace: 'ns', name: 'name', localEndpoints: 2 }, true);
    assert.equal(body, '{\n\t"service": {\n\t\t"namespace": "ns",\n\t\t"name": "name"\n\t},\n\t"localEndpoints": 2,\n\t"serviceProxyHealthy": true\n}');
    assert.deepEqual(JSON.parse(body), { service: { namespace: 'ns', name: 'name' }, localEndpoints: 2, serviceProxyHealthy: true });
    assert.equal(healthCheckStatus(2, true), 200);
    assert.equal(healthCheckStatus(0, true), 503);
    assert.equal(healthCheckStatus(3, false), 503);
  });
});
