import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/repo-root';
import type { PlannedEndpoint, ProxyPlan, ServicePortPlan } from '../plan/types';
import { buildIpvsState, type IpvsState } from './build-ipvs';
import { IPSETS, MAX_IPSET_NAME, scratchName, type IpsetKey } from './ipsets';

// Golden files live with the other kube-proxy fixtures; UPDATE_GOLDEN=1 rewrites the sources' copy.
function checkGolden(name: string, actual: string): void {
  const file = path.join(repoRoot(), 'test', 'fixtures', 'kube-proxy', 'ipvs', name);
  if (process.env.UPDATE_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
  }
  assert.equal(actual, fs.readFileSync(file, 'utf8'));
}

const ep = (ip: string, port: number, local = false, cond: Partial<PlannedEndpoint> = {}): PlannedEndpoint => ({
  ip,
  port,
  endpoint: `${ip}:${port}`,
  local,
  ready: true,
  serving: true,
  terminating: false,
  ...cond,
});

function sp(name: string, fields: Partial<ServicePortPlan>): ServicePortPlan {
  const [nsName] = name.split(':');
  const [namespace, service] = nsName.split('/');
  const base: ServicePortPlan = {
    name,
    namespace,
    service,
    protocol: 'tcp',
    clusterIP: '10.96.0.1',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    clusterEndpoints: [],
    localEndpoints: [],
    allEndpoints: [],
  };
  const out = { ...base, ...fields };
  if (!fields.localEndpoints) out.localEndpoints = out.clusterEndpoints.filter((e) => e.local);
  if (!fields.allEndpoints) out.allEndpoints = out.clusterEndpoints;
  return out;
}

const plan = (...servicePorts: ServicePortPlan[]): ProxyPlan => ({ servicePorts, skipped: [] });
const opts = { clusterCIDR: '10.244.0.0/16', nodeIPs: ['192.168.1.10', '10.0.0.5'] };

/** A compact rendering for per-feature goldens: the full ipset restore text is in all-features only. */
function render(s: IpvsState): string {
  const sets = (Object.keys(IPSETS) as IpsetKey[])
    .filter((k) => s.ipsets[k].length > 0)
    .map((k) => `${IPSETS[k].name}: ${s.ipsets[k].join(' ')}`);
  return ['# ipvsadm-restore', s.ipvsadmRestore.trimEnd(), '# kube-ipvs0 addresses', ...s.boundAddresses, '# ipsets', ...sets, ''].join('\n');
}

const web = [ep('10.244.0.7', 8080, true), ep('10.244.1.12', 8080), ep('10.244.2.3', 8080)];

const features: [string, ProxyPlan][] = [
  ['cluster-ip', plan(sp('default/web:http', { clusterIP: '10.96.12.34', clusterEndpoints: web }))],
  [
    'udp-dns',
    plan(
      sp('kube-system/kube-dns:dns', { protocol: 'udp', clusterIP: '10.96.0.10', port: 53, clusterEndpoints: [ep('10.244.0.2', 53, true)] }),
      sp('kube-system/kube-dns:dns-tcp', { clusterIP: '10.96.0.10', port: 53, clusterEndpoints: [ep('10.244.0.2', 53, true)] }),
    ),
  ],
  ['node-port', plan(sp('default/web:http', { clusterIP: '10.96.12.34', nodePort: 30080, clusterEndpoints: web }))],
  ['session-affinity', plan(sp('default/sticky', { clusterIP: '10.96.5.5', sessionAffinity: { timeoutSeconds: 10800 }, clusterEndpoints: web }))],
  [
    'external-local',
    plan(
      sp('default/lb:https', {
        clusterIP: '10.96.7.7',
        port: 443,
        nodePort: 31443,
        externalIPs: ['203.0.113.9'],
        loadBalancerIPs: ['198.51.100.20'],
        externalPolicyLocal: true,
        healthCheckNodePort: 32001,
        clusterEndpoints: web,
      }),
    ),
  ],
  [
    'external-cluster',
    plan(sp('default/lb-cluster:https', { clusterIP: '10.96.7.8', port: 443, nodePort: 31444, externalIPs: ['203.0.113.10'], loadBalancerIPs: ['198.51.100.21'], clusterEndpoints: web })),
  ],
  ['internal-local', plan(sp('default/node-local', { clusterIP: '10.96.8.8', internalPolicyLocal: true, clusterEndpoints: web }))],
  ['no-endpoints', plan(sp('default/empty', { clusterIP: '10.96.0.99', port: 443, nodePort: 30443 }))],
  ['sctp-node-port', plan(sp('default/sig', { protocol: 'sctp', clusterIP: '10.96.9.9', port: 3868, nodePort: 32000, externalPolicyLocal: true, clusterEndpoints: web }))],
];

describe('kube-proxy/ipvs buildIpvsState', () => {
  for (const [name, p] of features) {
    it(`golden: ${name}`, () => checkGolden(`${name}.txt`, render(buildIpvsState(p, opts))));
  }

  it('golden: all features at once, with the full restore payloads', () => {
    const s = buildIpvsState(plan(...features.flatMap(([, p]) => p.servicePorts)), opts);
    checkGolden('all-features.ipvsadm', s.ipvsadmRestore);
    checkGolden('all-features.ipset', s.ipsetRestore);
    checkGolden('all-features.iptables', s.iptablesRestore);
  });

  it('gives only local real servers to external front ends under externalTrafficPolicy Local', () => {
    const s = buildIpvsState(features.find(([n]) => n === 'external-local')![1], opts);
    for (const vs of s.virtualServers) {
      const want = vs.frontEnd === 'cluster-ip' ? web.map((e) => e.ip) : ['10.244.0.7'];
      assert.deepEqual(vs.realServers.map((r) => r.address), want, `${vs.frontEnd} ${vs.address}`);
    }
    assert.deepEqual(s.boundAddresses, ['10.96.7.7', '198.51.100.20', '203.0.113.9']);
  });

  it('gives a Local internal policy with no local endpoint no real server', () => {
    const s = buildIpvsState(plan(sp('default/x', { clusterIP: '10.96.8.8', internalPolicyLocal: true, clusterEndpoints: [ep('10.244.1.1', 80)] })), opts);
    assert.equal(s.virtualServers.length, 1);
    assert.deepEqual(s.virtualServers[0].realServers, []);
  });

  it('makes one node-port virtual server per node IP and binds no node IP', () => {
    const s = buildIpvsState(features.find(([n]) => n === 'node-port')![1], { ...opts, nodeIPs: ['10.0.0.5', '10.0.0.5', '192.168.1.10'] });
    assert.deepEqual(
      s.virtualServers.filter((v) => v.frontEnd === 'node-port').map((v) => `${v.address}:${v.port}`),
      ['10.0.0.5:30080', '192.168.1.10:30080'],
    );
    assert.deepEqual(s.boundAddresses, ['10.96.12.34']);
  });

  it('keeps the first service port when two claim the same external IP and port', () => {
    const a = sp('default/a', { clusterIP: '10.96.1.1', externalIPs: ['203.0.113.1'], clusterEndpoints: [ep('10.244.0.1', 80)] });
    const b = sp('default/b', { clusterIP: '10.96.1.2', externalIPs: ['203.0.113.1'], clusterEndpoints: [ep('10.244.0.2', 80)] });
    const s = buildIpvsState(plan(a, b), opts);
    const ext = s.virtualServers.filter((v) => v.frontEnd === 'external-ip');
    assert.deepEqual(ext.map((v) => [v.service, v.address]), [['default/a', '203.0.113.1']]);
    assert.equal(s.ipvsadmRestore.split('\n').filter((l) => l.startsWith('-A -t 203.0.113.1:80 ')).length, 1);
  });

  it('gives an empty plan no virtual server and only the fixed rules', () => {
    const s = buildIpvsState(plan(), opts);
    assert.equal(s.ipvsadmRestore, '');
    assert.deepEqual(s.boundAddresses, []);
    assert.ok(!s.iptablesRestore.includes('--match-set'), s.iptablesRestore);
    assert.match(s.iptablesRestore, /-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT/);
  });

  it('builds equal text from equal plans', () => {
    const p = plan(...features.flatMap(([, x]) => x.servicePorts));
    assert.deepEqual(buildIpvsState(p, opts), buildIpvsState(structuredClone(p), { ...opts, nodeIPs: [...opts.nodeIPs].reverse() }));
  });

  it('keeps every set name and its scratch name within the kernel limit, all distinct', () => {
    const keys = Object.keys(IPSETS) as IpsetKey[];
    const names = keys.flatMap((k) => [IPSETS[k].name, scratchName(k)]);
    for (const n of names) assert.ok(n.length <= MAX_IPSET_NAME, n);
    assert.equal(new Set(names).size, names.length);
  });
});
