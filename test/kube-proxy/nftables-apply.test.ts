// kube-proxy's nftables mode against the real `nft` and kernel, entirely inside network namespaces
// this test creates: a "node" namespace where the rulesets are applied, two "pod" namespaces
// behind veth pairs, each running busybox httpd with its own page, and an outside client on the
// node's link. Generated rulesets must load, carry real traffic (cluster IP, node port, reject
// without endpoints, session affinity, hairpin, externalTrafficPolicy Local), be replaced
// atomically by a changed plan (stale objects gone, affinity entries kept), be changed by partial
// syncs into exactly what a full apply makes, and be removed by clean-up without touching another
// table.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localRunner, type CommandRunner } from '../../kube-proxy/exec';
import { NftablesApplier, NftablesApplyError } from '../../kube-proxy/nftables/applier';
import { buildNftRuleset, type BuildNftOptions } from '../../kube-proxy/nftables/build-ruleset';
import { allFeaturesPlan, ep, plan, port } from '../../kube-proxy/nftables/fixtures';
import { affinitySetName, endpointChainName, servicePortNames } from '../../kube-proxy/nftables/names';
import { NftablesServiceRules } from '../../kube-proxy/nftables/service-rules';
import type { ProxyPlan } from '../../kube-proxy/plan/types';
import { eventually, fetchVia, sh } from './netns-http';

const id = randomBytes(3).toString('hex');
const NODE_NS = `k8ts-nft-${id}`;
const POD_NS = [`k8ts-nftp1-${id}`, `k8ts-nftp2-${id}`];
/** A client outside the cluster, on the node's link. */
const CLIENT_NS = `k8ts-nftc-${id}`;
/** Where fresh full applies are made to compare a partially synced table with (no interfaces). */
const REF_NS = `k8ts-nftr-${id}`;
const CLIENT_IP = '192.168.251.2';
const POD_IP = ['10.244.7.2', '10.244.8.2'];
const NODE_IP = '192.168.251.1';
const FOREIGN_TABLE = `k8ts-foreign-${id}`;
const NODE_PORT = 30080;

const inNode = (...args: string[]) => sh(['nsenter', `--net=/run/netns/${NODE_NS}`, ...args]);

// GET / from the node namespace (or another), the body trimmed.
function fetchFrom(host: string, port: number, from = NODE_NS): { ok: boolean; out: string } {
  const r = fetchVia(from, host, port);
  return { ok: r.ok, out: r.out.trim() };
}

const web = (endpoints = [ep(POD_IP[0], 8080, true), ep(POD_IP[1], 8080)]) =>
  port({ namespace: 'default', service: 'web', clusterIP: '10.96.7.7', port: 80, nodePort: NODE_PORT, endpoints });
const empty = port({ namespace: 'default', service: 'empty', clusterIP: '10.96.7.8', port: 80 });
const sticky = (timeoutSeconds: number) =>
  port({ namespace: 'default', service: 'sticky', clusterIP: '10.96.7.9', port: 80, sessionAffinity: { timeoutSeconds }, endpoints: [ep(POD_IP[0], 8080, true), ep(POD_IP[1], 8080)] });

describe('kube-proxy nftables mode: rulesets applied with the real nft in a network namespace', function () {
  this.timeout(120_000);
  const httpd: ChildProcess[] = [];
  const webRoots: string[] = [];
  const applier = new NftablesApplier(localRunner({ netns: NODE_NS }));
  const opts: BuildNftOptions = { clusterCIDR: '10.244.0.0/16', nodeIPs: [NODE_IP] };
  const sync = async (p: ProxyPlan) => applier.apply(buildNftRuleset(p, { ...opts, existing: await applier.existingState() }));
  /**
   * The table as nft lists it in JSON, normalised: no handles, objects and map elements sorted
   * (the kernel keeps creation order, which partial syncs change), rules in order per chain, and
   * the affinity sets without their entries (the packet path writes those).
   */
  const tableJson = (ns: string) => {
    const doc = JSON.parse(sh(['nsenter', `--net=/run/netns/${ns}`, 'nft', '-j', 'list', 'table', 'ip', 'k8ts-proxy'])) as { nftables: Record<string, Record<string, unknown>>[] };
    const objects: string[] = [];
    const rules = new Map<string, string[]>();
    for (const item of doc.nftables) {
      const [kind] = Object.keys(item);
      const o = { ...item[kind] };
      delete o.handle;
      if (kind === 'metainfo') continue;
      if (kind === 'rule') {
        rules.set(String(o.chain), [...(rules.get(String(o.chain)) ?? []), JSON.stringify(o)]);
        continue;
      }
      if (String(o.name).startsWith('affinity-')) delete o.elem;
      else if (Array.isArray(o.elem)) o.elem = o.elem.map((e) => JSON.stringify(e)).sort();
      objects.push(JSON.stringify({ [kind]: o }));
    }
    return { objects: objects.sort(), rules: [...rules].sort(([a], [b]) => (a < b ? -1 : 1)) };
  };
  // The table as text, without the countdowns of affinity entries (they change every moment).
  const listTable = () => inNode('nft', 'list', 'table', 'ip', 'k8ts-proxy').replace(/ expires [0-9dhms]+/g, '');

  before(() => {
    sh(['ip', 'netns', 'add', NODE_NS]);
    inNode('ip', 'link', 'set', 'lo', 'up');
    // The node's own address, on a veth pair whose other end is the outside client.
    sh(['ip', 'netns', 'add', CLIENT_NS]);
    inNode('ip', 'link', 'add', 'nft-n0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', CLIENT_NS);
    inNode('ip', 'addr', 'add', `${NODE_IP}/24`, 'dev', 'nft-n0');
    inNode('ip', 'link', 'set', 'nft-n0', 'up');
    const inClient = (...a: string[]) => sh(['nsenter', `--net=/run/netns/${CLIENT_NS}`, ...a]);
    inClient('ip', 'link', 'set', 'lo', 'up');
    inClient('ip', 'addr', 'add', `${CLIENT_IP}/24`, 'dev', 'eth0');
    inClient('ip', 'link', 'set', 'eth0', 'up');
    inClient('ip', 'route', 'add', 'default', 'via', NODE_IP);
    // Pods' and the client's packets are forwarded by the node namespace (its own sysctl).
    inNode('sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    POD_NS.forEach((ns, i) => {
      sh(['ip', 'netns', 'add', ns]);
      const host = `nft-h${i}`;
      const subnet = POD_IP[i].replace(/\.2$/, '');
      inNode('ip', 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      inNode('ip', 'addr', 'add', `${subnet}.1/24`, 'dev', host);
      inNode('ip', 'link', 'set', host, 'up');
      const inPod = (...a: string[]) => sh(['nsenter', `--net=/run/netns/${ns}`, ...a]);
      inPod('ip', 'link', 'set', 'lo', 'up');
      inPod('ip', 'addr', 'add', `${POD_IP[i]}/24`, 'dev', 'eth0');
      inPod('ip', 'link', 'set', 'eth0', 'up');
      inPod('ip', 'route', 'add', 'default', 'via', `${subnet}.1`);
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-nft-web-'));
      webRoots.push(root);
      fs.writeFileSync(path.join(root, 'index.html'), `pod-${i}\n`);
      httpd.push(spawn('nsenter', [`--net=/run/netns/${ns}`, 'busybox', 'httpd', '-f', '-p', '8080', '-h', root], { stdio: 'ignore' }));
    });
    // Locally generated packets are routed before the output hook: the service range needs a
    // route (kube-proxy's routing-safety route does this on a real node).
    inNode('ip', 'route', 'add', '10.96.0.0/16', 'dev', 'nft-n0');
    // Someone else's table, which nothing of ours may touch.
    inNode('nft', 'add', 'table', 'ip', FOREIGN_TABLE);
    inNode('nft', 'add', 'chain', 'ip', FOREIGN_TABLE, 'keep');
    sh(['ip', 'netns', 'add', REF_NS]);
  });

  after(() => {
    for (const p of httpd) p.kill('SIGKILL');
    // Deleting the namespaces deletes their interfaces and every nftables table in them.
    for (const ns of [NODE_NS, ...POD_NS, CLIENT_NS, REF_NS]) {
      try {
        sh(['ip', 'netns', 'del', ns]);
      } catch {
        /* never created, or already gone */
      }
    }
    for (const root of webRoots) fs.rmSync(root, { recursive: true, force: true });
  });

  it('the mode is available here', async () => {
    const { version } = await applier.available();
    assert.match(version, /^\d+\.\d+/);
    assert.doesNotMatch(inNode('nft', 'list', 'tables'), /probe/);
  });

  it('loads the ruleset of every feature, and reads its objects back', async () => {
    assert.equal(await applier.existingState(), undefined);
    await applier.apply(buildNftRuleset(allFeaturesPlan(), opts));
    const state = await applier.existingState();
    assert.ok(state);
    const sp = allFeaturesPlan().servicePorts.find((s) => s.service === 'sticky')!;
    assert.ok(state.chains.includes(servicePortNames(sp).cluster));
    assert.deepEqual(
      state.sets.find((s) => s.name === affinitySetName(sp, sp.clusterEndpoints[0])),
      { name: affinitySetName(sp, sp.clusterEndpoints[0]), timeoutSeconds: 600 },
    );
    assert.deepEqual(state.maps, ['no-endpoint-nodeports', 'no-endpoint-services', 'service-ips', 'service-nodeports']);
    // Applying the same plan again in place is accepted and changes nothing.
    const before = listTable();
    await sync(allFeaturesPlan());
    assert.equal(listTable(), before);
  });

  it('carries traffic: cluster IP to both pods, node port, reject without endpoints, sticky clients', async () => {
    await sync(plan(web(), empty, sticky(600)));
    await eventually('backends', () => POD_IP.every((ip) => fetchFrom(ip, 8080).ok));
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const r = fetchFrom('10.96.7.7', 80);
      assert.ok(r.ok, r.out);
      seen.add(r.out);
    }
    assert.deepEqual([...seen].sort(), ['pod-0', 'pod-1']);
    const viaNodePort = fetchFrom(NODE_IP, NODE_PORT);
    assert.ok(viaNodePort.ok && /^pod-[01]$/.test(viaNodePort.out), viaNodePort.out);
    const refused = fetchFrom('10.96.7.8', 80);
    assert.equal(refused.ok, false);
    assert.match(refused.out, /refused/i);
    const first = fetchFrom('10.96.7.9', 80);
    assert.ok(first.ok, first.out);
    for (let i = 0; i < 10; i++) assert.equal(fetchFrom('10.96.7.9', 80).out, first.out);
  });

  it('replaces the table atomically with a changed plan: stale objects gone, affinity entries kept', async () => {
    const s = sticky(600);
    const recorded = () => s.clusterEndpoints.filter((e) => /elements = \{/.test(inNode('nft', 'list', 'set', 'ip', 'k8ts-proxy', affinitySetName(s, e))));
    assert.equal(recorded().length, 1, 'the sticky client is recorded in one endpoint set');
    const onlyPod1 = web([ep(POD_IP[1], 8080)]);
    await sync(plan(onlyPod1, s));
    const text = listTable();
    assert.ok(!text.includes(endpointChainName(web(), web().clusterEndpoints[0])), 'the removed endpoint chain is deleted');
    assert.ok(!text.includes('10.96.7.8'), 'the removed service is gone');
    assert.equal(recorded().length, 1, 'affinity survives the sync');
    for (let i = 0; i < 10; i++) assert.equal(fetchFrom('10.96.7.7', 80).out, 'pod-1');
    // A changed timeout re-creates the sets (the kernel cannot change it in place).
    await sync(plan(onlyPod1, sticky(300)));
    assert.match(inNode('nft', 'list', 'set', 'ip', 'k8ts-proxy', affinitySetName(s, s.clusterEndpoints[0])), /timeout 5m/);
  });

  it('a payload nft refuses changes nothing', async () => {
    const before = listTable();
    const payload = buildNftRuleset(plan(web()), { ...opts, existing: await applier.existingState() }) + 'add rule ip k8ts-proxy services this is not nft\n';
    await assert.rejects(applier.apply(payload), (e: unknown) => e instanceof NftablesApplyError && e.code === 'NFTABLES_APPLY_FAILED');
    assert.equal(listTable(), before);
  });

  it('hairpin: a pod reaching itself through its service gets the reply (masqueraded to the node)', async () => {
    const self = port({ namespace: 'default', service: 'self', clusterIP: '10.96.7.10', port: 80, endpoints: [ep(POD_IP[0], 8080, true)] });
    await sync(plan(self));
    const res = sh(['nsenter', `--net=/run/netns/${POD_NS[0]}`, 'busybox', 'nc', '-w', '3', '10.96.7.10', '80'], 'GET / HTTP/1.0\r\n\r\n');
    assert.match(res, /^HTTP\/1\.[01] 200/);
    assert.equal(res.split('\r\n\r\n').slice(1).join('').trim(), 'pod-0');
  });

  it('externalTrafficPolicy Local: outside clients reach only local endpoints, and are dropped without one; the node itself uses all', async () => {
    const etp = (endpoints: ReturnType<typeof ep>[]) =>
      port({ namespace: 'default', service: 'etp', clusterIP: '10.96.7.11', port: 80, nodePort: 30090, externalPolicyLocal: true, endpoints });
    await sync(plan(etp([ep(POD_IP[0], 8080, true), ep(POD_IP[1], 8080)])));
    for (let i = 0; i < 10; i++) assert.equal(fetchFrom(NODE_IP, 30090, CLIENT_NS).out, 'pod-0');
    const fromNode = new Set<string>();
    for (let i = 0; i < 60 && fromNode.size < 2; i++) fromNode.add(fetchFrom(NODE_IP, 30090).out);
    assert.deepEqual([...fromNode].sort(), ['pod-0', 'pod-1'], 'node-originated traffic short-circuits to every endpoint');

    await sync(plan(etp([ep(POD_IP[1], 8080)])));
    const dropped = fetchFrom(NODE_IP, 30090, CLIENT_NS);
    assert.equal(dropped.ok, false);
    assert.doesNotMatch(dropped.out, /refused/i, 'dropped, not rejected: the service has endpoints elsewhere');
    assert.equal(fetchFrom(NODE_IP, 30090).out, 'pod-1');
  });

  it('partial syncs leave the table as a fresh full apply of the same plan makes it, sending only the change; affinity entries survive', async () => {
    const sent: string[] = [];
    let reads = 0;
    const inner = localRunner({ netns: NODE_NS });
    const recording: CommandRunner = async (cmd, args, stdin) => {
      if (cmd === 'nft' && args.join(' ') === '-f -') sent.push(stdin ?? '');
      if (cmd === 'nft' && args[0] === '-j') reads++;
      return inner(cmd, args, stdin);
    };
    const rules = new NftablesServiceRules(new NftablesApplier(recording), opts);
    const reference = new NftablesApplier(localRunner({ netns: REF_NS }));
    const s = sticky(600);
    const recorded = () => s.clusterEndpoints.filter((e) => /elements = \{/.test(inNode('nft', 'list', 'set', 'ip', 'k8ts-proxy', affinitySetName(s, e))));
    /** Applies p as the proxier would, then checks the table against a fresh full apply; returns what was sent. */
    const step = async (p: ProxyPlan, full = false) => {
      sent.length = 0;
      await rules.apply(p, { full });
      await reference.apply(buildNftRuleset(p, opts));
      assert.deepEqual(tableJson(NODE_NS), tableJson(REF_NS));
      return [...sent];
    };

    const [first] = await step(plan(web([ep(POD_IP[0], 8080, true)]), empty, s), true);
    assert.match(first, /^add table ip k8ts-proxy\ndelete table ip k8ts-proxy\n/, 'the first apply of a process re-creates the table');
    const sticky1 = fetchFrom('10.96.7.9', 80);
    assert.ok(sticky1.ok, sticky1.out);
    assert.equal(recorded().length, 1);

    // An endpoint added: one small transaction naming web's chains only.
    const both = web();
    const [added] = await step(plan(both, empty, s));
    assert.ok(!/delete table|sticky|empty/.test(added), added);
    assert.match(added, /^add chain ip k8ts-proxy endpoint-/);
    await eventually('the new endpoint serves', () => fetchFrom('10.96.7.7', 80).out === 'pod-1');
    assert.equal(recorded().length, 1, 'affinity survives a partial sync');

    // A service removed.
    const [removed] = await step(plan(both, s));
    assert.match(removed, /delete element ip k8ts-proxy no-endpoint-services \{ 10\.96\.7\.8 \. tcp \. 80 \}/);
    assert.equal(recorded().length, 1);

    // Unchanged: nothing is sent at all.
    assert.deepEqual(await step(plan(both, s)), []);

    // The periodic full sync rewrites everything in place from memory, without reading the table.
    const full = await step(plan(both, s), true);
    assert.equal(full.length, 1);
    assert.ok(!full[0].includes('delete table') && full[0].includes('flush chain'), 'in place');
    assert.equal(recorded().length, 1, 'affinity survives a full sync');
    for (let i = 0; i < 5; i++) assert.equal(fetchFrom('10.96.7.9', 80).out, sticky1.out);

    // Web loses every endpoint (its REJECT elements appear), then gets them back.
    await step(plan(web([]), s));
    assert.match(fetchFrom('10.96.7.7', 80).out, /refused/i);
    await step(plan(both, s));
    await eventually('web serves again', () => fetchFrom('10.96.7.7', 80).ok);

    // The affinity timeout changed: the sets are re-created (their entries go with them).
    const [timeout] = await step(plan(both, sticky(300)));
    assert.ok(!timeout.includes('web'), 'web is not named');
    assert.match(inNode('nft', 'list', 'set', 'ip', 'k8ts-proxy', affinitySetName(s, s.clusterEndpoints[0])), /timeout 5m/);
    assert.equal(reads, 0, 'the table was never read back');
  });

  it('clean-up deletes our table only, and is a no-op when it is gone', async () => {
    await applier.cleanup();
    assert.equal(await applier.existingState(), undefined);
    await applier.cleanup();
    assert.match(inNode('nft', 'list', 'table', 'ip', FOREIGN_TABLE), /chain keep/);
  });
});
