// The conntrack clean-up against the real kernel, inside a network namespace this test creates:
// flow entries are inserted with `conntrack -I` (no traffic needed), the entries a plan change
// makes stale are computed and cleared, and exactly those flows are gone — live endpoints' flows,
// TCP flows and other ports' flows stay.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ConntrackCleaner } from '../../kube-proxy/conntrack/cleaner';
import { staleConntrackEntries } from '../../kube-proxy/conntrack/stale';
import { localRunner } from '../../kube-proxy/exec';
import type { PlannedEndpoint, ProxyPlan, ServicePortPlan } from '../../kube-proxy/plan/types';
import { componentLogger } from '../../lib/log';

const NS = `k8ts-ct-${randomBytes(3).toString('hex')}`;
const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', NS, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

interface Flow {
  proto: 'udp' | 'tcp';
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** Who answers: the endpoint after DNAT, or dst itself when not NATed. */
  replySrc: string;
  replySport: number;
}

function insert(f: Flow): void {
  const tcp = f.proto === 'tcp' ? ['--state', 'ESTABLISHED'] : [];
  // A DNATed flow is created through the kernel's NAT setup (--dst-nat), so it carries the DNAT
  // status that conntrack's --dst-nat filter requires, as a real one does; the reply tuple follows.
  const nat = f.replySrc !== f.dst ? ['--dst-nat', `${f.replySrc}:${f.replySport}`] : [];
  inNs('conntrack', '-I', '-p', f.proto, '-s', f.src, '-d', f.dst, '--sport', String(f.sport), '--dport', String(f.dport), '--timeout', '600', ...tcp, ...nat);
}

const show = (f: Flow) => `${f.proto} ${f.src}:${f.sport} -> ${f.dst}:${f.dport} via ${f.replySrc}:${f.replySport}`;

/** The flows in the namespace's table, in the same words as show(). */
function flows(): string[] {
  const out = inNs('conntrack', '-L');
  return out
    .split('\n')
    .filter((l) => /^(udp|tcp)\s/.test(l))
    .map((l) => {
      const proto = l.split(/\s+/)[0];
      const v = (k: string, nth: number) => [...l.matchAll(new RegExp(`\\b${k}=(\\S+)`, 'g'))][nth]?.[1];
      return `${proto} ${v('src', 0)}:${v('sport', 0)} -> ${v('dst', 0)}:${v('dport', 0)} via ${v('src', 1)}:${v('sport', 1)}`;
    })
    .sort();
}

const ep = (ip: string): PlannedEndpoint => ({ ip, port: 53, endpoint: `${ip}:53`, local: false, ready: true, serving: true, terminating: false });
function udp(name: string, clusterIP: string, nodePort: number, endpoints: PlannedEndpoint[]): ServicePortPlan {
  const [ns, service] = name.split('/');
  return {
    name,
    namespace: ns,
    service,
    protocol: 'udp',
    clusterIP,
    port: 53,
    nodePort,
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    clusterEndpoints: endpoints,
    localEndpoints: [],
    allEndpoints: endpoints,
  };
}
const plan = (...servicePorts: ServicePortPlan[]): ProxyPlan => ({ servicePorts, skipped: [] });

describe('kube-proxy conntrack clean-up in a network namespace', function () {
  this.timeout(60_000);

  before(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    inNs('ip', 'link', 'set', 'lo', 'up');
  });

  after(() => {
    execFileSync('ip', ['netns', 'del', NS]);
  });

  it('deletes the flows of a removed endpoint and the un-NATed flows of a service that got endpoints, nothing else', async () => {
    const [A, B, C] = ['10.244.0.5', '10.244.1.7', '10.244.2.2'];
    const client = '10.244.9.9';
    const toGoneA: Flow = { proto: 'udp', src: client, sport: 40000, dst: '10.96.0.10', dport: 53, replySrc: A, replySport: 53 };
    const toLiveB: Flow = { proto: 'udp', src: client, sport: 40001, dst: '10.96.0.10', dport: 53, replySrc: B, replySport: 53 };
    const nodePortToA: Flow = { proto: 'udp', src: '198.18.0.1', sport: 40002, dst: '198.18.0.2', dport: 30053, replySrc: A, replySport: 53 };
    const tcpToA: Flow = { proto: 'tcp', src: client, sport: 40003, dst: '10.96.0.10', dport: 53, replySrc: A, replySport: 53 };
    const otherPortToA: Flow = { proto: 'udp', src: client, sport: 40004, dst: '10.96.0.10', dport: 5353, replySrc: A, replySport: 5353 };
    const unNATed: Flow = { proto: 'udp', src: client, sport: 40005, dst: '10.96.0.20', dport: 53, replySrc: '10.96.0.20', replySport: 53 };
    const natedToC: Flow = { proto: 'udp', src: client, sport: 40006, dst: '10.96.0.20', dport: 53, replySrc: C, replySport: 53 };
    const all = [toGoneA, toLiveB, nodePortToA, tcpToA, otherPortToA, unNATed, natedToC];
    for (const f of all) insert(f);
    assert.deepEqual(flows(), all.map(show).sort());

    // kube-dns loses endpoint A; "late" had no endpoint and now has C.
    const before = plan(udp('kube-system/kube-dns', '10.96.0.10', 30053, [ep(A), ep(B)]), udp('default/late', '10.96.0.20', 0, []));
    const after = plan(udp('kube-system/kube-dns', '10.96.0.10', 30053, [ep(B)]), udp('default/late', '10.96.0.20', 0, [ep(C)]));
    const entries = staleConntrackEntries(before, after);
    const r = await new ConntrackCleaner(localRunner({ netns: NS }), componentLogger('kube-proxy-test')).clear(entries);

    assert.deepEqual(r, { deleted: 3, failed: [] });
    assert.deepEqual(flows(), [toLiveB, tcpToA, otherPortToA, natedToC].map(show).sort());

    // Clearing again finds nothing and is not an error.
    assert.deepEqual(await new ConntrackCleaner(localRunner({ netns: NS }), componentLogger('kube-proxy-test')).clear(entries), { deleted: 0, failed: [] });
  });
});
