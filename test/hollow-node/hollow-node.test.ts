// Hollow nodes against the real control plane: a real etcd and apiserver, the real scheduler and
// controller-manager in this process, and 20 hollow nodes serving one Deployment — registration,
// Lease renewals, every pod Running through the status subresource, and a scale-down whose pods
// are finalized (terminal status, then deleted) as a kubelet does it. No container runs anywhere.
import assert from 'node:assert/strict';
import type { Deployment, Lease, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { bytesOf, cpuMillis } from '../../lib/api/quantity';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { schedulerFlags } from '../../scheduler/flags';
import { startScheduler } from '../../scheduler/start';
import { HOLLOW_LABEL, startHollowNodes, type HollowNodes } from '../../hollow-node/hollow-nodes';
import { LEASE_NAMESPACE } from '../../kubelet/node/node-agent';
import { ipToNumber, podRange } from '../../hollow-node/fake-addresses';
import { ANNOTATION_EXIT_CODE } from '../../hollow-node/hollow-pod-status';
import { mkDeployment } from '../fixtures/controller-manager/objects';
import { waitFor } from '../harness/exec';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';

const NODES = 20;
const PODS = 40;

describe('hollow nodes (real apiserver, scheduler and controller-manager)', function () {
  this.timeout(300_000);
  let api: TestApiserver | undefined;
  let hollow: HollowNodes | undefined;
  const stops: (() => Promise<unknown> | unknown)[] = [];

  before(async () => {
    api = await startTestApiserver({ name: 'hollow-node' });
    const client = api.client;
    const cm = await startControllerManager({ ...controllerManagerFlags, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1', client, rootCaFile: `${api.dir}/ca.pem` });
    stops.push(() => cm.stop());
    const sched = await startScheduler({ ...schedulerFlags, _: [], client, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1' } as never);
    stops.push(() => sched.stop());
    // The Lease and status schedule shortened from 10 s so that renewals show within the test.
    hollow = await startHollowNodes({ client, nodes: NODES, namePrefix: 'hollow-', leaseRenewMs: 1000, statusCheckMs: 1000, deleteNodesOnStop: true });
  });

  after(async () => {
    await hollow?.stop();
    for (const s of stops.reverse()) await Promise.resolve().then(s).catch(() => undefined);
    await api?.stop();
  });

  const hollowNodes = async () => (await api!.client.list<Node>(Resources.nodes, undefined, { labelSelector: `${HOLLOW_LABEL}=true` })).items;
  const pods = async () => (await api!.client.list<Pod>(Resources.pods, 'default', { labelSelector: 'app=web' })).items;
  const isReady = (p: Pod) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

  it(`registers ${NODES} Ready nodes with the hollow label, capacity and a hollow runtime`, async () => {
    assert.deepEqual(hollow!.nodeNames, Array.from({ length: NODES }, (_, i) => `hollow-${i}`));
    const nodes = await hollowNodes();
    assert.equal(nodes.length, NODES);
    const ips = new Set<string>();
    for (const n of nodes) {
      assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], n.metadata.name);
      assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', n.metadata.name);
      const cap = n.status?.capacity ?? {};
      assert.deepEqual([cpuMillis(cap.cpu), bytesOf(cap.memory), cap.pods], [4000, 32 * 2 ** 30, '110']);
      assert.deepEqual(n.status?.allocatable, n.status?.capacity);
      assert.equal(n.status?.nodeInfo?.containerRuntimeVersion, 'hollow://1.0');
      const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
      assert.match(ip, /^127\.1\.0\.\d+$/);
      ips.add(ip);
    }
    assert.equal(ips.size, NODES, 'one address per node');
    // The controller-manager's node IPAM gives each a pod CIDR, as to any node.
    await waitFor('pod CIDRs on every hollow node', async () => (await hollowNodes()).every((n) => !!n.spec.podCIDR), 60_000, 200);
  });

  it('renews every Lease', async () => {
    const renewTimes = async () => {
      const m = new Map<string, number>();
      for (const name of hollow!.nodeNames) m.set(name, Date.parse((await api!.client.get<Lease>(Resources.leases, LEASE_NAMESPACE, name)).spec.renewTime!));
      return m;
    };
    const first = await renewTimes();
    await waitFor('every Lease renewed', async () => {
      const now = await renewTimes();
      return [...now].every(([name, t]) => t > first.get(name)!);
    }, 30_000, 500);
    const lease = await api!.client.get<Lease>(Resources.leases, LEASE_NAMESPACE, 'hollow-0');
    assert.equal(lease.spec.holderIdentity, 'hollow-0');
    assert.equal(lease.metadata.ownerReferences?.[0]?.kind, 'Node');
  });

  it(`runs a Deployment of ${PODS}: every pod Running and Ready on a hollow node, with the kubelet's status`, async () => {
    await api!.client.create(Resources.deployments, mkDeployment('web', PODS));
    const running = await waitFor(`${PODS} pods running`, async () => {
      const ps = await pods();
      return ps.length === PODS && ps.every(isReady) && ps;
    }, 120_000, 500);
    const nodes = new Map((await hollowNodes()).map((n) => [n.metadata.name!, n]));
    const podIPs = new Set<string>();
    for (const p of running) {
      const node = nodes.get(p.spec.nodeName!);
      assert.ok(node, `${p.metadata.name} on ${p.spec.nodeName}: a hollow node`);
      assert.equal(p.status!.hostIP, node!.status!.addresses!.find((a) => a.type === 'InternalIP')!.address);
      assert.deepEqual(
        p.status!.conditions!.filter((c) => ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].includes(c.type)).map((c) => `${c.type}=${c.status}`).sort(),
        ['ContainersReady=True', 'Initialized=True', 'PodScheduled=True', 'Ready=True'],
      );
      const cs = p.status!.containerStatuses!;
      assert.equal(cs.length, 1);
      assert.ok(cs[0].containerID?.startsWith('hollow://'), cs[0].containerID);
      assert.ok(cs[0].state.running?.startedAt);
      assert.ok(p.status!.startTime);
      // From the node's podCIDR (the controller-manager allocated it before the pods came).
      const range = podRange(node!.spec.podCIDR!)!;
      const ip = ipToNumber(p.status!.podIP!);
      assert.ok(ip >= range.first && ip <= range.last, `${p.status!.podIP} in ${node!.spec.podCIDR}`);
      podIPs.add(p.status!.podIP!);
    }
    assert.equal(podIPs.size, PODS, 'unique pod addresses');
    assert.ok(new Set(running.map((p) => p.spec.nodeName)).size > 1, 'spread over several hollow nodes');
    await waitFor('the Deployment available', async () => (await api!.client.get<Deployment>(Resources.deployments, 'default', 'web')).status?.availableReplicas === PODS, 60_000, 500);
  });

  it('scales down to 10: the removed pods are finalized by their hollow node and gone from the API', async () => {
    const d = await api!.client.get<Deployment>(Resources.deployments, 'default', 'web');
    await api!.client.update(Resources.deployments, { ...d, spec: { ...d.spec, replicas: 10 } });
    // Pods deleted with the default 30 s grace period: only the hollow node's delete (grace 0) can
    // remove them within the wait.
    const left = await waitFor('10 pods left', async () => {
      const ps = await pods();
      return ps.length === 10 && ps.every((p) => !p.metadata.deletionTimestamp && isReady(p)) && ps;
    }, 25_000, 250);
    assert.equal(left.length, 10);
  });

  it('the exit-code annotation ends a pod: Succeeded for 0, Failed otherwise', async () => {
    const mk = (name: string, code: string): Pod => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', annotations: { [ANNOTATION_EXIT_CODE]: code } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'k8ts/web:1.0' }] },
    });
    await api!.client.create(Resources.pods, mk('done-ok', '0'));
    await api!.client.create(Resources.pods, mk('done-bad', '2'));
    const phases = await waitFor('both pods ended', async () => {
      const got = await Promise.all(['done-ok', 'done-bad'].map((n) => api!.client.get<Pod>(Resources.pods, 'default', n)));
      return got.every((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') && got;
    }, 60_000, 250);
    assert.deepEqual(phases.map((p) => [p.status!.phase, p.status!.containerStatuses![0].state.terminated?.exitCode]), [['Succeeded', 0], ['Failed', 2]]);
    assert.ok(phases.every((p) => p.spec.nodeName?.startsWith('hollow-')));
  });

  it('stop() removes the nodes and their Leases (deleteNodesOnStop)', async () => {
    await hollow!.stop();
    assert.equal((await hollowNodes()).length, 0);
    const leases = (await api!.client.list<Lease>(Resources.leases, LEASE_NAMESPACE)).items.filter((l) => l.metadata.name!.startsWith('hollow-'));
    assert.deepEqual(leases, []);
  });
});
