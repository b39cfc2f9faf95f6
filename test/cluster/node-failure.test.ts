// Machines failing under a cluster installed by `k8ts deploy` (grace period 20 s, default
// tolerations 10 s): a stopped worker goes NotReady and is tainted unreachable, its pods are
// evicted (DisruptionTarget) and run again on the other worker while the Service keeps answering
// apart from the eviction window; a pod tolerating the taint forever stays; started again, the
// machine comes back by itself and its node is Ready. A worker cut from the network is handled
// the same way, and when it is joined back its surviving pod's container was never restarted
// (re-adopted). Finally `kubectl drain` with a PodDisruptionBudget of minAvailable 5 for 6
// replicas moves the pods one at a time.
import { strict as assert } from 'node:assert';
import type { Machine } from '../../deploy/machines/machines';
import { waitFor } from '../harness/exec';
import { MachineCluster } from './machine-cluster';
import { httpOk, WEB_MANIFEST } from './web';
import { conditionTrue, isReady } from '../harness/readiness';

interface PodView {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { containerID?: string; restartCount: number }[] };
}
interface NodeView {
  spec: { taints?: { key: string; effect: string }[] };
  status: { conditions: { type: string; status: string }[] };
}

/** A pod on a node that tolerates the node's failure forever (no tolerationSeconds). */
const steadyPod = (node: string) => `apiVersion: v1
kind: Pod
metadata: {name: steady-${node}, labels: {app: steady}}
spec:
  nodeName: ${node}
  tolerations:
    - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute}
    - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute}
  containers: [{name: c, image: 'k8ts/web:1.0'}]
`;

const PDB = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 5
  selector: {matchLabels: {app: web}}
`;

/** Asks the Service (a NodePort on the control plane's address) every 200 ms from this host. */
class Prober {
  readonly results: { at: number; ok: boolean }[] = [];
  private stopped = false;
  private loop?: Promise<void>;
  constructor(private readonly url: string) {}
  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        this.results.push({ at: Date.now(), ok: await httpOk(this.url, 1500) });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
  failuresBetween(from: number, to: number): number {
    return this.results.filter((r) => !r.ok && r.at >= from && r.at <= to).length;
  }
}

describe('machines failing under a cluster installed by k8ts deploy', function () {
  this.timeout(1_800_000);
  let c: MachineCluster;
  let w1: Machine;
  let w2: Machine;
  let nodePortUrl = '';

  const pods = async (selector: string): Promise<PodView[]> => (await c.kubectl.json<{ items: PodView[] }>(['get', 'pods', '-l', selector])).items;
  const node = (name: string) => c.kubectl.json<NodeView>(['get', 'node', name]);
  const liveWeb = async () => (await pods('app=web')).filter((p) => !p.metadata.deletionTimestamp);
  const readyWebOn = async (nodes: string[]) => (await liveWeb()).filter((p) => isReady(p) && nodes.includes(p.spec.nodeName ?? ''));

  before(async () => {
    c = await MachineCluster.create('f', {
      workers: 2,
      settings: { nodeMonitorGracePeriodSeconds: 20, defaultNotReadyTolerationSeconds: 10, defaultUnreachableTolerationSeconds: 10 },
    });
    [w1, w2] = c.workers;
    await c.deploy();
    await c.kubectl.out(['apply', '-f', '-'], WEB_MANIFEST);
    for (const m of [w1, w2]) await c.kubectl.out(['apply', '-f', '-'], steadyPod(m.name));
    await waitFor('6 web pods Ready on both workers, the steady pods Running', async () => {
      const web = await readyWebOn(['w1', 'w2']);
      const steady = (await pods('app=steady')).filter((p) => isReady(p));
      return web.length === 6 && new Set(web.map((p) => p.spec.nodeName)).size === 2 && steady.length === 2;
    }, 180_000);
    const port = (await c.kubectl.out(['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).trim();
    nodePortUrl = `http://${c.cp.address}:${port}/`;
  });

  after(async () => {
    await c?.stop();
  });

  /** The failure, then: NotReady and tainted, web pods evicted and Ready elsewhere, the steady pod kept. */
  async function failAndRecover(victim: Machine, survivor: Machine, fail: () => Promise<void>): Promise<{ prober: Prober; servedAgainAt: number }> {
    const before = (await liveWeb()).filter((p) => p.spec.nodeName === victim.name).map((p) => p.metadata.name);
    assert.ok(before.length > 0, `web pods on ${victim.name} before it fails`);
    const prober = new Prober(nodePortUrl);
    prober.start();
    const answering = await waitFor('the Service answering before the failure', async () => prober.results.find((r) => r.ok)?.at, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    const failedAt = Date.now();
    assert.equal(prober.failuresBetween(answering, failedAt), 0, 'answering before the failure');
    await fail();
    await waitFor(`${victim.name} NotReady`, async () => !isReady(await node(victim.name)), 180_000);
    await waitFor(`${victim.name} tainted unreachable:NoExecute`, async () => (await node(victim.name)).spec.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'), 120_000);
    await waitFor(`6 web pods Ready on ${survivor.name}`, async () => (await readyWebOn([survivor.name])).length === 6, 240_000);
    const evicted = (await pods('app=web')).filter((p) => before.includes(p.metadata.name));
    for (const p of evicted) {
      assert.ok(p.metadata.deletionTimestamp, `${p.metadata.name} is being deleted`);
      assert.ok(conditionTrue(p, 'DisruptionTarget'), `${p.metadata.name}: DisruptionTarget`);
    }
    const steady = (await pods('app=steady')).find((p) => p.spec.nodeName === victim.name)!;
    assert.equal(steady.metadata.deletionTimestamp, undefined, 'a pod tolerating the failure forever stays');
    const servedAgainAt = await waitFor('the Service answering ten times in a row', async () => {
      const last = prober.results.slice(-10);
      return last.length === 10 && last.every((r) => r.ok) && last[0].at;
    }, 60_000);
    return { prober, servedAgainAt };
  }

  it('a stopped worker: NotReady, its pods evicted and running on the other worker; started again, it is Ready', async () => {
    const { prober, servedAgainAt } = await failAndRecover(w2, w1, () => w2.stop());
    await prober.stop();
    assert.equal(prober.failuresBetween(servedAgainAt, Date.now()), 0, 'answering once the pods run elsewhere');
    await w2.start();
    // no deploy: the machine's boot starts the node's supervisor again
    await waitFor('w2 Ready again, untainted', async () => {
      const n = await node('w2');
      return isReady(n) && !n.spec.taints?.some((t) => t.key.startsWith('node.kubernetes.io/'));
    }, 180_000);
    await waitFor('the evicted pods gone, the steady pod Running on w2 again', async () => {
      const all = await pods('app=web');
      const steady = (await pods('app=steady')).find((p) => p.spec.nodeName === 'w2');
      return all.every((p) => !p.metadata.deletionTimestamp) && isReady(steady) && steady;
    }, 180_000);
  });

  it('a worker cut from the network: the same, and joined back its running pod was never restarted', async () => {
    // w1 holds the six web pods now, and its steady pod
    const steadyBefore = (await pods('app=steady')).find((p) => p.spec.nodeName === 'w1')!;
    const containerBefore = steadyBefore.status.containerStatuses?.[0]?.containerID;
    assert.ok(containerBefore);
    const { prober, servedAgainAt } = await failAndRecover(w1, w2, () => w1.disconnect());
    await w1.connect();
    await waitFor('w1 Ready again, untainted', async () => {
      const n = await node('w1');
      return isReady(n) && !n.spec.taints?.some((t) => t.key.startsWith('node.kubernetes.io/'));
    }, 180_000);
    await prober.stop();
    assert.equal(prober.failuresBetween(servedAgainAt, Date.now()), 0, 'answering once the pods run elsewhere');
    const steadyAfter = (await pods('app=steady')).find((p) => p.spec.nodeName === 'w1')!;
    assert.equal(steadyAfter.status.containerStatuses?.[0]?.containerID, containerBefore, 'the same container, re-adopted');
    assert.equal(steadyAfter.status.containerStatuses?.[0]?.restartCount, 0);
    await waitFor('the evicted pods on w1 gone', async () => (await pods('app=web')).every((p) => !p.metadata.deletionTimestamp), 180_000);
  });

  it('kubectl drain with a budget of minAvailable 5 for 6 moves the pods one at a time', async () => {
    // a fresh set of six after the failures above, then drain the worker holding the most (the
    // scheduler may put all six on one: spreading is issue 12's; the drain moves them all then)
    await c.kubectl.out(['rollout', 'restart', 'deployment/web']);
    await waitFor('6 web pods Ready on the workers', async () => {
      const web = await readyWebOn(['w1', 'w2']);
      return web.length === 6 && (await liveWeb()).length === 6;
    }, 240_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await c.kubectl.out(['get', 'pods,nodes', '-o', 'wide'])}`);
    });
    await c.kubectl.out(['apply', '-f', '-'], PDB);
    const counts = (await liveWeb()).reduce((m, p) => m.set(p.spec.nodeName!, (m.get(p.spec.nodeName!) ?? 0) + 1), new Map<string, number>());
    const target = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    let fewest = 6;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        fewest = Math.min(fewest, (await readyWebOn(['w1', 'w2'])).length);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      const r = await c.kubectl.run(['drain', target, '--ignore-daemonsets', '--pod-selector=app=web', '--timeout=240s']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`node/${target} drained`));
    } finally {
      watching = false;
      await watch;
    }
    assert.ok(fewest >= 5, `never fewer than 5 web pods Ready during the drain (fewest: ${fewest})`);
    const other = target === 'w1' ? 'w2' : 'w1';
    await waitFor(`6 web pods Ready on ${other}`, async () => (await readyWebOn([other])).length === 6, 120_000);
    await c.kubectl.out(['uncordon', target]);
  });
});
