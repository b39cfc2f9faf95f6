// PodTopologySpread and InterPodAffinity in the real scheduler (default profile) against the real
// apiserver (throwaway etcd): pods spread evenly over zones and hosts, anti-affinity puts one per
// host, affinity follows the pod it names, and a pod that cannot fit gets upstream's
// FailedScheduling message. Nodes are API objects only (no kubelet): the scheduler only binds.
import assert from 'node:assert/strict';
import type { KEvent, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Scheduler } from '../../scheduler/scheduler';
import { affinity, HOST, spread, term, ZONE } from '../fixtures/scheduler/topology';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { waitFor } from '../harness/exec';

const NS = 'default';

describe('topology plugins in the scheduler (real apiserver)', function () {
  this.timeout(120_000);
  let api: TestApiserver | undefined;
  let sched: Scheduler | undefined;

  const pod = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}): Pod =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0' }], ...spec } }) as Pod;
  const c = () => api!.client;
  const nodeOf = async (name: string) => (await c().get<Pod>(Resources.pods, NS, name)).spec.nodeName;
  const zoneOf: Record<string, string> = { a1: 'A', a2: 'A', b1: 'B', b2: 'B' };
  const boundAll = (names: string[]) =>
    waitFor(`${names.join(',')} bound`, async () => {
      const where = await Promise.all(names.map(nodeOf));
      return where.every(Boolean) && (where as string[]);
    }, 30_000, 100);
  const failedScheduling = (name: string) =>
    waitFor(`FailedScheduling for ${name}`, async () => (await c().list<KEvent>(Resources.events, NS)).items.find((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === name), 30_000, 100);

  before(async () => {
    api = await startTestApiserver({ name: 'sched-topology' });
    for (const [name, zone] of Object.entries(zoneOf)) {
      const n = await c().create<Node>(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { [HOST]: name, [ZONE]: zone } }, spec: {} } as Node);
      n.status = { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } as Node['status'];
      await c().updateStatus(Resources.nodes, n);
    }
    sched = new Scheduler({ client: api.client, initialBackoffMs: 200, maxBackoffMs: 1000 });
    await sched.start();
  });
  after(async () => {
    await sched?.stop();
    await api?.stop();
  });

  it('PodTopologySpread: 4 pods with zone and hostname maxSkew 1 land one per node, two per zone', async () => {
    const web = { app: 'web' };
    const names = ['w1', 'w2', 'w3', 'w4'];
    for (const n of names) await c().create(Resources.pods, pod(n, web, { topologySpreadConstraints: [spread(ZONE, 1, web), spread(HOST, 1, web)] }));
    const where = await boundAll(names);
    assert.deepEqual([...where].sort(), ['a1', 'a2', 'b1', 'b2']);
  });

  it('PodTopologySpread: a constraint on a key no node has is unresolvable everywhere', async () => {
    await c().create(Resources.pods, pod('rack', { app: 'rack' }, { topologySpreadConstraints: [spread('example.com/rack', 1, { app: 'rack' })] }));
    const ev = await failedScheduling('rack');
    assert.match(ev.message ?? '', /^0\/4 nodes are available: 4 node\(s\) didn't match pod topology spread constraints \(missing required label\)\./);
    assert.equal(await nodeOf('rack'), undefined);
  });

  it('InterPodAffinity: hostname anti-affinity puts one per node; the fifth waits with the anti-affinity reason', async () => {
    const solo = { app: 'solo' };
    const anti = affinity({ antiReq: [term(HOST, solo)] });
    const names = ['s1', 's2', 's3', 's4'];
    for (const n of names) await c().create(Resources.pods, pod(n, solo, { affinity: anti }));
    const where = await boundAll(names);
    assert.deepEqual([...where].sort(), ['a1', 'a2', 'b1', 'b2']);
    await c().create(Resources.pods, pod('s5', solo, { affinity: anti }));
    const ev = await failedScheduling('s5');
    assert.match(ev.message ?? '', /^0\/4 nodes are available: 4 node\(s\) didn't match pod anti-affinity rules\./);
  });

  it("InterPodAffinity: affinity follows the named pod's zone; an existing pod's anti-affinity keeps others out", async () => {
    await c().create(Resources.pods, pod('db', { app: 'db' }, { nodeName: 'b1', affinity: affinity({ antiReq: [term(ZONE, { app: 'noisy' })] }) }));
    await c().create(Resources.pods, pod('api', { app: 'api' }, { affinity: affinity({ req: [term(ZONE, { app: 'db' })] }) }));
    const [apiNode] = await boundAll(['api']);
    assert.equal(zoneOf[apiNode], 'B');
    // Pinned to zone B by its nodeSelector, a noisy pod has nowhere to go.
    await c().create(Resources.pods, pod('noisy', { app: 'noisy' }, { nodeSelector: { [ZONE]: 'B' } }));
    const ev = await failedScheduling('noisy');
    assert.match(ev.message ?? '', /^0\/4 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector, 2 node\(s\) didn't satisfy existing pods anti-affinity rules\./);
    // Unpinned, it goes to zone A.
    await c().create(Resources.pods, pod('noisy2', { app: 'noisy' }));
    const [noisyNode] = await boundAll(['noisy2']);
    assert.equal(zoneOf[noisyNode], 'A');
  });

  it('InterPodAffinity under preemption: a high-priority pod evicts the one pod its anti-affinity forbids (RemovePod)', async () => {
    await c().create(Resources.priorityclasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'topo-high' }, value: 1000 } as never);
    const low = { app: 'low' };
    for (const n of Object.keys(zoneOf)) await c().create(Resources.pods, pod(`low-${n}`, low, { nodeName: n }));
    await c().create(Resources.pods, pod('vip', { app: 'vip' }, { priorityClassName: 'topo-high', affinity: affinity({ antiReq: [term(HOST, low)] }) }));
    const nominated = await waitFor('vip nominated', async () => (await c().get<Pod>(Resources.pods, NS, 'vip')).status?.nominatedNodeName as string | undefined, 30_000, 100);
    assert.ok(nominated in zoneOf);
    const state = async (n: string) => {
      try {
        return (await c().get<Pod>(Resources.pods, NS, `low-${n}`)).metadata.deletionTimestamp ? 'deleting' : 'running';
      } catch {
        return 'gone';
      }
    };
    await waitFor('the victim deleted', async () => (await state(nominated)) !== 'running', 30_000, 100);
    // Only the pod in the way: every other pod on that node, and the low pods elsewhere, stay.
    for (const n of Object.keys(zoneOf)) if (n !== nominated) assert.equal(await state(n), 'running', `low-${n}`);
    const others = (await c().list<Pod>(Resources.pods, NS)).items.filter((p) => p.spec.nodeName === nominated && !p.metadata.name!.startsWith('low-'));
    assert.ok(others.length > 0 && others.every((p) => !p.metadata.deletionTimestamp));
  });
});
