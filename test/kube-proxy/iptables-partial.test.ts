// Partial syncs of the iptables mode against real iptables, in a network namespace this test
// creates: after a full apply, partial applies (an endpoint added, a service removed, nothing
// changed) must leave the kernel exactly as a full sync of the same plan leaves it — the same
// chains with the same rules, no stale chain — while sending neither `iptables-save` nor the jump
// checks. An apply that fails (a foreign rule still jumps to a chain the sync deletes) must make
// the next apply full, which also repairs a jump deleted by hand (partial syncs do not check them).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { EndpointSlice } from '../../lib/api/endpoint-slice';
import type { Service } from '../../lib/api/types';
import { IptablesApplier } from '../../kube-proxy/applier';
import { localRunner, type CommandRunner } from '../../kube-proxy/exec';
import { planServices } from '../../kube-proxy/plan/plan-services';
import { IptablesServiceRules } from '../../kube-proxy/service-rules';
import { sh } from './netns-http';

const NS = `k8ts-kpi-${randomBytes(3).toString('hex')}`;
const CIDR = '10.244.0.0/16';
const inNs = (...args: string[]) => sh(['ip', 'netns', 'exec', NS, ...args]);

const service = (name: string, clusterIP: string, nodePort?: number): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: 'default', name },
  spec: { type: nodePort ? 'NodePort' : 'ClusterIP', clusterIP, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, ...(nodePort ? { nodePort } : {}) }] },
});
const slice = (svc: string, ips: string[]): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { namespace: 'default', name: `${svc}-p4rt1`, labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: ip.startsWith('10.244.7.') ? 'n1' : 'n2' })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});
const plan = (services: Service[], slices: EndpointSlice[]) => planServices({ services, endpointSlices: slices, nodeName: 'n1' });

const web = service('web', '10.96.8.1', 30180);
const api = service('api', '10.96.8.2');
const initial = plan([web, api], [slice('web', ['10.244.7.2', '10.244.9.2']), slice('api', ['10.244.9.3'])]);
const endpointAdded = plan([web, api], [slice('web', ['10.244.7.2', '10.244.9.2', '10.244.9.4']), slice('api', ['10.244.9.3'])]);
const webRemoved = plan([api], [slice('api', ['10.244.9.3'])]);

/** What `iptables-save` shows of one table, as chain → its rules in order (counters, comments and
 *  the order in which chains were declared left out: they differ between partial and full). */
function tableState(table: 'nat' | 'filter'): Record<string, string[]> {
  const state: Record<string, string[]> = {};
  for (const line of inNs('iptables-save', '-t', table).split('\n')) {
    if (line.startsWith(':')) state[line.slice(1).split(' ')[0]] ??= [];
    else if (line.startsWith('-A ')) (state[line.split(' ')[1]] ??= []).push(line);
  }
  return state;
}
const kernel = () => ({ nat: tableState('nat'), filter: tableState('filter') });
const hashedChains = () => Object.keys(tableState('nat')).filter((c) => /^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(c)).sort();

describe('kube-proxy iptables partial syncs in a network namespace', function () {
  this.timeout(120_000);
  /** Every command the backend under test ran, as "cmd arg…". */
  let ran: string[] = [];
  let rules: IptablesServiceRules;

  /** The kernel a fresh backend's full sync of `p` leaves, applied on top of what is there now. */
  async function afterFullSync(p: ReturnType<typeof plan>) {
    const fresh = new IptablesServiceRules(new IptablesApplier(localRunner({ netns: NS })), { clusterCIDR: CIDR, nodeIPs: ['192.168.251.1'] });
    await fresh.apply(p, { full: true });
    return kernel();
  }
  async function applyRecorded(p: ReturnType<typeof plan>, full: boolean): Promise<string[]> {
    ran = [];
    await rules.apply(p, { full });
    return ran;
  }
  const isPartial = (cmds: string[]) => cmds.length === 1 && cmds[0].startsWith('iptables-restore ');

  before(() => {
    sh(['ip', 'netns', 'add', NS]);
    const inner = localRunner({ netns: NS });
    const run: CommandRunner = (cmd, args, stdin) => {
      ran.push([cmd, ...args].join(' '));
      return inner(cmd, args, stdin);
    };
    rules = new IptablesServiceRules(new IptablesApplier(run), { clusterCIDR: CIDR, nodeIPs: ['192.168.251.1'] });
  });

  after(() => {
    try {
      sh(['ip', 'netns', 'del', NS]);
    } catch {
      /* already gone */
    }
  });

  it('syncs in full on its first apply even when asked for a partial one', async () => {
    const cmds = await applyRecorded(initial, false);
    assert.ok(cmds.some((c) => c.startsWith('iptables-save')), cmds.join('\n'));
    assert.ok(cmds.some((c) => c.includes(' -C ')), 'the jumps are checked');
    assert.ok(/-A PREROUTING .*-j KUBE-SERVICES/.test(inNs('iptables-save', '-t', 'nat')));
    assert.equal(hashedChains().filter((c) => c.startsWith('KUBE-SEP-')).length, 3);
  });

  it('an endpoint added: one restore, and the kernel a full sync would leave', async () => {
    const cmds = await applyRecorded(endpointAdded, false);
    assert.ok(isPartial(cmds), cmds.join('\n'));
    const partial = kernel();
    assert.ok(Object.values(partial.nat).flat().some((l) => l.includes('--to-destination 10.244.9.4:8080')));
    assert.deepEqual(partial, await afterFullSync(endpointAdded));
  });

  it('a service removed: its chains are gone, and the kernel is what a full sync would leave', async () => {
    const before = hashedChains();
    const cmds = await applyRecorded(webRemoved, false);
    assert.ok(isPartial(cmds), cmds.join('\n'));
    const now = hashedChains();
    // web had an external chain, a service chain and three endpoint chains; api keeps its two
    assert.equal(before.length - now.length, 5);
    assert.equal(now.length, 2);
    assert.ok(!/default\/web:http/.test(inNs('iptables-save')));
    const partial = kernel();
    assert.deepEqual(partial, await afterFullSync(webRemoved));
  });

  it('nothing changed: only the fixed chains are sent, and nothing moves', async () => {
    const before = kernel();
    const cmds = await applyRecorded(webRemoved, false);
    assert.ok(isPartial(cmds), cmds.join('\n'));
    assert.deepEqual(kernel(), before);
  });

  it('after a failed apply the next one is full, and repairs a jump deleted by hand', async () => {
    await applyRecorded(initial, false);
    // A foreign rule that jumps to one of web's endpoint chains: deleting web must fail.
    const sep = hashedChains().find((c) => c.startsWith('KUBE-SEP-') && inNs('iptables', '-t', 'nat', '-S', c).includes('10.244.7.2'))!;
    inNs('iptables', '-t', 'nat', '-N', 'TEST-FOREIGN');
    inNs('iptables', '-t', 'nat', '-A', 'TEST-FOREIGN', '-j', sep);
    await assert.rejects(rules.apply(webRemoved, { full: false }), /iptables-restore failed/);
    inNs('iptables', '-t', 'nat', '-F', 'TEST-FOREIGN');
    inNs('iptables', '-t', 'nat', '-X', 'TEST-FOREIGN');
    // Someone deletes a jump meanwhile: partial syncs do not check jumps, the full one puts it back.
    inNs('iptables', '-t', 'nat', '-D', 'OUTPUT', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES');
    const cmds = await applyRecorded(webRemoved, false);
    assert.ok(cmds.some((c) => c.startsWith('iptables-save')), 'full after the failure');
    assert.ok(/-A OUTPUT .*-j KUBE-SERVICES/.test(inNs('iptables-save', '-t', 'nat')), 'the jump is back');
    assert.ok(!hashedChains().includes(sep));
    assert.deepEqual(kernel(), await afterFullSync(webRemoved));
    // and it remembers again: the next one is partial
    assert.ok(isPartial(await applyRecorded(webRemoved, false)));
  });
});
