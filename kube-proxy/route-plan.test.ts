import assert from 'node:assert/strict';
import { cidrContains, normalizeCidr, parseCidr } from './cidr';
import { desiredRoutes, parseRoutes, planRouteChanges, routeArgv, RoutePlanError, type RouteSpec } from './route-plan';

const base = {
  serviceCIDR: '10.96.0.0/16',
  clusterCIDR: '10.244.0.0/16',
  serviceDevice: 'k8ts-svc',
};
const fixed: RouteSpec[] = [
  { type: 'blackhole', dst: '10.244.0.0/16' },
  { type: 'unicast', dst: '10.96.0.0/16', dev: 'k8ts-svc' },
];
const hostGw = (dst: string, via: string): RouteSpec => ({ type: 'unicast', dst, via });
const vxlan = (dst: string, via: string): RouteSpec => ({ type: 'unicast', dst, via, dev: 'k8ts-vxlan', onlink: true });

describe('kube-proxy route planning', () => {
  // Which nodes get which pod routes is the pod network plan's (pod-network/plan.test.ts); this
  // is the safety net around whatever it hands over.
  const cases: { name: string; podRoutes: RouteSpec[]; extra: RouteSpec[] }[] = [
    { name: 'no other nodes: only the sink and the blackhole', podRoutes: [], extra: [] },
    {
      name: 'host-gateway routes pass',
      podRoutes: [hostGw('10.244.1.0/24', '192.168.1.2'), hostGw('10.244.2.0/24', '192.168.1.3')],
      extra: [hostGw('10.244.1.0/24', '192.168.1.2'), hostGw('10.244.2.0/24', '192.168.1.3')],
    },
    { name: 'vxlan routes pass', podRoutes: [vxlan('10.244.1.0/24', '10.244.1.0')], extra: [vxlan('10.244.1.0/24', '10.244.1.0')] },
    { name: 'a route outside the cluster CIDR is refused', podRoutes: [hostGw('10.0.0.0/24', '192.168.1.2')], extra: [] },
    { name: 'a route as wide as the cluster CIDR is refused', podRoutes: [hostGw('10.244.0.0/16', '192.168.1.2')], extra: [] },
    { name: 'a route wider than the cluster CIDR is refused', podRoutes: [hostGw('10.0.0.0/8', '192.168.1.2')], extra: [] },
    { name: 'a default route is refused', podRoutes: [hostGw('0.0.0.0/0', '192.168.1.2')], extra: [] },
    { name: 'a pod "route" that is not unicast is refused', podRoutes: [{ type: 'blackhole', dst: '10.244.1.0/24' }], extra: [] },
    { name: 'the service CIDR cannot be redirected', podRoutes: [hostGw('10.96.0.0/16', '192.168.1.2')], extra: [] },
    {
      name: 'the first route to a destination wins',
      podRoutes: [hostGw('10.244.1.0/24', '192.168.1.2'), hostGw('10.244.1.0/24', '192.168.1.3')],
      extra: [hostGw('10.244.1.0/24', '192.168.1.2')],
    },
    { name: 'destinations are normalised', podRoutes: [hostGw('10.244.1.7/24', '192.168.1.2')], extra: [hostGw('10.244.1.0/24', '192.168.1.2')] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const want = [...fixed, ...c.extra].sort((a, b) => (a.dst < b.dst ? -1 : 1));
      assert.deepEqual(desiredRoutes({ ...base, podRoutes: c.podRoutes }), want);
    });
  }

  it('rejects a bad service CIDR', () => {
    assert.throws(() => desiredRoutes({ ...base, serviceCIDR: 'nope', podRoutes: [] }), RoutePlanError);
  });

  it('rejects a bad cluster CIDR', () => {
    assert.throws(() => desiredRoutes({ ...base, clusterCIDR: '10.244.0.0/40', podRoutes: [] }), RoutePlanError);
  });

  it('parses ip -j output into ours, foreign destinations and the host routes', () => {
    const json = JSON.stringify([
      { dst: 'default', gateway: '172.16.0.1', dev: 'eth0', protocol: 'dhcp', flags: [] },
      { dst: '10.244.0.0/24', dev: 'cni0', protocol: 'kernel', scope: 'link', prefsrc: '10.244.0.1', flags: [] },
      { type: 'blackhole', dst: '10.244.0.0/16', protocol: '107', flags: [] },
      { dst: '10.96.0.0/16', dev: 'k8ts-svc', protocol: '107', scope: 'link', flags: ['linkdown'] },
      { dst: '10.244.1.0/24', gateway: '192.168.1.2', dev: 'eth1', protocol: '107', flags: [] },
      { dst: '10.244.2.0/24', gateway: '10.244.2.0', dev: 'k8ts-vxlan', protocol: '0x6b', flags: ['onlink'] },
      { dst: '10.9.9.9', dev: 'eth1', protocol: 'boot', flags: [] },
      { type: 'unreachable', dst: '192.0.2.0/24', protocol: 'static', flags: [] },
    ]);
    const { ours, foreignDsts, others } = parseRoutes(json);
    assert.deepEqual(ours, [
      { type: 'blackhole', dst: '10.244.0.0/16' },
      { type: 'unicast', dst: '10.96.0.0/16', dev: 'k8ts-svc' },
      { type: 'unicast', dst: '10.244.1.0/24', via: '192.168.1.2' },
      vxlan('10.244.2.0/24', '10.244.2.0'),
    ]);
    assert.deepEqual([...foreignDsts].sort(), ['0.0.0.0/0', '10.244.0.0/24', '10.9.9.9/32', '192.0.2.0/24']);
    assert.deepEqual(others, [
      { dst: '0.0.0.0/0', type: 'unicast', gateway: '172.16.0.1', dev: 'eth0' },
      { dst: '10.244.0.0/24', type: 'unicast', dev: 'cni0' },
      { dst: '10.9.9.9/32', type: 'unicast', dev: 'eth1' },
      { dst: '192.0.2.0/24', type: 'unreachable' },
    ]);
    assert.deepEqual(parseRoutes(''), { ours: [], foreignDsts: new Set(), others: [] });
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

  it('replaces a host-gateway route by a vxlan one to the same subnet (and back)', () => {
    const gw = hostGw('10.244.1.0/24', '192.168.1.2');
    const vx = vxlan('10.244.1.0/24', '10.244.1.0');
    assert.deepEqual(planRouteChanges([gw], new Set(), [vx]), { replace: [vx], remove: [], conflicts: [] });
    assert.deepEqual(planRouteChanges([vx], new Set(), [gw]), { replace: [gw], remove: [], conflicts: [] });
    assert.deepEqual(planRouteChanges([vx], new Set(), [vx]), { replace: [], remove: [], conflicts: [] });
  });

  const argvCases: [string, 'replace' | 'del', RouteSpec, string][] = [
    ['blackhole', 'replace', { type: 'blackhole', dst: '10.244.0.0/16' }, 'route replace blackhole 10.244.0.0/16 proto 107'],
    ['dev route', 'replace', { type: 'unicast', dst: '10.96.0.0/16', dev: 'k8ts-svc' }, 'route replace 10.96.0.0/16 dev k8ts-svc proto 107'],
    ['gateway route', 'replace', { type: 'unicast', dst: '10.244.1.0/24', via: '10.0.0.2' }, 'route replace 10.244.1.0/24 via 10.0.0.2 proto 107'],
    ['delete gateway route', 'del', { type: 'unicast', dst: '10.244.1.0/24', via: '10.0.0.2' }, 'route del 10.244.1.0/24 proto 107'],
    ['delete blackhole', 'del', { type: 'blackhole', dst: '10.244.0.0/16' }, 'route del blackhole 10.244.0.0/16 proto 107'],
    ['vxlan route', 'replace', vxlan('10.244.2.0/24', '10.244.2.0'), 'route replace 10.244.2.0/24 via 10.244.2.0 dev k8ts-vxlan onlink proto 107'],
    ['delete vxlan route', 'del', vxlan('10.244.2.0/24', '10.244.2.0'), 'route del 10.244.2.0/24 proto 107'],
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
