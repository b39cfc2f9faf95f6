import assert from 'node:assert/strict';
import type { Service } from '../../lib/api/types';
import { managed, planService, rebuildAllocations, type LbPlan } from './lb-plan';
import { parseLbPool, SERVICE_LB_CLASS } from './pool';

const pool = parseLbPool('192.0.2.1-192.0.2.3');
const svc = (name: string, spec: Partial<Service['spec']> = {}, ips: string[] = [], created = '2026-12-05T10:00:00Z'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', creationTimestamp: created },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
  status: { loadBalancer: ips.length ? { ingress: ips.map((ip) => ({ ip, ipMode: 'VIP' })) } : {} },
});
const vip = (ip: string) => ({ ingress: [{ ip, ipMode: 'VIP' }] });

describe('service-lb plan', () => {
  it('manages LoadBalancers without a class or with ours only', () => {
    const cases: [Service | undefined, boolean][] = [
      [svc('a'), true],
      [svc('b', { loadBalancerClass: SERVICE_LB_CLASS }), true],
      [svc('c', { loadBalancerClass: 'example.com/cloud' }), false],
      [svc('d', { type: 'NodePort' }), false],
      [{ ...svc('e'), metadata: { name: 'e', namespace: 'default', deletionTimestamp: '2026-12-05T10:00:00Z' } }, false],
      [undefined, false],
    ];
    assert.deepEqual(cases.map(([s]) => managed(s)), cases.map(([, want]) => want));
  });

  const cases: [string, Service | undefined, string | undefined, string[], LbPlan][] = [
    ['a new Service gets the lowest free address', svc('a'), undefined, [], { hold: '192.0.2.1', status: vip('192.0.2.1'), failure: undefined, waiting: false }],
    ['skipping the ones others hold', svc('a'), undefined, ['192.0.2.1'], { hold: '192.0.2.2', status: vip('192.0.2.2'), failure: undefined, waiting: false }],
    ['a held address with its status: nothing to write', svc('a', {}, ['192.0.2.3']), '192.0.2.3', [], { hold: '192.0.2.3', status: undefined, failure: undefined, waiting: false }],
    ['a held address whose status was lost is written again', svc('a'), '192.0.2.3', [], { hold: '192.0.2.3', status: vip('192.0.2.3'), failure: undefined, waiting: false }],
    ['after a restart the address in the status is adopted', svc('a', {}, ['192.0.2.2']), undefined, [], { hold: '192.0.2.2', status: undefined, failure: undefined, waiting: false }],
    ['a status address outside the pool is replaced', svc('a', {}, ['203.0.113.5']), undefined, [], { hold: '192.0.2.1', status: vip('192.0.2.1'), failure: undefined, waiting: false }],
    ['the requested loadBalancerIP when free', svc('a', { loadBalancerIP: '192.0.2.3' }), '192.0.2.1', [], { hold: '192.0.2.3', status: vip('192.0.2.3'), failure: undefined, waiting: false }],
    ['a requested loadBalancerIP outside the pool', svc('a', { loadBalancerIP: '10.0.0.1' }), undefined, [], { hold: undefined, status: undefined, failure: 'spec.loadBalancerIP 10.0.0.1 is not in the load balancer pool 192.0.2.1-192.0.2.3', waiting: false }],
    ['a requested loadBalancerIP another Service holds: wait for it', svc('a', { loadBalancerIP: '192.0.2.2' }), undefined, ['192.0.2.2'], { hold: undefined, status: undefined, failure: 'spec.loadBalancerIP 192.0.2.2 is already in use by another Service', waiting: true }],
    ['an exhausted pool: wait', svc('a'), undefined, ['192.0.2.1', '192.0.2.2', '192.0.2.3'], { hold: undefined, status: undefined, failure: 'no available IP addresses in the load balancer pool 192.0.2.1-192.0.2.3', waiting: true }],
    ['an exhausted pool clears a stale status', svc('a', {}, ['192.0.2.1']), undefined, ['192.0.2.1', '192.0.2.2', '192.0.2.3'], { hold: undefined, status: {}, failure: 'no available IP addresses in the load balancer pool 192.0.2.1-192.0.2.3', waiting: true }],
    ['a deleted Service holds nothing', undefined, '192.0.2.1', [], { waiting: false }],
    ['a Service that became NodePort holds nothing', svc('a', { type: 'NodePort' }), '192.0.2.1', [], { waiting: false }],
    ['another class is left alone, status too', svc('a', { loadBalancerClass: 'example.com/cloud' }, ['192.0.2.1']), undefined, [], { waiting: false }],
  ];
  for (const [name, s, held, others, want] of cases) it(name, () => assert.deepEqual(planService(s, held, new Set(others), pool), want));

  it('rebuilds allocations from statuses: the oldest Service keeps a shared address', () => {
    const got = rebuildAllocations(
      [
        svc('young', {}, ['192.0.2.1'], '2026-12-05T12:00:00Z'),
        svc('old', {}, ['192.0.2.1'], '2026-12-05T09:00:00Z'),
        svc('other', {}, ['192.0.2.2']),
        svc('outside', {}, ['203.0.113.5']),
        svc('cloud', { loadBalancerClass: 'example.com/cloud' }, ['192.0.2.3']),
        svc('np', { type: 'NodePort' }, ['192.0.2.3']),
      ],
      pool,
    );
    assert.deepEqual([...got].sort(), [['default/old', '192.0.2.1'], ['default/other', '192.0.2.2']]);
  });
});
