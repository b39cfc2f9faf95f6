import assert from 'node:assert/strict';
import type { Node } from '../lib/api/types';
import { cidrContains, normalizeCidr, parseCidr } from './cidr';
import { desiredRoutes, parseRoutes, planRouteChanges, routeArgv, RoutePlanError, type RouteSpec } from './route-plan';

const node = (name: string, ip: string | undefined, podCIDR?: string, podCIDRs?: string[]): Node => ({
  metadata: { name },
  spec: { podCIDR, podCIDRs },
  status: { addresses: ip ? [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: ip }] : [] },
});

const base = {
  nodeName: 'n1',
  nodeIP: '192.168.1.1',
  serviceCIDR: '10.96.0.0/16',
  clusterCIDR: '10.244.0.0/16',
  serviceDevice: 'k8ts-svc',
};
const fixed: RouteSpec[] = [
  { type: 'blackhole', dst: '10.244.0.0/16' },
  { type: 'unicast', dst: '10.96.0.0/16', dev: 'k8ts-svc' },
];

describe('kube-proxy route planning', () => {
  const cases: { name: string; nodes: Node[]; extra: RouteSpec[] }[] = [
    { name: 'no nodes: only the sink and the blackhole', nodes: [], extra: [] },
    { name: 'own node gets no host route', nodes: [node('n1', '192.168.1.1', '10.244.0.0/24')], extra: [] },
    {
      name: 'other nodes get host-gateway routes',
      nodes: [node('n1', '192.168.1.1', '10.244.0.0/24'), node('n2', '192.168.1.2', '10.244.1.0/24'), node('n3', '192.168.1.3', undefined, ['10.244.2.0/24'])],
      extra: [
        { type: 'unicast', dst: '10.244.1.0/24', via: '192.168.1.2' },
        { type: 'unicast', dst: '10.244.2.0/24', via: '192.168.1.3' },
      ],
    },
    { name: 'node without podCIDR is skipped', nodes: [node('n2', '192.168.1.2')], extra: [] },
    { name: 'node without InternalIP is skipped', nodes: [node('n2', undefined, '10.244.1.0/24')], extra: [] },
    { name: 'node sharing our IP is skipped', nodes: [node('n2', '192.168.1.1', '10.244.1.0/24')], extra: [] },
    { name: 'podCIDR outside the cluster CIDR is refused', nodes: [node('n2', '192.168.1.2', '10.0.0.0/24')], extra: [] },
    { name: 'podCIDR as wide as the cluster CIDR is refused', nodes: [node('n2', '192.168.1.2', '10.244.0.0/16')], extra: [] },
    { name: 'IPv6 podCIDR is ignored', nodes: [node('n2', '192.168.1.2', 'fd00::/64')], extra: [] },
    {
      name: 'duplicate podCIDR goes to the first node by name',
      nodes: [node('n3', '192.168.1.3', '10.244.1.0/24'), node('n2', '192.168.1.2', '10.244.1.0/24')],
      extra: [{ type: 'unicast', dst: '10.244.1.0/24', via: '192.168.1.2' }],
    },
    {
      name: 'unnormalised podCIDR is normalised',
      nodes: [node('n2', '192.168.1.2', '10.244.1.7/24')],
      extra: [{ type: 'unicast', dst: '10.244.1.0/24', via: '192.168.1.2' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const want = [...fixed, ...c.extra].sort((a, b) => (a.dst < b.dst ? -1 : 1));
      assert.deepEqual(desiredRoutes({ ...base, nodes: c.nodes }), want);
    });
  }

  it('rejects a bad service CIDR', () => {
    assert.throws(() => desiredRoutes({ ...base, serviceCIDR: 'nope', nodes: [] }), RoutePlanError);
  });

  it('parses ip -j output into ours and foreign destinations', () => {
    const json = JSON.stringify([
      { dst: 'default', gateway: '172.16.0.1', dev: 'eth0', protocol: 'dhcp', flags: [] },
      { dst: '10.244.0.0/24', dev: 'cni0', protocol: 'kernel', scope: 'link', prefsrc: '10.244.0.1', flags: [] },
      { type: 'blackhole', dst: '10.244.0.0/16', protocol: '107', flags: [] },
      { dst: '10.96.0.0/16', dev: 'k8ts-svc', protocol: '107', scope: 'link', flags: ['linkdown'] },
      { dst: '10.244.1.0/24', gateway: '192.168.1.2', dev: 'eth1', protocol: '107', flags: [] },
      { dst: '10.9.9.9', dev: 'eth1', protocol: 'boot', flags: [] },
    ]);
    const { ours, foreignDsts } = parseRoutes(json);
    assert.deepEqual(ours, [
      { type: 'blackhole', dst: '10.244.0.0/16' },
      { type: 'unicast', dst: '10.96.0.0/16', dev: 'k8ts-svc' },
      { type: 'unicast', dst: '10.244.1.0/24', via: '192.168.1.2' },
    ]);
    assert.deepEqual([...foreignDsts].sort(), ['0.0.0.0/0', '10.244.0.0/24', '10.9.9.9/32']);
    assert.deepEqual(parseRoutes(''), { ours: [], foreignDsts: new Set() });
  });

  it('plans replaces, removals and conflicts', () => {
    const ours: RouteSpec[] = [
      { type: 'blackhole', dst: '10.244.0.0/16' },
      { type: 'unicast', dst: '10.244.1.0/24', via: '192.168.1.9' },
      { type: 'unicast', dst: '10.244.5.0/24', via: '192.168.1.5' },
    ];
    const desired: RouteSpec[] = [
      { type: 'blackhole', dst: '10.244.0.0/16' },
      { type: 'unicast', dst: '10.244.1.0/24', via: '192.168.1.2' },
      { type: 'unicast', dst: '10.244.3.0/24', via: '192.168.1.3' },
      { type: 'unicast', dst: '10.96.0.0/16', dev: 'k8ts-svc' },
    ];
    const plan = planRouteChanges(ours, new Set(['10.244.3.0/24']), desired);
    assert.deepEqual(plan.remove, [{ type: 'unicast', dst: '10.244.5.0/24', via: '192.168.1.5' }]);
    assert.deepEqual(plan.replace, [
      { type: 'unicast', dst: '10.244.1.0/24', via: '192.168.1.2' },
      { type: 'unicast', dst: '10.96.0.0/16', dev: 'k8ts-svc' },
    ]);
    assert.deepEqual(plan.conflicts, [{ type: 'unicast', dst: '10.244.3.0/24', via: '192.168.1.3' }]);
  });

  const argvCases: [string, 'replace' | 'del', RouteSpec, string][] = [
    ['blackhole', 'replace', { type: 'blackhole', dst: '10.244.0.0/16' }, 'route replace blackhole 10.244.0.0/16 proto 107'],
    ['dev route', 'replace', { type: 'unicast', dst: '10.96.0.0/16', dev: 'k8ts-svc' }, 'route replace 10.96.0.0/16 dev k8ts-svc proto 107'],
    ['gateway route', 'replace', { type: 'unicast', dst: '10.244.1.0/24', via: '10.0.0.2' }, 'route replace 10.244.1.0/24 via 10.0.0.2 proto 107'],
    ['delete gateway route', 'del', { type: 'unicast', dst: '10.244.1.0/24', via: '10.0.0.2' }, 'route del 10.244.1.0/24 proto 107'],
    ['delete blackhole', 'del', { type: 'blackhole', dst: '10.244.0.0/16' }, 'route del blackhole 10.244.0.0/16 proto 107'],
  ];
  for (const [name, op, r, want] of argvCases) {
    it(`renders ip argv: ${name}`, () => assert.equal(routeArgv(op, r).join(' '), want));
  }

  it('does CIDR arithmetic', () => {
    assert.equal(normalizeCidr('10.244.3.9/24'), '10.244.3.0/24');
    assert.equal(normalizeCidr('10.1.2.3'), '10.1.2.3/32');
    assert.equal(normalizeCidr('10.1.2/24'), undefined);
    assert.equal(normalizeCidr('10.1.2.3/33'), undefined);
    assert.equal(normalizeCidr('256.1.2.3/8'), undefined);
    assert.ok(cidrContains(parseCidr('10.244.0.0/16')!, parseCidr('10.244.255.0/24')!));
    assert.ok(!cidrContains(parseCidr('10.244.0.0/16')!, parseCidr('10.245.0.0/24')!));
    assert.ok(!cidrContains(parseCidr('10.244.0.0/16')!, parseCidr('10.0.0.0/8')!));
    assert.ok(cidrContains(parseCidr('0.0.0.0/0')!, parseCidr('200.1.1.1/32')!));
  });
});
