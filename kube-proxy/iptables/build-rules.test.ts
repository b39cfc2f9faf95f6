import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import type { Service } from '../../lib/api/types';
import { repoRoot } from '../../lib/repo-root';
import { planServices } from '../plan/plan-services';
import type { PlannedEndpoint, ProxyPlan, ServicePortPlan } from '../plan/types';
import { buildRules, countRules, probability } from './build-rules';
import { endpointChainName, externalChainName, localChainName, serviceChainName } from './chain-names';

// Golden files are test fixtures (test/fixtures/kube-proxy/iptables); the sources' copy is the one
// compared and rewritten, whether the test runs from dist/ or from the sources.
function goldenPath(name: string): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'kube-proxy', 'iptables', name);
}

function checkGolden(name: string, actual: string): void {
  const file = goldenPath(name);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'));
}

const CIDR = '10.244.0.0/16';
const build = (plan: ProxyPlan, existingChains?: string[]) => buildRules({ plan, nodeIPs: ['192.168.1.10'], clusterCIDR: CIDR, existingChains }).payload;

// --- the mixed cluster, from Services and EndpointSlices through planServices -------------------

const svc = (ns: string, name: string, spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec });
const services: Service[] = [
  svc('default', 'web', { type: 'NodePort', clusterIP: '10.96.12.34', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web', nodePort: 30080 }] }),
  svc('kube-system', 'kube-dns', {
    type: 'ClusterIP',
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
      { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
    ],
  }),
  svc('default', 'empty', { type: 'NodePort', clusterIP: '10.96.0.99', ports: [{ protocol: 'TCP', port: 443, targetPort: 8443, nodePort: 30443 }] }),
  svc('default', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
  svc('default', 'external', { type: 'ExternalName', externalName: 'example.invalid' }),
];
const slice = (ns: string, service: string, ports: EndpointSlice['ports'], endpoints: EndpointSlice['endpoints']): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { namespace: ns, name: `${service}-abcde`, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  ports,
  endpoints,
});
const slices: EndpointSlice[] = [
  slice('default', 'web', [{ name: 'http', port: 8080, protocol: 'TCP' }], [
    { addresses: ['10.244.1.12'], conditions: { ready: true } },
    { addresses: ['10.244.0.7'], conditions: { ready: true } },
    { addresses: ['10.244.2.3'], conditions: { ready: true } },
    { addresses: ['10.244.0.8'], conditions: { ready: false } },
  ]),
  slice('kube-system', 'kube-dns', [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], [{ addresses: ['10.244.0.2'] }]),
  slice('default', 'empty', [{ port: 8443, protocol: 'TCP' }], []),
];
const mixedPlan = () => planServices({ services, endpointSlices: slices, nodeName: 'n1' });

// --- single-feature plans, written directly --------------------------------------------------------

const ep = (ip: string, local = false, over: Partial<PlannedEndpoint> = {}): PlannedEndpoint => ({ ip, port: 8080, endpoint: `${ip}:8080`, local, ready: true, serving: true, terminating: false, ...over });
const LOCAL = ep('10.244.0.5', true);
const REMOTE_A = ep('10.244.1.5');
const REMOTE_B = ep('10.244.2.5');

function port(over: Partial<ServicePortPlan>): ServicePortPlan {
  const eps = [LOCAL, REMOTE_A, REMOTE_B];
  return {
    name: 'default/web:http',
    namespace: 'default',
    service: 'web',
    protocol: 'tcp',
    clusterIP: '10.96.5.5',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    clusterEndpoints: eps,
    localEndpoints: eps.filter((e) => e.local),
    allEndpoints: eps,
    ...over,
  };
}
const one = (over: Partial<ServicePortPlan>): ProxyPlan => ({ servicePorts: [port(over)], skipped: [] });

const features: [string, string, ProxyPlan][] = [
  ['session affinity ClientIP: recent --rcheck in the service chain, --set in the endpoint chains', 'affinity.golden', one({ sessionAffinity: { timeoutSeconds: 600 } })],
  ['internalTrafficPolicy Local: the cluster IP goes to KUBE-SVL with this node\'s endpoints only', 'itp-local.golden', one({ internalPolicyLocal: true })],
  ['internalTrafficPolicy Local without a local endpoint: the cluster IP is dropped', 'itp-local-none.golden', one({ internalPolicyLocal: true, localEndpoints: [] })],
  [
    'externalTrafficPolicy Local: node port, external IP and LB IP keep the source, pods and the node short-cut to the cluster',
    'etp-local.golden',
    one({ nodePort: 30080, externalIPs: ['192.0.2.10'], loadBalancerIPs: ['203.0.113.9'], externalPolicyLocal: true, healthCheckNodePort: 32000 }),
  ],
  ['externalTrafficPolicy Local without a local endpoint: external traffic dropped, the short cut kept', 'etp-local-none.golden', one({ nodePort: 30080, loadBalancerIPs: ['203.0.113.9'], externalPolicyLocal: true, localEndpoints: [] })],
  ['externalTrafficPolicy Cluster with external IPs and LB IPs: masqueraded through KUBE-EXT', 'external-ips.golden', one({ nodePort: 30080, externalIPs: ['192.0.2.10', '192.0.2.11'], loadBalancerIPs: ['203.0.113.9'] })],
  [
    'no endpoints at all: cluster IP, node port, external IP and LB IP rejected',
    'no-endpoints.golden',
    one({ nodePort: 30080, externalIPs: ['192.0.2.10'], loadBalancerIPs: ['203.0.113.9'], externalPolicyLocal: true, clusterEndpoints: [], localEndpoints: [], allEndpoints: [] }),
  ],
  [
    'both policies Local with affinity on UDP: one endpoint chain shared by KUBE-SVC and KUBE-SVL',
    'both-local.golden',
    one({ protocol: 'udp', nodePort: 30053, internalPolicyLocal: true, externalPolicyLocal: true, sessionAffinity: { timeoutSeconds: 10800 } }),
  ],
];

const natLines = (payload: string) => payload.slice(payload.indexOf('*nat')).split('\n');
const filterLines = (payload: string) => payload.slice(0, payload.indexOf('*nat')).split('\n');

describe('kube-proxy buildRules', () => {
  it('renders the golden payload for a mixed cluster', () => {
    const webChain = serviceChainName('default/web:http', 'TCP');
    const staleSvc = serviceChainName('default/gone:http', 'TCP');
    const staleSep = endpointChainName('default/gone:http', 'TCP', '10.244.0.50:80');
    checkGolden('mixed.golden', build(mixedPlan(), ['PREROUTING', 'KUBE-SERVICES', webChain, staleSvc, staleSep, 'DOCKER', 'KUBE-FIREWALL']));
  });

  it('renders the golden payload for an empty cluster', () => {
    checkGolden('empty.golden', build({ servicePorts: [], skipped: [] }));
  });

  for (const [what, file, plan] of features) it(`renders ${what} (${file})`, () => checkGolden(file, build(plan)));

  it('affinity: every endpoint is checked before the random pick and remembered on DNAT', () => {
    const nat = natLines(build(one({ sessionAffinity: { timeoutSeconds: 600 } })));
    const svcChain = serviceChainName('default/web:http', 'tcp');
    const inSvc = nat.filter((l) => l.startsWith(`-A ${svcChain} `));
    const firstRandom = inSvc.findIndex((l) => l.includes('--mode random'));
    const checks = inSvc.filter((l) => / -m recent --name (KUBE-SEP-\w+) --rcheck --seconds 600 --reap -j \1$/.test(l));
    assert.equal(checks.length, 3);
    assert.ok(inSvc.indexOf(checks[2]) < firstRandom);
    for (const e of [LOCAL, REMOTE_A, REMOTE_B]) {
      const sep = endpointChainName('default/web:http', 'tcp', e.endpoint);
      assert.ok(nat.includes(`-A ${sep} -m comment --comment default/web:http -m recent --name ${sep} --set -p tcp -m tcp -j DNAT --to-destination ${e.endpoint}`));
    }
  });

  it('internalTrafficPolicy Local: only this node\'s endpoint gets a chain; none local means DROP, not REJECT', () => {
    const payload = build(one({ internalPolicyLocal: true }));
    assert.ok(!payload.includes(REMOTE_A.endpoint) && !payload.includes(REMOTE_B.endpoint));
    assert.ok(natLines(payload).some((l) => l.startsWith('-A KUBE-SERVICES ') && l.endsWith(`-j ${localChainName('default/web:http', 'tcp')}`)));
    const none = build(one({ internalPolicyLocal: true, localEndpoints: [] }));
    assert.ok(filterLines(none).includes('-A KUBE-SERVICES -m comment --comment "default/web:http has no local endpoints" -d 10.96.5.5/32 -p tcp -m tcp --dport 80 -j DROP'));
    assert.ok(!natLines(none).some((l) => l.includes('KUBE-SVC-') || l.includes('KUBE-SEP-')));
  });

  it('externalTrafficPolicy Local: no masquerade for outside traffic, DROP when no endpoint is local', () => {
    const ext = externalChainName('default/web:http', 'tcp');
    const payload = build(one({ nodePort: 30080, externalPolicyLocal: true }));
    const extRules = natLines(payload).filter((l) => l.startsWith(`-A ${ext} `));
    assert.deepEqual(
      extRules.map((l) => l.replace(/-m comment --comment "[^"]*" /, '')),
      [
        `-A ${ext} -s ${CIDR} -j ${serviceChainName('default/web:http', 'tcp')}`,
        `-A ${ext} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
        `-A ${ext} -m addrtype --src-type LOCAL -j ${serviceChainName('default/web:http', 'tcp')}`,
        `-A ${ext} -j ${localChainName('default/web:http', 'tcp')}`,
      ],
    );
    const none = build(one({ nodePort: 30080, externalPolicyLocal: true, localEndpoints: [] }));
    assert.ok(filterLines(none).includes('-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/web:http has no local endpoints" -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -j DROP'));
    // The cluster IP still works.
    assert.ok(natLines(none).some((l) => l.startsWith('-A KUBE-SERVICES ') && l.includes('-d 10.96.5.5/32')));
  });

  it('is independent of input order', () => {
    const reordered = planServices({ services: [...services].reverse(), endpointSlices: [...slices].reverse(), nodeName: 'n1' });
    assert.equal(build(reordered), build(mixedPlan()));
  });

  it('deletes only stale hashed chains, never foreign ones', () => {
    const live = serviceChainName('default/web:http', 'TCP');
    const stale = [
      serviceChainName('default/gone:http', 'TCP'),
      localChainName('default/gone:http', 'TCP'),
      externalChainName('default/gone:http', 'TCP'),
      'KUBE-FW-ABCDEFGHIJKLMNOP',
      endpointChainName('default/gone:http', 'TCP', '10.244.0.50:80'),
    ];
    const payload = build(mixedPlan(), [live, ...stale, 'DOCKER', 'KUBE-FIREWALL']);
    const deleted = payload.split('\n').filter((l) => l.startsWith('-X '));
    assert.deepEqual(deleted, stale.map((c) => `-X ${c}`).sort());
    assert.ok(!payload.includes('DOCKER'));
    assert.ok(!payload.includes('KUBE-FIREWALL'));
  });

  it('declares every chain it jumps to, and each once', () => {
    for (const [, , plan] of [...features, ['', '', mixedPlan()] as [string, string, ProxyPlan]]) {
      const nat = natLines(build(plan));
      const declared = nat.filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]);
      assert.equal(new Set(declared).size, declared.length);
      for (const l of nat.filter((x) => x.startsWith('-A '))) {
        const target = / -j (KUBE-[\w-]+)/.exec(l)?.[1];
        if (target) assert.ok(declared.includes(target), `${target} in ${l}`);
      }
    }
  });

  it('never names a built-in chain', () => {
    for (const [, , plan] of [...features, ['', '', mixedPlan()] as [string, string, ProxyPlan]]) {
      const payload = build(plan);
      for (const builtin of ['PREROUTING', 'OUTPUT', 'POSTROUTING', 'INPUT', 'FORWARD']) {
        assert.ok(!new RegExp(`(^|[: ])${builtin}( |$)`, 'm').test(payload), builtin);
      }
    }
  });

  it('keeps the node-port jump as the last KUBE-SERVICES rule in nat', () => {
    for (const [, , plan] of [...features, ['', '', mixedPlan()] as [string, string, ProxyPlan]]) {
      const svcRules = natLines(build(plan)).filter((l) => l.startsWith('-A KUBE-SERVICES '));
      assert.match(svcRules[svcRules.length - 1], /--dst-type LOCAL -j KUBE-NODEPORTS$/);
    }
  });

  it('counts rules per table', () => {
    assert.deepEqual(countRules('*filter\n:X - [0:0]\n-A X -j ACCEPT\nCOMMIT\n*nat\n-A Y -j RETURN\n-A Y -j RETURN\nCOMMIT\n'), { filter: 1, nat: 2 });
  });

  it('names chains exactly like Kubernetes does', () => {
    // Values from Kubernetes' own proxier tests for service port "ns1/svc1:p80" and 10.180.0.1:80.
    assert.equal(serviceChainName('ns1/svc1:p80', 'TCP'), 'KUBE-SVC-XPGD46QRK7WJZT7O');
    assert.equal(endpointChainName('ns1/svc1:p80', 'TCP', '10.180.0.1:80'), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
    assert.equal(externalChainName('ns1/svc1:p80', 'TCP'), 'KUBE-EXT-XPGD46QRK7WJZT7O');
    assert.equal(localChainName('ns1/svc1:p80', 'TCP'), 'KUBE-SVL-XPGD46QRK7WJZT7O');
  });

  const cases: [number, string][] = [
    [1, '1.0000000000'],
    [2, '0.5000000000'],
    [3, '0.3333333333'],
    [7, '0.1428571429'],
  ];
  for (const [n, want] of cases) {
    it(`formats probability 1/${n} as ${want}`, () => assert.equal(probability(n), want));
  }

  it('programs the rest when a Service cannot be programmed', () => {
    const poison = svc('default', 'quote', { type: 'NodePort', clusterIP: '10.96.0.77', ports: [{ name: 'a"b', port: 80 } as never] });
    const plan = planServices({ services: [...services, poison], endpointSlices: slices, nodeName: 'n1' });
    assert.deepEqual(plan.skipped, ['default/quote: port name "a\\"b" is not a DNS label']);
    assert.equal(build(plan), build(mixedPlan()));
  });
});

// --- partial builds: only what changed since the last successful apply ----------------------------

/** A tiny model of what `iptables-restore --noflush` does to our chains, per table: declaring
 *  creates or flushes, -A appends to a declared chain, -X deletes an empty chain nobody jumps to. */
function restoreInto(kernel: Map<string, Map<string, string[]>>, payload: string): void {
  let table: Map<string, string[]> | undefined;
  for (const line of payload.split('\n')) {
    if (line.startsWith('*')) {
      const name = line.slice(1);
      if (!kernel.has(name)) kernel.set(name, new Map());
      table = kernel.get(name);
    } else if (line.startsWith(':')) table!.set(line.slice(1).split(' ')[0], []);
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1];
      assert.ok(table!.has(chain), `append to undeclared ${chain}`);
      table!.get(chain)!.push(line);
    } else if (line.startsWith('-X ')) {
      const chain = line.slice(3);
      assert.deepEqual(table!.get(chain), [], `-X of a missing or non-empty ${chain}`);
      for (const rules of table!.values()) assert.ok(!rules.some((r) => r.endsWith(`-j ${chain}`)), `-X of ${chain} while referenced`);
      table!.delete(chain);
    }
  }
  // every jump lands in a chain that exists
  for (const rules of kernel.get('nat')?.values() ?? []) {
    for (const r of rules) {
      const target = / -j (KUBE-(?:SVC|SVL|EXT|FW|SEP)-\w+)/.exec(r)?.[1];
      if (target) assert.ok(kernel.get('nat')!.has(target), `${r} jumps to a missing chain`);
    }
  }
}
const kernelAfter = (...payloads: string[]) => {
  const k = new Map<string, Map<string, string[]>>();
  for (const p of payloads) restoreInto(k, p);
  return k;
};

const fullOf = (plan: ProxyPlan) => buildRules({ plan, nodeIPs: ['192.168.1.10'], clusterCIDR: CIDR });
const partialOf = (plan: ProxyPlan, before: ProxyPlan) => buildRules({ plan, nodeIPs: ['192.168.1.10'], clusterCIDR: CIDR, previous: fullOf(before).chains });
const declaredHashed = (payload: string) => payload.split('\n').filter((l) => /^:KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(l)).map((l) => l.slice(1).split(' ')[0]).sort();
const deleted = (payload: string) => payload.split('\n').filter((l) => l.startsWith('-X ')).map((l) => l.slice(3)).sort();

const WEB = 'default/web:http';
const ADDED = '10.244.3.9';
const withWebEndpoint = () =>
  planServices({
    services,
    endpointSlices: slices.map((s) => (s.metadata.name === 'web-abcde' ? { ...s, endpoints: [...(s.endpoints ?? []), { addresses: [ADDED], conditions: { ready: true } }] } : s)),
    nodeName: 'n1',
  });
const withoutWeb = () => planServices({ services: services.filter((s) => s.metadata.name !== 'web'), endpointSlices: slices.filter((s) => s.metadata.name !== 'web-abcde'), nodeName: 'n1' });

describe('kube-proxy buildRules, partial', () => {
  it('without previous: a full payload, with every hashed chain and its text remembered', () => {
    const built = fullOf(mixedPlan());
    assert.equal(built.payload, build(mixedPlan()));
    assert.deepEqual([...built.chains.keys()].sort(), declaredHashed(built.payload));
    for (const [chain, text] of built.chains) {
      assert.equal(text, natLines(built.payload).filter((l) => l.startsWith(`-A ${chain} `)).join('\n'));
    }
    assert.deepEqual(built.rules, countRules(built.payload));
  });

  it('unchanged state: only the fixed chains (golden)', () => {
    const built = partialOf(mixedPlan(), mixedPlan());
    checkGolden('partial-unchanged.golden', built.payload);
    assert.deepEqual(declaredHashed(built.payload), []);
    assert.ok(!natLines(built.payload).some((l) => /^-A KUBE-(SVC|SVL|EXT|SEP)-/.test(l)));
    // what the metrics report is the whole state, not what was sent
    assert.deepEqual(built.rules, fullOf(mixedPlan()).rules);
  });

  it('one endpoint added: its new endpoint chain and the service chain, nothing of other services (golden)', () => {
    const built = partialOf(withWebEndpoint(), mixedPlan());
    checkGolden('partial-endpoint-added.golden', built.payload);
    assert.deepEqual(declaredHashed(built.payload), [endpointChainName(WEB, 'tcp', `${ADDED}:8080`), serviceChainName(WEB, 'tcp')].sort());
    // the node port's external chain only jumps to KUBE-SVC: unchanged, so not sent
    assert.ok(!natLines(built.payload).some((l) => l.startsWith(`-A ${externalChainName(WEB, 'tcp')} `)));
    assert.ok(!/kube-dns/.test(natLines(built.payload).filter((l) => !l.startsWith('-A KUBE-SERVICES ')).join('\n')));
    assert.deepEqual(deleted(built.payload), []);
  });

  it('a service removed: its chains declared (flushed) and deleted (golden)', () => {
    const built = partialOf(withoutWeb(), mixedPlan());
    checkGolden('partial-service-removed.golden', built.payload);
    // web's three ready endpoints, its service chain and its node port's external chain
    const gone = [serviceChainName(WEB, 'tcp'), externalChainName(WEB, 'tcp'), ...['10.244.0.7', '10.244.1.12', '10.244.2.3'].map((ip) => endpointChainName(WEB, 'tcp', `${ip}:8080`))].sort();
    assert.deepEqual(deleted(built.payload), gone);
    assert.deepEqual(declaredHashed(built.payload), gone);
  });

  // [what, before, after, the hashed chains a partial payload must declare, those it must delete]
  const local2 = ep('10.244.0.6', true);
  const etpLocal = (eps: PlannedEndpoint[]) => one({ nodePort: 30080, externalPolicyLocal: true, clusterEndpoints: eps, localEndpoints: eps.filter((e) => e.local), allEndpoints: eps });
  const [svcC, svlC, extC] = [serviceChainName(WEB, 'tcp'), localChainName(WEB, 'tcp'), externalChainName(WEB, 'tcp')];
  const sep = (e: PlannedEndpoint) => endpointChainName(WEB, 'tcp', e.endpoint);
  const table: [string, ProxyPlan, ProxyPlan, string[], string[]][] = [
    ['externalTrafficPolicy Local, a local endpoint added: its chain, KUBE-SVC and KUBE-SVL', etpLocal([LOCAL, REMOTE_A]), etpLocal([LOCAL, local2, REMOTE_A]), [sep(local2), svcC, svlC], []],
    ['externalTrafficPolicy Local, the only local endpoint gone: KUBE-EXT loses its jump to KUBE-SVL', etpLocal([LOCAL, REMOTE_A]), etpLocal([REMOTE_A]), [extC, sep(LOCAL), svcC, svlC], [sep(LOCAL), svlC]],
    ['a remote endpoint removed: KUBE-SVC rewritten, its chain deleted', one({}), one({ clusterEndpoints: [LOCAL, REMOTE_A], localEndpoints: [LOCAL], allEndpoints: [LOCAL, REMOTE_A] }), [sep(REMOTE_B), svcC], [sep(REMOTE_B)]],
    // the endpoint chains' `--set` carries no timeout: only the service chain's checks change
    ['affinity timeout changed: the service chain only', one({ sessionAffinity: { timeoutSeconds: 600 } }), one({ sessionAffinity: { timeoutSeconds: 60 } }), [svcC], []],
    ['a node port added: KUBE-EXT is new', one({}), one({ nodePort: 30080 }), [extC], []],
    ['last endpoint gone: every chain deleted, REJECT in filter', one({ clusterEndpoints: [REMOTE_A], localEndpoints: [], allEndpoints: [REMOTE_A] }), one({ clusterEndpoints: [], localEndpoints: [], allEndpoints: [] }), [sep(REMOTE_A), svcC], [sep(REMOTE_A), svcC]],
  ];
  for (const [what, before, after, declares, deletes] of table) {
    it(`${what}; the kernel ends as a full sync would leave it`, () => {
      const built = partialOf(after, before);
      assert.deepEqual(declaredHashed(built.payload), [...declares].sort());
      assert.deepEqual(deleted(built.payload), [...deletes].sort());
      assert.deepEqual(kernelAfter(fullOf(before).payload, built.payload), kernelAfter(fullOf(after).payload));
      assert.deepEqual(built.chains, fullOf(after).chains);
    });
  }

  it('a chain of partial syncs leaves the kernel as one full sync of the last state', () => {
    const steps = [mixedPlan(), withWebEndpoint(), withoutWeb(), mixedPlan(), mixedPlan(), { servicePorts: [], skipped: [] }, withWebEndpoint()];
    const kernel = kernelAfter(fullOf(steps[0]).payload);
    let previous = fullOf(steps[0]).chains;
    for (const plan of steps.slice(1)) {
      const built = buildRules({ plan, nodeIPs: ['192.168.1.10'], clusterCIDR: CIDR, previous });
      restoreInto(kernel, built.payload);
      assert.deepEqual(kernel, kernelAfter(fullOf(plan).payload));
      previous = built.chains;
    }
  });
});

describe('kube-proxy buildRules, port memo', () => {
  it('builds the same payloads with the last build\'s memo as without, full and partial', () => {
    const opts = { nodeIPs: ['192.168.1.10'], clusterCIDR: CIDR };
    const first = buildRules({ plan: mixedPlan(), ...opts });
    for (const plan of [mixedPlan(), withWebEndpoint(), withoutWeb()]) {
      const memoFull = buildRules({ plan, ...opts, portMemo: first.portMemo });
      assert.equal(memoFull.payload, buildRules({ plan, ...opts }).payload);
      const memoPartial = buildRules({ plan, ...opts, previous: first.chains, portMemo: first.portMemo });
      assert.equal(memoPartial.payload, buildRules({ plan, ...opts, previous: first.chains }).payload);
      assert.deepEqual(memoPartial.chains, fullOf(plan).chains);
    }
  });

  it('reuses an unchanged port\'s rules and keeps only the current ports', () => {
    const first = fullOf(mixedPlan());
    const next = buildRules({ plan: withoutWeb(), nodeIPs: ['192.168.1.10'], clusterCIDR: CIDR, portMemo: first.portMemo });
    assert.equal(next.portMemo.size, withoutWeb().servicePorts.length);
    for (const [key, port] of next.portMemo) assert.equal(port, first.portMemo.get(key));
  });
});
