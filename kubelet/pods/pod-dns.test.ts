import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { clusterSearches, fitSearches, hostSearchProblem, mergeDnsOptions, podDnsConfig, podDnsType, type DnsConfig, type PodDnsContext } from './pod-dns';

const pod = (spec: Record<string, unknown> = {}): Pod => ({ metadata: { name: 'p', namespace: 'ns1', uid: 'u1' }, spec: { containers: [], ...spec } });
const host = { nameservers: ['10.0.0.2', '10.0.0.3'], searches: ['corp.example'], options: ['ndots:2', 'timeout:1'] };
const ctx = (over: Partial<PodDnsContext> = {}): PodDnsContext => ({ clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostResolv: host, nodeIPs: ['192.168.1.5'], ...over });
const CLUSTER: DnsConfig = { servers: ['10.96.0.10'], searches: ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:5'] };
const HOST: DnsConfig = { servers: ['10.0.0.2', '10.0.0.3'], searches: ['corp.example'], options: ['ndots:2', 'timeout:1'] };

describe('pod DNS config', () => {
  const types: [string, Record<string, unknown>, string][] = [
    ['no policy (the apiserver default) is ClusterFirst', {}, 'cluster'],
    ['ClusterFirst', { dnsPolicy: 'ClusterFirst' }, 'cluster'],
    ['ClusterFirst with hostNetwork is Default', { dnsPolicy: 'ClusterFirst', hostNetwork: true }, 'host'],
    ['ClusterFirstWithHostNet with hostNetwork', { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, 'cluster'],
    ['ClusterFirstWithHostNet without', { dnsPolicy: 'ClusterFirstWithHostNet' }, 'cluster'],
    ['Default', { dnsPolicy: 'Default' }, 'host'],
    ['None', { dnsPolicy: 'None' }, 'none'],
    ['an unknown policy counts as ClusterFirst', { dnsPolicy: 'Bogus' }, 'cluster'],
  ];
  for (const [name, spec, want] of types) it(`type: ${name}`, () => assert.equal(podDnsType(pod(spec)), want));

  const configs: [string, Record<string, unknown>, Partial<PodDnsContext>, DnsConfig][] = [
    ['ClusterFirst: the cluster DNS, cluster searches then the node\'s, ndots:5', { dnsPolicy: 'ClusterFirst' }, {}, CLUSTER],
    ['ClusterFirst without a cluster domain keeps the node\'s searches', { dnsPolicy: 'ClusterFirst' }, { clusterDomain: '' }, { ...CLUSTER, searches: ['corp.example'] }],
    ['ClusterFirst with the host resolver disabled', { dnsPolicy: 'ClusterFirst' }, { hostResolv: undefined }, { ...CLUSTER, searches: ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local'] }],
    ['ClusterFirst on the host network: the node\'s resolver', { hostNetwork: true }, {}, HOST],
    ['ClusterFirstWithHostNet on the host network', { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, {}, CLUSTER],
    ['Default: the node\'s resolv.conf as it is', { dnsPolicy: 'Default' }, {}, HOST],
    ['Default with --resolv-conf=\'\': the loopback, search "."', { dnsPolicy: 'Default' }, { hostResolv: undefined }, { servers: ['127.0.0.1'], searches: ['.'], options: [] }],
    ['Default with --resolv-conf=\'\' on a dual-stack node', { dnsPolicy: 'Default' }, { hostResolv: undefined, nodeIPs: ['192.168.1.5', 'fd00::5'] }, { servers: ['127.0.0.1', '::1'], searches: ['.'], options: [] }],
    [
      'None: only dnsConfig',
      { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } },
      {},
      { servers: ['1.1.1.1'], searches: ['a.example'], options: ['ndots:2', 'edns0'] },
    ],
    [
      'ClusterFirst + dnsConfig: appended without duplicates, options by name',
      { dnsConfig: { nameservers: ['10.96.0.10', '1.1.1.1'], searches: ['cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }] } },
      {},
      { servers: ['10.96.0.10', '1.1.1.1'], searches: [...CLUSTER.searches, 'extra.example'], options: ['ndots:1', 'single-request-reopen'] },
    ],
    ['Default + an option without a value replaces one with a value', { dnsPolicy: 'Default', dnsConfig: { options: [{ name: 'timeout' }] } }, {}, { ...HOST, options: ['ndots:2', 'timeout'] }],
  ];
  for (const [name, spec, over, want] of configs)
    it(name, () => {
      const r = podDnsConfig(pod(spec), ctx(over));
      assert.deepEqual(r.config, want);
      assert.deepEqual(r.warnings, []);
    });

  it('ClusterFirst without a cluster DNS falls back to Default and says so, on the pod and the node', () => {
    const r = podDnsConfig(pod(), ctx({ clusterDNS: [] }));
    assert.deepEqual(r.config, HOST);
    const node = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
    assert.deepEqual(r.warnings, [{ reason: 'MissingClusterDNS', message: `pod: "p_ns1(u1)". ${node}`, nodeMessage: node }]);
  });

  it('keeps at most 3 nameservers', () => {
    const r = podDnsConfig(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] } }), ctx());
    assert.deepEqual(r.config.servers, ['10.96.0.10', '1.1.1.1', '2.2.2.2']);
    assert.deepEqual(r.warnings, [{ reason: 'DNSConfigForming', message: 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 2.2.2.2' }]);
  });

  it('cuts the search list to 32 paths and reports the line applied', () => {
    const many = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
    const r = podDnsConfig(pod({ dnsConfig: { searches: many } }), ctx());
    assert.equal(r.config.searches.length, 32);
    assert.deepEqual(r.config.searches.slice(0, 4), CLUSTER.searches);
    assert.equal(r.config.searches[31], 's27.example');
    assert.deepEqual(r.warnings, [{ reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${r.config.searches.join(' ')}` }]);
  });
});

describe('pod DNS helpers', () => {
  it('cluster searches come first and repeat nothing', () => {
    assert.deepEqual(clusterSearches('ns', 'cluster.local', ['svc.cluster.local', 'lan']), ['ns.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lan']);
  });

  it('merges options by name, keeping the base order', () => {
    assert.deepEqual(mergeDnsOptions(['ndots:5', 'rotate', 'timeout:2'], [{ name: 'rotate', value: '1' }, { name: 'attempts', value: '3' }, { name: 'ndots' }, {}]), ['ndots', 'rotate:1', 'timeout:2', 'attempts:3']);
  });

  const fits: [string, string[], string[], boolean][] = [
    ['within the limits', ['a', 'b'], ['a', 'b'], false],
    ['over-long paths dropped', ['a', 'x'.repeat(254), 'b'], ['a', 'b'], true],
    // 9 paths of 250 characters: 2258 with spaces; dropping the last leaves 2007.
    ['too many characters: cut from the end', Array.from({ length: 9 }, (_, i) => String(i).repeat(250)), Array.from({ length: 8 }, (_, i) => String(i).repeat(250)), true],
  ];
  for (const [name, input, want, cut] of fits) it(`search limits: ${name}`, () => assert.deepEqual(fitSearches(input), { searches: want, cut }));
});

describe("the node's search line against the limits", () => {
  const cases: [string, string[], string, string | undefined][] = [
    ['fine', ['a.example'], 'cluster.local', undefined],
    ['30 paths beside the cluster ones', Array.from({ length: 30 }, (_, i) => `s${i}`), 'cluster.local', "Resolv.conf file '/r' contains search line consisting of more than 29 domains!"],
    ['30 paths without a cluster domain', Array.from({ length: 30 }, (_, i) => `s${i}`), '', undefined],
    ['a path over 253 characters', ['x'.repeat(254)], 'cluster.local', 'Resolv.conf file "/r" contains a search path which length is more than allowed 253 chars!'],
    ['a line over 2048 characters', Array.from({ length: 9 }, () => 'y'.repeat(250)), 'cluster.local', "Resolv.conf file '/r' contains search line which length is more than allowed 2048 chars!"],
  ];
  for (const [name, searches, domain, want] of cases) it(name, () => assert.equal(hostSearchProblem('/r', searches, domain), want));
});
