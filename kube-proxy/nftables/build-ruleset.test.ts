import assert from 'node:assert/strict';
import { buildNftRuleset, countNftRules, type NftExistingState } from './build-ruleset';
import { NftablesOptionError } from './check-plan';
import { allFeaturesPlan, checkGolden, CLUSTER_CIDR, ep, FEATURE_PLANS, NODE_IPS, plan, port } from './fixtures';
import { affinitySetName, endpointChainName, servicePortNames } from './names';

const opts = { clusterCIDR: CLUSTER_CIDR, nodeIPs: NODE_IPS };
const build = (p = plan(), extra: Partial<Parameters<typeof buildNftRuleset>[1]> = {}) => buildNftRuleset(p, { ...opts, ...extra });

/** The lines a plan adds to the empty table: each feature's golden file holds only its own part. */
function servicePart(payload: string): string {
  const skeleton = new Set(build().split('\n'));
  return payload
    .split('\n')
    .filter((l) => !skeleton.has(l))
    .join('\n');
}

const lines = (payload: string) => payload.split('\n');
const fp = (name: string) => FEATURE_PLANS[name].servicePorts[0];

describe('nftables buildNftRuleset', () => {
  it('writes the empty table: base chains, skeleton chains and maps, re-created in one transaction', () => {
    const payload = build();
    checkGolden('empty.nft', payload);
    assert.deepEqual(lines(payload).slice(0, 3), ['add table ip k8ts-proxy', 'delete table ip k8ts-proxy', 'add table ip k8ts-proxy { comment "k8ts kube-proxy (nftables mode)"; }']);
    assert.ok(lines(payload).every((l) => l === '' || / ip k8ts-proxy( |$)/.test(l)), 'every statement names our table and no other');
  });

  for (const name of Object.keys(FEATURE_PLANS)) {
    it(`feature ${name}: golden text`, () => {
      checkGolden(`${name}.nft`, servicePart(build(FEATURE_PLANS[name])));
    });
  }

  it('every feature together (golden), and the same plan always gives the same bytes', () => {
    const payload = build(allFeaturesPlan());
    checkGolden('all-features.nft', payload);
    assert.equal(build(allFeaturesPlan()), payload);
  });

  it('cluster IP: a verdict-map entry to the service chain, masquerade for sources outside the pod network, an even random choice', () => {
    const sp = fp('cluster-ip');
    const chain = servicePortNames(sp).cluster;
    const p = build(FEATURE_PLANS['cluster-ip']);
    assert.ok(p.includes(`add element ip k8ts-proxy service-ips { 10.96.12.34 . tcp . 80 : goto ${chain} }`));
    assert.ok(p.includes(`add rule ip k8ts-proxy ${chain} ip daddr 10.96.12.34 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade`));
    assert.ok(p.includes(`add rule ip k8ts-proxy ${chain} numgen random mod 2 vmap { 0 : goto ${endpointChainName(sp, sp.clusterEndpoints[0])}, 1 : goto ${endpointChainName(sp, sp.clusterEndpoints[1])} }`));
    assert.equal(p.split('\n').filter((l) => l.startsWith('add element ip k8ts-proxy cluster-ips')).length, 2, 'kube-dns has two ports but one cluster IP element');
  });

  it('endpoint chain: hairpin masquerade then DNAT with the protocol', () => {
    const sp = fp('terminating-fallback');
    const chain = endpointChainName(sp, sp.clusterEndpoints[0]);
    const p = build(FEATURE_PLANS['terminating-fallback']);
    assert.ok(p.includes(`add rule ip k8ts-proxy ${chain} ip saddr 10.244.0.80 jump mark-for-masquerade\nadd rule ip k8ts-proxy ${chain} meta l4proto sctp dnat to 10.244.0.80:9000\n`));
  });

  it('no endpoints: cluster IP, node port, external IP and LB IP are rejected, and no service chain exists', () => {
    const p = build(FEATURE_PLANS['no-endpoints']);
    for (const k of ['10.96.0.99 . tcp . 443', '203.0.113.9 . tcp . 443', '198.51.100.7 . tcp . 443']) {
      assert.ok(p.includes(`add element ip k8ts-proxy no-endpoint-services { ${k} comment "default/empty" : goto reject-chain }`), k);
    }
    assert.ok(p.includes('add element ip k8ts-proxy no-endpoint-nodeports { tcp . 30443 comment "default/empty" : goto reject-chain }'));
    assert.ok(!/add element ip k8ts-proxy (service-ips|service-nodeports) /.test(p));
    assert.ok(!p.includes('/default/empty/'), 'no chain for a port without endpoints');
  });

  it('node port and external addresses go through the external chain, which masquerades (Cluster policy)', () => {
    const sp = fp('external-ips-lb');
    const n = servicePortNames(sp);
    const p = build(FEATURE_PLANS['external-ips-lb']);
    for (const k of ['203.0.113.10 . tcp . 80', '198.51.100.10 . tcp . 80']) assert.ok(p.includes(`service-ips { ${k} : goto ${n.external} }`), k);
    assert.ok(p.includes(`service-nodeports { tcp . 30081 : goto ${n.external} }`));
    assert.ok(p.includes(`add rule ip k8ts-proxy ${n.external} jump mark-for-masquerade\nadd rule ip k8ts-proxy ${n.external} goto ${n.cluster}\n`));
  });

  it('externalTrafficPolicy Local: no masquerade, pod and node sources short-circuit to all endpoints, others to local ones', () => {
    const sp = fp('external-policy-local');
    const n = servicePortNames(sp);
    const p = build(FEATURE_PLANS['external-policy-local']);
    const ext = lines(p).filter((l) => l.startsWith(`add rule ip k8ts-proxy ${n.external} `)).map((l) => l.slice(`add rule ip k8ts-proxy ${n.external} `.length));
    assert.deepEqual(ext, [
      `ip saddr 10.244.0.0/16 goto ${n.cluster} comment "short-circuit pod traffic"`,
      'fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"',
      `fib saddr type local goto ${n.cluster} comment "short-circuit local traffic"`,
      `goto ${n.local}`,
    ]);
    assert.ok(p.includes(`add rule ip k8ts-proxy ${n.local} numgen random mod 1 vmap { 0 : goto ${endpointChainName(sp, sp.localEndpoints[0])} }`));
    assert.ok(!/add element ip k8ts-proxy no-endpoint-/.test(p), 'nothing dropped: there is a local endpoint');
  });

  it('externalTrafficPolicy Local without a local endpoint: external traffic dropped, short-circuits kept', () => {
    const n = servicePortNames(fp('external-policy-local-none-here'));
    const p = build(FEATURE_PLANS['external-policy-local-none-here']);
    assert.ok(p.includes('no-endpoint-services { 203.0.113.41 . tcp . 80 comment "default/etp-remote" : drop }'));
    assert.ok(p.includes('no-endpoint-nodeports { tcp . 30083 comment "default/etp-remote" : drop }'));
    assert.ok(p.includes(`service-ips { 203.0.113.41 . tcp . 80 : goto ${n.external} }`));
    assert.ok(p.includes(`${n.external} fib saddr type local goto ${n.cluster}`));
    assert.ok(!p.includes(`goto ${n.local}`) && !p.includes(`add chain ip k8ts-proxy ${n.local}`));
    assert.ok(p.includes(`service-ips { 10.96.0.41 . tcp . 80 : goto ${n.cluster} }`), 'cluster IP traffic is not affected');
  });

  it('internalTrafficPolicy Local: cluster IP to the local chain; without a local endpoint the cluster IP is dropped', () => {
    const local = servicePortNames(fp('internal-policy-local')).local;
    const p = build(FEATURE_PLANS['internal-policy-local']);
    assert.ok(p.includes(`service-ips { 10.96.0.50 . tcp . 80 : goto ${local} }`));
    assert.ok(p.includes('no-endpoint-services { 10.96.0.51 . tcp . 80 comment "default/itp-remote" : drop }'));
    assert.ok(!p.includes('10.244.1.50'), 'the remote endpoint gets no chain');
  });

  it('both policies Local with a node port: the cluster chain still exists for the short-circuits', () => {
    const sp = fp('both-policies-local');
    const n = servicePortNames(sp);
    const p = build(FEATURE_PLANS['both-policies-local']);
    assert.ok(p.includes(`add chain ip k8ts-proxy ${n.cluster}\n`));
    assert.ok(p.includes(`add chain ip k8ts-proxy ${endpointChainName(sp, sp.clusterEndpoints[1])}\n`));
    assert.ok(p.includes(`service-ips { 10.96.0.60 . tcp . 80 : goto ${n.local} }`));
  });

  it('session affinity: one timed set per endpoint, checked before the random choice and updated on DNAT', () => {
    const sp = fp('session-affinity');
    const [a, b] = sp.clusterEndpoints;
    const p = build(FEATURE_PLANS['session-affinity']);
    assert.ok(p.includes(`add set ip k8ts-proxy ${affinitySetName(sp, a)} { type ipv4_addr; flags dynamic,timeout; timeout 600s; }`));
    const svc = lines(p).filter((l) => l.startsWith(`add rule ip k8ts-proxy ${servicePortNames(sp).cluster} `));
    assert.equal(svc.length, 4);
    assert.ok(svc[1].endsWith(`ip saddr @${affinitySetName(sp, a)} goto ${endpointChainName(sp, a)}`));
    assert.ok(svc[2].endsWith(`ip saddr @${affinitySetName(sp, b)} goto ${endpointChainName(sp, b)}`));
    assert.ok(svc[3].includes('numgen random mod 2'));
    assert.ok(p.includes(`add rule ip k8ts-proxy ${endpointChainName(sp, b)} update @${affinitySetName(sp, b)} { ip saddr }\n`));
  });

  describe('in-place update (existing state given)', () => {
    const sticky = fp('session-affinity');
    const goneChain = 'service-ABCDEFGH-default/gone/tcp/';
    const existing: NftExistingState = {
      chains: ['filter-input', 'services', goneChain, 'endpoint-ZZZZZZZZ-default/gone/tcp/__10.244.9.9/80'],
      sets: [
        { name: 'cluster-ips' },
        { name: affinitySetName(sticky, sticky.clusterEndpoints[0]), timeoutSeconds: 600 },
        { name: affinitySetName(sticky, sticky.clusterEndpoints[1]), timeoutSeconds: 10800 },
        { name: 'affinity-ZZZZZZZZ-default/gone/tcp/__10.244.9.9/80', timeoutSeconds: 10800 },
      ],
      maps: ['service-ips', 'old-map'],
    };

    it('keeps the table and unchanged affinity sets; flushes, refills and deletes what is stale (golden)', () => {
      const payload = build(FEATURE_PLANS['session-affinity'], { existing });
      checkGolden('in-place.nft', payload);
      const l = lines(payload);
      assert.ok(!l.includes('delete table ip k8ts-proxy'));
      assert.ok(l.includes(`delete chain ip k8ts-proxy ${goneChain}`));
      assert.ok(l.includes('delete set ip k8ts-proxy affinity-ZZZZZZZZ-default/gone/tcp/__10.244.9.9/80'));
      assert.ok(l.includes(`delete set ip k8ts-proxy ${affinitySetName(sticky, sticky.clusterEndpoints[1])}`), 'timeout changed: re-created');
      assert.ok(!l.includes(`delete set ip k8ts-proxy ${affinitySetName(sticky, sticky.clusterEndpoints[0])}`), 'unchanged: its clients stay sticky');
      assert.ok(l.includes('delete map ip k8ts-proxy old-map'));
      // Order: flushes before deletions of sets, stale chains deleted last.
      assert.ok(l.indexOf(`flush chain ip k8ts-proxy ${goneChain}`) < l.indexOf('delete set ip k8ts-proxy affinity-ZZZZZZZZ-default/gone/tcp/__10.244.9.9/80'));
      assert.equal(l.filter((x) => x !== '').at(-1), `delete chain ip k8ts-proxy ${goneChain}`);
    });
  });

  it('re-creates the table when the existing state holds a name it cannot write', () => {
    const payload = build(plan(), { existing: { chains: ['services', 'odd name; flush ruleset'], sets: [], maps: [] } });
    assert.equal(payload, build(plan()));
  });

  it('leaves out a port that cannot be written safely, reports it, and keeps the others', () => {
    const skipped: string[] = [];
    const bad = [
      port({ namespace: 'default', service: 'evil', name: 'default/evil:x" ; flush ruleset', clusterIP: '10.96.0.200', port: 80 }),
      port({ namespace: 'default', service: 'v6', clusterIP: 'fd00::1', port: 80 }),
      port({ namespace: 'default', service: 'bigport', clusterIP: '10.96.0.201', port: 70000 }),
      port({ namespace: 'default', service: 'badep', clusterIP: '10.96.0.202', port: 80, endpoints: [ep('10.244.0.1; drop', 80)] }),
      port({ namespace: 'default', service: 'sticky0', clusterIP: '10.96.0.203', port: 80, sessionAffinity: { timeoutSeconds: 0 } }),
      port({ namespace: 'default', service: 'ext6', clusterIP: '10.96.0.204', port: 80, externalIPs: ['2001:db8::1'] }),
    ];
    const good = fp('cluster-ip');
    const p = build(plan(...bad, good), { skipped });
    assert.equal(skipped.length, bad.length);
    assert.match(skipped[0], /^default\/evil:x" ; flush ruleset: port name .* is not a DNS label$/);
    assert.match(skipped[1], /cluster IP "fd00::1" is not IPv4/);
    assert.ok(!p.includes('flush ruleset') && !p.includes('10.96.0.20') && !p.includes('fd00'));
    assert.ok(p.includes('10.96.12.34'));
  });

  it('refuses bad options with NftablesOptionError', () => {
    const cases: [Partial<Parameters<typeof buildNftRuleset>[1]>, RegExp][] = [
      [{ clusterCIDR: '10.244.0.0' }, /clusterCIDR/],
      [{ clusterCIDR: '10.244.0.0/33' }, /clusterCIDR/],
      [{ nodeIPs: ['node-a'] }, /node IP/],
      [{ tableName: 'k8ts proxy; flush ruleset' }, /table name/],
    ];
    for (const [o, msg] of cases) {
      assert.throws(
        () => build(plan(), o),
        (err: unknown) => err instanceof NftablesOptionError && err.code === 'NFTABLES_OPTION_INVALID' && msg.test(err.message),
      );
    }
  });

  it('uses the table name it is given everywhere', () => {
    const p = build(FEATURE_PLANS['cluster-ip'], { tableName: 'k8ts-test' });
    assert.ok(lines(p).every((l) => l === '' || / ip k8ts-test( |$)/.test(l)));
  });

  it('countNftRules counts rules', () => {
    assert.equal(countNftRules(build()), 19);
    const sp = fp('cluster-ip');
    // 1 masquerade + 1 numgen in the service chain, 2 rules in each of 2 endpoint chains.
    assert.equal(countNftRules(build(plan(sp))), 19 + 2 + 4);
  });
});
