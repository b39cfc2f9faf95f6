import assert from 'node:assert/strict';
import type { EndpointSlice } from '../lib/api/endpoint-slice';
import type { Node, Service } from '../lib/api/types';
import { IptablesApplier } from './applier';
import type { CommandResult, CommandRunner } from './exec';
import { healthz } from './health';
import { ProxyMetrics } from './metrics';
import { NodeRoutes } from './node-routes';
import type { PodNetworkMode } from './pod-network/plan';
import { PodNetwork } from './pod-network/pod-network';
import { VTEP_MAC_ANNOTATION } from './pod-network/vtep';
import type { ProxyPlan } from './plan/types';
import { nodeRoutingKey, Proxier, type ProxierOptions } from './proxier';
import type { ServiceRules } from './service-rules';
import type { SyncStats } from './sync-loop';

const svc: Service = {
  metadata: { namespace: 'default', name: 'web' },
  spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ port: 80, targetPort: 8080 }] },
};
const eps: EndpointSlice = {
  metadata: { namespace: 'default', name: 'web-x1', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true }, nodeName: 'n2' }],
  ports: [{ port: 8080, protocol: 'TCP' }],
};
const node2: Node = {
  metadata: { name: 'n2' },
  spec: { podCIDR: '10.244.1.0/24' },
  status: { addresses: [{ type: 'InternalIP', address: '192.168.1.2' }] },
};

// The node's link: 192.168.1.0/24 is directly connected, so n2 is reachable host-gateway.
const hostRoutes = JSON.stringify([{ dst: '192.168.1.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', flags: [] }]);
const hostAddrs = JSON.stringify([{ ifname: 'eth0', mtu: 1500, addr_info: [{ family: 'inet', local: '192.168.1.1', prefixlen: 24 }] }]);

function fakeHost(opts: { failRoutes?: boolean; failVxlan?: boolean } = {}) {
  const calls: { line: string; stdin?: string }[] = [];
  const run: CommandRunner = async (cmd, args, stdin): Promise<CommandResult> => {
    const line = [cmd, ...args].join(' ');
    calls.push({ line, stdin });
    const ok = (stdout = '') => ({ code: 0, stdout, stderr: '' });
    if (line.startsWith('ip route replace') && opts.failRoutes) return { code: 2, stdout: '', stderr: 'Nexthop has invalid gateway' };
    if (line.startsWith('ip link add k8ts-vxlan') && opts.failVxlan) return { code: 2, stdout: '', stderr: 'Error: Unknown device type.' };
    if (line === 'ip -j route show table main') return ok(hostRoutes);
    if (line === 'ip -j -4 addr show') return ok(hostAddrs);
    // no vxlan device until one is added
    if (line.startsWith('ip -j -d link show dev k8ts-vxlan')) return { code: 1, stdout: '', stderr: 'Device "k8ts-vxlan" does not exist.' };
    if (line.startsWith('ip -j') || line.startsWith('bridge -j')) return ok('[]');
    if (line.includes(' -C ')) return { code: 1, stdout: '', stderr: '' };
    return ok();
  };
  return { run, calls };
}

/** A Proxier on the fake host for node n1 (192.168.1.1), with `over` replacing any option. */
function proxierWith(run: CommandRunner, over: Partial<ProxierOptions> = {}, mode: PodNetworkMode = 'auto', published: (string | undefined)[] = []): Proxier {
  return new Proxier({
    state: { services: () => [svc], endpointSlices: () => [eps], nodes: () => [node2] },
    iptables: new IptablesApplier(run),
    routes: new NodeRoutes(run, 'k8ts-svc'),
    podNetwork: new PodNetwork({
      nodeName: 'n1',
      nodeIP: '192.168.1.1',
      clusterCIDR: '10.244.0.0/16',
      run,
      mode,
      vxlan: { device: 'k8ts-vxlan', vni: 1, port: 8472 },
      publishVtepMac: async (mac) => void published.push(mac),
    }),
    nodeName: 'n1',
    nodeIP: '192.168.1.1',
    clusterCIDR: '10.244.0.0/16',
    serviceCIDR: '10.96.0.0/16',
    serviceInterface: 'k8ts-svc',
    ...over,
  });
}

function proxier(run: CommandRunner, mode: PodNetworkMode = 'auto', nodes: Node[] = [node2], published: (string | undefined)[] = [], serviceRules?: ServiceRules) {
  return proxierWith(run, { state: { services: () => [svc], endpointSlices: () => [eps], nodes: () => nodes }, serviceRules }, mode, published);
}

describe('kube-proxy Proxier', () => {
  it('syncs routes, then one restore, then jumps', async () => {
    const { run, calls } = fakeHost();
    const p = proxier(run);
    await p.sync();
    const lines = calls.map((c) => c.line);
    const restoreAt = lines.indexOf('iptables-restore --noflush -w');
    assert.ok(restoreAt > lines.indexOf('ip route replace 10.244.1.0/24 via 192.168.1.2 proto 107'));
    assert.ok(lines.indexOf('ip route replace 10.96.0.0/16 dev k8ts-svc proto 107') >= 0);
    assert.ok(lines.indexOf('ip route replace blackhole 10.244.0.0/16 proto 107') >= 0);
    assert.ok(lines.findIndex((l) => l.includes(' -I ')) > restoreAt);
    assert.equal(lines.filter((l) => l.startsWith('iptables-restore')).length, 1);
    assert.match(calls[restoreAt].stdin ?? '', /DNAT --to-destination 10\.244\.1\.5:8080/);
    // the pod network's chains ride in the same transaction
    assert.match(calls[restoreAt].stdin ?? '', /^-A K8TS-POD-EGRESS .* -s 10\.244\.0\.0\/16 -j MASQUERADE --random-fully$/m);
    assert.ok(lines.includes('iptables -w -t filter -A FORWARD -m comment --comment k8ts pod network forwarding -j K8TS-POD-FORWARD'));
    // the Service proxy's own rules only
    assert.deepEqual(p.rules, { filter: 3, nat: 10 });
    assert.equal(p.routeCount, 3);
    // host-gw: no device, nothing published
    assert.ok(!lines.some((l) => l.startsWith('ip link add')));
  });

  it('hands the plan to another mode\'s backend and keeps only the pod network in iptables', async () => {
    const { run, calls } = fakeHost();
    const plans: ProxyPlan[] = [];
    const nft: ServiceRules = { mode: 'nftables', includesPodNetwork: false, apply: async (plan) => (plans.push(plan), { rules: { nft: 7 } }) };
    const p = proxier(run, 'auto', [node2], [], nft);
    await p.sync();
    assert.equal(plans.length, 1);
    assert.deepEqual(plans[0].servicePorts.map((s) => [s.name, s.clusterEndpoints.map((e) => e.endpoint)]), [['default/web', ['10.244.1.5:8080']]]);
    assert.deepEqual(p.rules, { nft: 7 });
    const restores = calls.filter((c) => c.line.startsWith('iptables-restore'));
    assert.equal(restores.length, 1);
    assert.ok(!/KUBE-/.test(restores[0].stdin ?? ''), 'no Service chains in iptables');
    assert.match(restores[0].stdin ?? '', /K8TS-POD-EGRESS/);
    const inserted = calls.map((c) => c.line).filter((l) => l.startsWith('iptables -w') && / -[IA] /.test(l));
    assert.ok(inserted.length === 2 && inserted.every((l) => l.includes('K8TS-POD-')), inserted.join('\n'));
  });

  it('asks for a full apply on the first sync, once per full-sync period, and after a failed apply', async () => {
    const { run } = fakeHost();
    const fulls: boolean[] = [];
    let fail = false;
    const backend: ServiceRules = {
      mode: 'nftables',
      includesPodNetwork: false,
      apply: async (_plan, opts) => {
        fulls.push(opts?.full ?? false);
        if (fail) throw new Error('apply failed');
        return { rules: {} };
      },
    };
    const p = proxierWith(run, { state: { services: () => [svc], endpointSlices: () => [eps], nodes: () => [node2] }, serviceRules: backend, fullSyncPeriodMs: 3_600_000 });
    await p.sync();
    await p.sync();
    fail = true;
    await assert.rejects(p.sync(), /apply failed/);
    fail = false;
    await p.sync();
    await p.sync();
    assert.deepEqual(fulls, [true, false, false, true, false]);
    // without a period every sync is full
    const every: boolean[] = [];
    const q = proxierWith(run, { state: { services: () => [svc], endpointSlices: () => [eps], nodes: () => [node2] }, serviceRules: { ...backend, apply: async (_p, o) => (every.push(o?.full ?? false), { rules: {} }) } });
    await q.sync();
    await q.sync();
    assert.deepEqual(every, [true, true]);
  });

  it('after the rules: stale UDP conntrack entries cleared against the last applied plan, then the health-check ports synced', async () => {
    const { run } = fakeHost();
    const dns: Service = { metadata: { namespace: 'kube-system', name: 'dns' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }] } };
    const slice = (ips: string[]): EndpointSlice => ({
      metadata: { namespace: 'kube-system', name: 'dns-a', labels: { 'kubernetes.io/service-name': 'dns' } },
      addressType: 'IPv4',
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
      ports: [{ port: 53, protocol: 'UDP' }],
    });
    let slices = [slice(['10.244.1.7', '10.244.1.8'])];
    const cleared: string[][] = [];
    const healthPlans: number[] = [];
    const p = proxierWith(run, {
      state: { services: () => [dns], endpointSlices: () => slices, nodes: () => [node2] },
      conntrack: { clear: async (entries) => void cleared.push(entries.map((e) => JSON.stringify(e))) },
      serviceHealth: { sync: async (plan) => void healthPlans.push(plan.servicePorts.length) },
    });
    await p.sync();
    // the first sync: a UDP port that now has endpoints gets its old (REJECT-era) flows flushed
    assert.equal(cleared.length, 1);
    assert.ok(cleared[0].every((e) => e.includes('10.96.0.10')), cleared[0].join('\n'));
    slices = [slice(['10.244.1.8'])];
    await p.sync();
    assert.equal(cleared.length, 2);
    assert.ok(cleared[1].some((e) => e.includes('10.244.1.7')) && !cleared[1].some((e) => e.includes('10.244.1.8')), cleared[1].join('\n'));
    await p.sync(); // nothing changed: nothing to clear
    assert.equal(cleared.length, 2);
    assert.deepEqual(healthPlans, [1, 1, 1]);
  });

  it('routes the extra sink CIDRs (the LoadBalancer pool) to the sink like the service CIDR', async () => {
    const { run, calls } = fakeHost();
    const p = proxierWith(run, { state: { services: () => [], endpointSlices: () => [], nodes: () => [] }, sinkCIDRs: ['198.19.254.0/24'] });
    await p.sync();
    assert.ok(calls.some((c) => c.line === 'ip route replace 198.19.254.0/24 dev k8ts-svc proto 107'), calls.map((c) => c.line).join('\n'));
  });

  it('in vxlan mode: device, forwarding entry and neighbour before the route, then the MAC is published', async () => {
    const { run, calls } = fakeHost();
    const published: (string | undefined)[] = [];
    const peer: Node = { ...node2, metadata: { name: 'n2', annotations: { [VTEP_MAC_ANNOTATION]: '0e:6b:c0:a8:01:02' } } };
    const self: Node = { metadata: { name: 'n1' }, spec: { podCIDR: '10.244.0.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.1.1' }] } };
    await proxier(run, 'vxlan', [self, peer], published).sync();
    const lines = calls.map((c) => c.line);
    const order = [
      'ip link add k8ts-vxlan address 0e:6b:c0:a8:01:01 mtu 1450 type vxlan id 1 local 192.168.1.1 dstport 8472 nolearning',
      'ip addr add 10.244.0.0/32 dev k8ts-vxlan',
      'ip link set dev k8ts-vxlan up',
      'bridge fdb replace 0e:6b:c0:a8:01:02 dev k8ts-vxlan dst 192.168.1.2 self permanent',
      'ip neigh replace 10.244.1.0 lladdr 0e:6b:c0:a8:01:02 dev k8ts-vxlan nud permanent protocol 107',
      'ip route replace 10.244.1.0/24 via 10.244.1.0 dev k8ts-vxlan onlink proto 107',
    ].map((l) => lines.indexOf(l));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), `order ${order.join(',')}\n${lines.join('\n')}`);
    assert.deepEqual(published, ['0e:6b:c0:a8:01:01']);
  });

  it('when the VXLAN device cannot be made: the safety routes still go in, no tunnel route, no MAC, and the sync fails', async () => {
    const { run, calls } = fakeHost({ failVxlan: true });
    const published: (string | undefined)[] = [];
    const peer: Node = { ...node2, metadata: { name: 'n2', annotations: { [VTEP_MAC_ANNOTATION]: '0e:6b:c0:a8:01:02' } } };
    await assert.rejects(proxier(run, 'vxlan', [peer], published).sync(), /vxlan sync failed: .*Unknown device type/);
    const lines = calls.map((c) => c.line);
    assert.ok(lines.includes('ip route replace blackhole 10.244.0.0/16 proto 107'));
    assert.ok(lines.includes('ip route replace 10.96.0.0/16 dev k8ts-svc proto 107'));
    assert.ok(!lines.some((l) => l.startsWith('ip route replace 10.244.1.0/24')));
    assert.ok(lines.some((l) => l.startsWith('iptables-restore')));
    assert.deepEqual(published, []);
  });

  it('in host-gw mode: the device goes after the routes, and the MAC is withdrawn', async () => {
    const { run, calls } = fakeHost();
    const published: (string | undefined)[] = ['x'];
    await proxier(run, 'host-gw', [node2], published).sync();
    assert.deepEqual(published, ['x', undefined]);
    // no device to remove: it was only looked at
    assert.ok(calls.some((c) => c.line === 'ip -j -d link show dev k8ts-vxlan'));
    assert.ok(!calls.some((c) => c.line.startsWith('ip link del')));
  });

  it('still installs service rules when routes fail, then reports the failure', async () => {
    const { run, calls } = fakeHost({ failRoutes: true });
    await assert.rejects(proxier(run).sync(), /route sync failed.*invalid gateway/);
    assert.ok(calls.some((c) => c.line.startsWith('iptables-restore')));
  });

  it('keys nodes by the fields routes depend on', () => {
    const heartbeat: Node = { ...node2, status: { ...node2.status, conditions: [{ type: 'Ready', status: 'True' }] } };
    assert.equal(nodeRoutingKey(heartbeat), nodeRoutingKey(node2));
    assert.notEqual(nodeRoutingKey({ ...node2, spec: { podCIDR: '10.244.2.0/24' } }), nodeRoutingKey(node2));
    const published = { ...node2, metadata: { name: 'n2', annotations: { [VTEP_MAC_ANNOTATION]: '0e:6b:c0:a8:01:02' } } };
    assert.notEqual(nodeRoutingKey(published), nodeRoutingKey(node2));
    assert.equal(nodeRoutingKey({ ...published, metadata: { ...published.metadata, labels: { a: 'b' } } }), nodeRoutingKey(published));
  });
});

describe('kube-proxy health and metrics', () => {
  const stats = (over: Partial<SyncStats>): SyncStats => ({
    syncs: 0,
    failures: 0,
    consecutiveFailures: 0,
    lastDurationMs: 0,
    lastSuccessAt: 0,
    ...over,
  });
  const now = Date.parse('2026-01-01T00:10:00Z');
  const cases: [string, SyncStats, number][] = [
    ['before the first sync', stats({}), 503],
    ['right after a sync', stats({ syncs: 1, lastSuccessAt: now - 1000 }), 200],
    ['long after the last sync', stats({ syncs: 1, lastSuccessAt: now - 120_000 }), 503],
  ];
  for (const [name, s, code] of cases) it(`healthz ${code} ${name}`, () => assert.equal(healthz(now, s, 30_000).code, code));

  it('healthz answers JSON', () => {
    const r = healthz(now, stats({ syncs: 1, lastSuccessAt: now - 1000, lastError: 'iptables-restore: exit 1' }), 30_000);
    assert.equal(r.type, 'application/json');
    assert.deepEqual(JSON.parse(r.body), { lastUpdated: '2026-01-01T00:09:59.000Z', currentTime: '2026-01-01T00:10:00.000Z', lastError: 'iptables-restore: exit 1' });
  });

  it('records every sync attempt: counts, latency histogram, last duration and time, rules, routes, backend', async () => {
    const m = new ProxyMetrics();
    m.setBackend('nf_tables');
    let fail = false;
    let clock = 1_700_000_000_000;
    const sync = m.instrument(
      async () => {
        if (fail) throw new Error('iptables-restore failed');
      },
      () => ({ rules: { filter: 3, nat: 12 }, routes: 3 }),
      () => clock,
    );
    for (let i = 0; i < 4; i++) await sync();
    fail = true;
    clock += 5000;
    await assert.rejects(sync(), /iptables-restore failed/);
    const text = m.registry.render();
    assert.match(text, /^# TYPE kubeproxy_sync_proxy_rules_total counter$/m);
    assert.match(text, /^kubeproxy_sync_proxy_rules_total 4$/m);
    assert.match(text, /^kubeproxy_sync_proxy_rules_failures_total 1$/m);
    assert.match(text, /^# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram$/m);
    assert.match(text, /^kubeproxy_sync_proxy_rules_duration_seconds_count 5$/m);
    assert.match(text, /^kubeproxy_sync_proxy_rules_duration_seconds_bucket\{le="\+Inf"\} 5$/m);
    assert.match(text, /^kubeproxy_sync_proxy_rules_last_duration_seconds \d/m);
    // The last success, not the failed attempt after it.
    assert.match(text, /^kubeproxy_sync_proxy_rules_last_timestamp_seconds 1700000000$/m);
    assert.match(text, /^kubeproxy_sync_proxy_rules_iptables_total\{table="nat"\} 12$/m);
    assert.match(text, /^kubeproxy_node_routes_total 3$/m);
    assert.match(text, /^kubeproxy_iptables_backend_info\{backend="nf_tables"\} 1$/m);
    assert.ok(text.endsWith('\n'));
  });
});
