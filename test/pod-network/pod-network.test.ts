// Networking across nodes on one machine, network namespaces standing in for machines: a machine
// network (a switch namespace with two subnets of 198.18.200.0/23 and a router between them), one
// real control plane brought up by `up` on the first machine (it is node-1 too), and real workers
// (containerd, kubelet, kube-proxy) on the others. With two nodes on one link the pod network is
// host-gw; a third node on the other subnet turns every node to VXLAN; when it leaves they return
// to host-gw. In each mode: pod → pod across nodes by pod IP with the source kept, ClusterIP from
// every pod and every node to backends on other nodes, NodePort on every node's address reaching
// pods on other nodes, pod egress masqueraded to the node's address, and nothing addressed to a
// cluster address ever reaching the machine network's router. Then everything is torn down.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { down, up, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { clusterLayout, CLUSTER_CIDR, SERVICE_CIDR, cgroupRootFor } from '../../deploy/cluster/layout';
import { VTEP_MAC_ANNOTATION, vtepMacFor } from '../../kube-proxy/pod-network/vtep';
import { run, waitFor } from '../harness/exec';
import { isReady } from '../harness/readiness';
import { Kubectl } from '../harness/kubectl';
import { MachineNetwork, type Machine } from './machine-network';
import { WorkerNode } from './node-launcher';
import { ncGet, parseWho, whoManifest, whoName, type WhoAnswer } from './workloads';

const WHO_AM_I_PORT = 9000;
/** Inside the pod CIDR, assigned to no node; and inside the service CIDR, assigned to no Service. */
const UNASSIGNED_POD_IP = '10.244.250.1';
const UNASSIGNED_SERVICE_IP = '10.96.250.250';

interface NodeJson {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { podCIDR?: string };
  status: { conditions?: { type: string; status: string }[] };
}

describe('pod network across nodes (network namespaces as machines)', function () {
  const id = randomBytes(3).toString('hex');
  const net = new MachineNetwork(
    `k8ts-pn-${id}`,
    [
      { bridge: 'mnet-a', gateway: '198.18.200.254/24' },
      { bridge: 'mnet-b', gateway: '198.18.201.254/24' },
    ],
    { podCIDR: CLUSTER_CIDR, serviceCIDR: SERVICE_CIDR },
  );
  const homes = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-pn-'));
  const machines = new Map<string, Machine>();
  const workers = new Map<string, WorkerNode>();
  let cp: ClusterOptions | undefined;
  let info: ClusterInfo;
  let k: Kubectl;

  const sh = async (netns: string, argv: string[]) => (await run(argv, { netns })).stdout;
  const nodeJson = (name: string) => k.json<NodeJson>(['get', 'node', name]);
  const podCIDR = async (node: string) => (await nodeJson(node)).spec.podCIDR!;
  /** The VXLAN device's address on a node: its pod subnet's network address. */
  const subnetAddress = async (node: string) => (await podCIDR(node)).split('/')[0];
  const podIP = async (node: string) => (await k.json<{ status: { podIP: string } }>(['get', 'pod', whoName(node)])).status.podIP;
  const service = (node: string) => k.json<{ spec: { clusterIP: string; ports: { nodePort: number }[] } }>(['get', 'service', whoName(node)]);

  async function startWorker(name: string, subnet: number, ip: string, kubeProxyFlags: string[] = []): Promise<void> {
    const m = net.addMachine(name, subnet, ip);
    machines.set(name, m);
    const layout = clusterLayout(cp!.home);
    const w = new WorkerNode({
      home: path.join(homes, name),
      netns: m.netns,
      nodeName: name,
      nodeIp: ip,
      controlPlane: { ip: machines.get('node-1')!.ip, pkiDir: layout.pkiDir, imagesDir: layout.imagesDir },
      kubeProxyFlags,
    });
    workers.set(name, w);
    await w.start();
    await waitFor(`${name} Ready with a pod CIDR`, async () => {
      const n = await nodeJson(name);
      return n.spec.podCIDR && isReady(n);
    }, 120_000, 1000);
  }

  async function runWho(nodes: string[]): Promise<void> {
    for (const n of nodes) await k.run(['apply', '-f', '-'], whoManifest(n));
    await waitFor('the who pods running', async () => {
      for (const n of nodes) {
        const p = await k.json<{ status: { phase?: string; podIP?: string } }>(['get', 'pod', whoName(n)]);
        if (p.status.phase !== 'Running' || !p.status.podIP) return false;
      }
      return true;
    }, 180_000, 1000);
  }

  /** Runs a shell line in the who pod on node (kubectl exec through the apiserver and that node's kubelet). */
  const inPod = (node: string, line: string) => k.out(['exec', whoName(node), '--', 'sh', '-c', line]);

  /** The who answer for a GET from the pod on node; retried while kube-proxy catches up. */
  const whoFromPod = (node: string, ip: string, port: number, what: string): Promise<WhoAnswer> =>
    waitFor(`${what} from the pod on ${node}`, async () => parseWho(await inPod(node, ncGet(ip, port, '/cgi-bin/who'))), 30_000, 500);

  const whoFromNetns = (netns: string, url: string, what: string): Promise<WhoAnswer> =>
    waitFor(what, async () => parseWho((await run(['curl', '-sS', '--max-time', '5', url], { netns })).stdout), 30_000, 500);

  /**
   * Every check of the issue, for every ordered pair of distinct nodes and for every node alone.
   * viaVxlan: what the node's address is once masqueraded onto the tunnel (its VXLAN device's).
   */
  async function checkPodNetwork(nodes: string[], mode: 'host-gw' | 'vxlan'): Promise<void> {
    for (const from of nodes) {
      const m = machines.get(from)!;
      const fromPod = await podIP(from);
      for (const to of nodes.filter((n) => n !== from)) {
        const toPod = await podIP(to);
        const svc = await service(to);

        // pod → pod across nodes, by pod IP, without NAT: the server sees the client pod's IP
        const direct = await whoFromPod(from, toPod, 8080, `pod ${toPod} on ${to}`);
        assert.deepEqual(direct, { host: whoName(to), from: fromPod }, `pod on ${from} → pod on ${to}`);

        // pod → ClusterIP → a backend on another node: DNAT only, the source is still the pod's
        const viaService = await whoFromPod(from, svc.spec.clusterIP, 80, `ClusterIP of ${whoName(to)}`);
        assert.deepEqual(viaService, { host: whoName(to), from: fromPod }, `pod on ${from} → ClusterIP → pod on ${to}`);

        // the node itself → ClusterIP → a backend on another node
        const fromNode = await whoFromNetns(m.netns, `http://${svc.spec.clusterIP}/cgi-bin/who`, `ClusterIP of ${whoName(to)} from node ${from}`);
        assert.equal(fromNode.host, whoName(to), `node ${from} → ClusterIP → pod on ${to}`);

        // a client on the machine network → NodePort on this node's address → a pod on another
        // node, masqueraded to the address this node sends from towards it
        const np = svc.spec.ports[0].nodePort;
        const viaNodePort = await whoFromNetns(net.switchNs, `http://${m.ip}:${np}/cgi-bin/who`, `NodePort ${np} of ${whoName(to)} on ${from}`);
        const masqueradedTo = mode === 'host-gw' ? m.ip : await subnetAddress(from);
        assert.deepEqual(viaNodePort, { host: whoName(to), from: masqueradedTo }, `NodePort on ${from} → pod on ${to}`);
      }

      // pod egress off the cluster: the listener on the machine network sees the node's address
      const egress = await waitFor(`egress from the pod on ${from}`, async () => {
        const body = (await inPod(from, ncGet(m.gateway, WHO_AM_I_PORT, '/'))).split('\r\n\r\n')[1]?.trim();
        return body || undefined;
      }, 30_000, 500);
      assert.equal(egress, m.ip, `egress from the pod on ${from} must be masqueraded to ${m.ip}`);

      // the apiserver through the kubernetes Service (its endpoint is node-1's address): a TLS
      // server hangs up on plain text at once, so a connection that opened ends with rc=0
      await waitFor(`the kubernetes Service from the pod on ${from}`, async () =>
        /rc=0/.test(await inPod(from, `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 10.96.0.1 443 >/dev/null; echo rc=$?`)),
      30_000, 1000);

      // nothing to an unassigned cluster address leaves the node: no answer (and, checked below,
      // nothing reaches the router)
      const probe = await inPod(from, `nc -w 2 ${UNASSIGNED_POD_IP} 80 </dev/null; echo rc=$?; nc -w 2 ${UNASSIGNED_SERVICE_IP} 80 </dev/null; echo rc=$?`);
      const codes = (probe.match(/rc=\d+/g) ?? []).map((c) => Number(c.slice(3)));
      assert.equal(codes.length, 2, probe);
      assert.ok(codes.every((c) => c !== 0), `an unassigned cluster address answered from the pod on ${from}: ${probe}`);
      // the most specific route to an unassigned pod address is the blackhole, not the default route
      const matching = JSON.parse(await sh(m.netns, ['ip', '-j', 'route', 'show', 'match', UNASSIGNED_POD_IP])) as { type?: string; dst: string }[];
      const bits = (r: { dst: string }) => (r.dst === 'default' ? 0 : Number(r.dst.split('/')[1] ?? 32));
      const best = matching.sort((a, b) => bits(b) - bits(a))[0];
      assert.deepEqual({ type: best?.type, dst: best?.dst }, { type: 'blackhole', dst: '10.244.0.0/16' }, `${from}: ${JSON.stringify(matching)}`);
    }
    assert.deepEqual(net.leaks(), { pods: 0, services: 0 }, 'packets to cluster addresses reached the machine network router');
  }

  const routesOf = async (node: string) => sh(machines.get(node)!.netns, ['ip', 'route', 'show', 'proto', '107']);
  const hasVxlanDevice = async (node: string) => (await run(['ip', 'link', 'show', 'dev', 'k8ts-vxlan'], { netns: machines.get(node)!.netns, check: false })).code === 0;

  before(async function () {
    net.create();
    const m1 = net.addMachine('node-1', 0, '198.18.200.1');
    machines.set('node-1', m1);
    cp = { home: path.join(homes, 'node-1'), netns: m1.netns, nodeName: 'node-1', nodeIp: m1.ip };
    info = await up(cp);
    k = new Kubectl(info.kubeconfig, info.netns);
    await net.listenWhoAmI(WHO_AM_I_PORT);
    await startWorker('node-2', 0, '198.18.200.2');
  });

  after(async function () {
    // the last test tears down and checks; this is the net for when something failed before it
    const errors: string[] = [];
    for (const w of workers.values()) await w.stop().catch((e: Error) => errors.push(e.message));
    if (cp) await down(cp, { purge: true }).catch((e: Error) => errors.push(e.message));
    try {
      net.destroy();
    } catch (e) {
      errors.push((e as Error).message);
    }
    fs.rmSync(homes, { recursive: true, force: true });
    if (errors.length) throw new Error(`teardown: ${errors.join('; ')}`);
  });

  it('gives each node a pod /24 and routes host-gw between nodes on one link', async () => {
    const [c1, c2] = [await podCIDR('node-1'), await podCIDR('node-2')];
    assert.match(c1, /^10\.244\.\d+\.0\/24$/);
    assert.match(c2, /^10\.244\.\d+\.0\/24$/);
    assert.notEqual(c1, c2);
    await waitFor('host-gw routes on both nodes', async () =>
      (await routesOf('node-1')).includes(`${c2} via 198.18.200.2 dev eth0`) && (await routesOf('node-2')).includes(`${c1} via 198.18.200.1 dev eth0`),
    30_000);
    assert.equal(await hasVxlanDevice('node-1'), false);
    assert.equal(await hasVxlanDevice('node-2'), false);
    assert.equal((await nodeJson('node-1')).metadata.annotations?.[VTEP_MAC_ANNOTATION], undefined);
  });

  it('host-gw: pod to pod, ClusterIP and NodePort across nodes; egress masqueraded; nothing leaks', async () => {
    await runWho(['node-1', 'node-2']);
    await checkPodNetwork(['node-1', 'node-2'], 'host-gw');
  });

  it('a node on another subnet turns the pod network to VXLAN on every node', async () => {
    // auto on the nodes already there; the newcomer is told vxlan, as an inventory would say
    await startWorker('node-3', 1, '198.18.201.3', ['--pod-network-mode=vxlan']);
    const nodes = ['node-1', 'node-2', 'node-3'];
    const cidrs = new Map(await Promise.all(nodes.map(async (n) => [n, await podCIDR(n)] as const)));
    for (const n of nodes) {
      const mac = vtepMacFor(machines.get(n)!.ip);
      await waitFor(`${n} publishing its VXLAN MAC`, async () => (await nodeJson(n)).metadata.annotations?.[VTEP_MAC_ANNOTATION] === mac, 30_000);
    }
    for (const n of nodes) {
      const netns = machines.get(n)!.netns;
      await waitFor(`vxlan routes on ${n}`, async () => {
        const routes = await routesOf(n);
        return nodes.filter((o) => o !== n).every((o) => routes.includes(`${cidrs.get(o)} via ${cidrs.get(o)!.split('/')[0]} dev k8ts-vxlan onlink`));
      }, 30_000);
      const [dev] = JSON.parse(await sh(netns, ['ip', '-j', '-d', 'link', 'show', 'dev', 'k8ts-vxlan']));
      const vx = dev.linkinfo.info_data;
      assert.deepEqual(
        { mac: dev.address, mtu: dev.mtu, alias: dev.ifalias, kind: dev.linkinfo.info_kind, vni: vx.id, port: vx.port, local: vx.local, learning: vx.learning },
        { mac: vtepMacFor(machines.get(n)!.ip), mtu: 1450, alias: 'k8ts pod network', kind: 'vxlan', vni: 1, port: 8472, local: machines.get(n)!.ip, learning: false },
      );
      const fdb = JSON.parse(await sh(netns, ['bridge', '-j', 'fdb', 'show', 'dev', 'k8ts-vxlan'])) as { mac: string; dst?: string }[];
      const neigh = JSON.parse(await sh(netns, ['ip', '-j', 'neigh', 'show', 'dev', 'k8ts-vxlan'])) as { dst: string; lladdr: string; state: string[] }[];
      for (const o of nodes.filter((x) => x !== n)) {
        const mac = vtepMacFor(machines.get(o)!.ip);
        assert.ok(fdb.some((f) => f.mac === mac && f.dst === machines.get(o)!.ip), `${n}: fdb ${mac} → ${machines.get(o)!.ip}\n${JSON.stringify(fdb)}`);
        assert.ok(neigh.some((e) => e.dst === cidrs.get(o)!.split('/')[0] && e.lladdr === mac && e.state.includes('PERMANENT')), `${n}: neighbour of ${o}`);
      }
      // no catch-all entry: unknown MACs are dropped, never flooded onto the machine network
      assert.ok(!fdb.some((f) => f.mac === '00:00:00:00:00:00'));
    }
  });

  it('vxlan: pod to pod, ClusterIP and NodePort across three nodes on two subnets; egress masqueraded; nothing leaks', async () => {
    await runWho(['node-3']);
    await checkPodNetwork(['node-1', 'node-2', 'node-3'], 'vxlan');
  });

  it('returns to host-gw when the node on the other subnet leaves', async () => {
    await workers.get('node-3')!.stop();
    await k.run(['delete', 'pod', whoName('node-3'), '--grace-period=0', '--force']);
    await k.run(['delete', 'node', 'node-3']);
    const [c1, c2] = [await podCIDR('node-1'), await podCIDR('node-2')];
    await waitFor('host-gw routes again, the VXLAN devices gone and the MACs withdrawn', async () =>
      (await routesOf('node-1')).includes(`${c2} via 198.18.200.2 dev eth0`) &&
      (await routesOf('node-2')).includes(`${c1} via 198.18.200.1 dev eth0`) &&
      !(await hasVxlanDevice('node-1')) &&
      !(await hasVxlanDevice('node-2')) &&
      (await nodeJson('node-1')).metadata.annotations?.[VTEP_MAC_ANNOTATION] === undefined &&
      (await nodeJson('node-2')).metadata.annotations?.[VTEP_MAC_ANNOTATION] === undefined,
    30_000);
    await checkPodNetwork(['node-1', 'node-2'], 'host-gw');
  });

  it('tears down leaving no namespace, link, chain, route or cgroup', async () => {
    for (const w of workers.values()) await w.stop();
    await down(cp!);
    // before the namespaces go: nothing of ours is left inside them
    for (const m of machines.values()) {
      const save = await sh(m.netns, ['iptables-save']);
      assert.doesNotMatch(save, /KUBE-|K8TS-/, `${m.name}: iptables`);
      assert.equal((await sh(m.netns, ['ip', 'route', 'show', 'proto', '107'])).trim(), '', `${m.name}: routes`);
      // pods' veth ends go when the kernel frees their namespaces, a moment after the pods die
      const links = async () => (JSON.parse(await sh(m.netns, ['ip', '-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname).sort();
      await waitFor(`${m.name}: only eth0 and lo left`, async () => JSON.stringify(await links()) === '["eth0","lo"]', 30_000).catch(async (e: Error) => {
        assert.fail(`${e.message}: ${(await links()).join(' ')}`);
      });
    }
    await down(cp!, { purge: true });
    cp = undefined;
    net.destroy();
    assert.deepEqual(net.remaining(), []);
    for (const m of machines.values()) {
      for (const ctl of fs.readdirSync('/sys/fs/cgroup')) {
        assert.equal(fs.existsSync(path.join('/sys/fs/cgroup', ctl, cgroupRootFor(m.netns))), false, `cgroup ${ctl}${cgroupRootFor(m.netns)}`);
      }
    }
  });
});
