// kubectl cordon, uncordon and drain (the real kubectl 1.32) with PodDisruptionBudgets: cordoned
// nodes take no new pods and carry the unschedulable taint; a Deployment of 6 behind a budget of
// minAvailable 5 is drained off a node one pod at a time through the Eviction API (the others
// refused with 429 until a replacement is Ready), DaemonSet pods are left with --ignore-daemonsets,
// and the budget's status says what is allowed throughout.
import assert from 'node:assert/strict';
import type { Deployment, KObject, Node, Pod } from '../../lib/api/types';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { Resources } from '../../lib/api/resources';
import { ApiError } from '../../lib/errors';
import { Informer } from '../../lib/client/informer';
import { waitFor } from '../harness/exec';
import { isReady } from '../harness/readiness';
import { rawRequest } from '../apiserver-rest/https-request';
import { startNodeFailureCluster, type NodeFailureCluster } from './cluster';

const taintKeys = (n: Node | undefined) => ((n?.spec.taints ?? []) as { key: string; effect: string }[]).map((t) => `${t.key}:${t.effect}`);
const ready = (p: Pod) => isReady(p);
const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable:NoSchedule';

describe('cordon, uncordon and drain with a PodDisruptionBudget', function () {
  this.timeout(300_000);
  let c: NodeFailureCluster;

  before(async () => {
    c = await startNodeFailureCluster('drain');
    for (const n of ['dr-a', 'dr-b', 'dr-c']) await c.addNode(n);
    await waitFor('three Ready nodes', async () => ['dr-a', 'dr-b', 'dr-c'].every((n) => isReady(c.node(n))));
  });
  after(async () => {
    await c?.stop();
  });

  const web = () => c.pods('default').filter((p) => p.metadata.labels?.app === 'web');
  const live = () => web().filter((p) => !p.metadata.deletionTimestamp);
  const pdb = () => c.api.client.get<PodDisruptionBudget>(Resources.poddisruptionbudgets, 'default', 'web');
  /** The DaemonSet controller's pod on dr-a (its name is generated). */
  let agentOnA = '';

  it('serves policy/v1 PodDisruptionBudgets and pods/eviction in discovery as kubectl looks for them', async () => {
    const r = await c.kubectl(['get', '--raw', '/api/v1']);
    const eviction = JSON.parse(r.stdout).resources.find((x: { name: string }) => x.name === 'pods/eviction');
    assert.deepEqual(eviction, { name: 'pods/eviction', singularName: '', namespaced: true, kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' });
    const res = await c.kubectl(['api-resources', '--api-group=policy', '--no-headers']);
    assert.match(res.stdout, /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m);
  });

  it('cordon: the nodes are unschedulable, tainted so, and the scheduler keeps new pods off them', async () => {
    for (const n of ['dr-b', 'dr-c']) {
      const r = await c.kubectl(['cordon', n]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), `node/${n} cordoned`);
    }
    await waitFor('the unschedulable taints', async () => ['dr-b', 'dr-c'].every((n) => c.node(n)?.spec.unschedulable === true && taintKeys(c.node(n)).includes(UNSCHEDULABLE)));
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'k8ts/web:1.0', resources: { requests: { cpu: '100m' } }, volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
            volumes: [{ name: 'scratch', emptyDir: {} }],
          } as Deployment['spec']['template']['spec'],
        },
      },
    };
    await c.api.client.create(Resources.deployments, d);
    await waitFor('6 web pods Running and Ready', async () => live().length === 6 && live().every(ready));
    assert.deepEqual([...new Set(live().map((p) => p.spec.nodeName))], ['dr-a'], 'all on the one schedulable node');
  });

  it('keeps a budget\'s status: 6 expected and healthy, 5 desired, 1 disruption allowed', async () => {
    const r = await c.kubectl(['create', 'poddisruptionbudget', 'web', '--selector=app=web', '--min-available=5']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor('the budget counted', async () => (await pdb()).status?.currentHealthy === 6);
    const st = (await pdb()).status!;
    assert.deepEqual(
      { ...st, conditions: st.conditions?.map((x) => [x.type, x.status, x.reason, x.observedGeneration]) },
      { currentHealthy: 6, desiredHealthy: 5, expectedPods: 6, disruptionsAllowed: 1, observedGeneration: 1, conditions: [['DisruptionAllowed', 'True', 'SufficientPods', 1]] },
    );
    const table = await c.kubectl(['get', 'pdb', 'web']);
    assert.match(table.stdout, /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+5\s+N\/A\s+1\s+\d+s\n$/);
    const described = await c.kubectl(['describe', 'pdb', 'web']);
    assert.equal(described.code, 0, described.stderr);
    for (const line of [/^Min available:\s+5$/m, /^Selector:\s+app=web$/m, /^\s+Allowed disruptions:\s+1$/m, /^\s+Current:\s+6$/m, /^\s+Desired:\s+5$/m, /^\s+Total:\s+6$/m])
      assert.match(described.stdout, line);
  });

  it('uncordon: schedulable again and the taint is gone', async () => {
    for (const n of ['dr-b', 'dr-c']) {
      const r = await c.kubectl(['uncordon', n]);
      assert.equal(r.stdout.trim(), `node/${n} uncordoned`, r.stderr);
    }
    await waitFor('the unschedulable taints removed', async () => ['dr-b', 'dr-c'].every((n) => !c.node(n)?.spec.unschedulable && !taintKeys(c.node(n)).includes(UNSCHEDULABLE)));
  });

  it('refuses an eviction the budget does not allow with 429, on both doors', async () => {
    const patched = await c.kubectl(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":6}}']);
    assert.equal(patched.code, 0, patched.stderr);
    await waitFor('the budget at 0 allowed', async () => {
      const b = await pdb();
      return b.status?.observedGeneration === 2 && b.status.disruptionsAllowed === 0;
    });
    const victim = live()[0].metadata.name!;
    const body = JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim, namespace: 'default' } });
    const res = await rawRequest(c.api.api.securePort, {
      method: 'POST', path: `/api/v1/namespaces/default/pods/${victim}/eviction`, headers: { 'Content-Type': 'application/json' }, body,
      ca: c.api.certs.ca, cert: c.api.certs.clientCert, key: c.api.certs.clientKey,
    });
    assert.equal(res.code, 429);
    assert.equal(
      res.body,
      `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Cannot evict pod as it would violate the pod's disruption budget.","reason":"TooManyRequests","details":{"causes":[{"reason":"DisruptionBudget","message":"The disruption budget web needs 6 healthy pods and has 6 currently"}]},"code":429}\n`,
    );
    const raw = await c.kubectl(['create', '--raw', `/api/v1/namespaces/default/pods/${victim}/eviction`, '-f', '-'], body);
    assert.notEqual(raw.code, 0);
    assert.match(raw.stderr, /Error from server \(TooManyRequests\): Cannot evict pod as it would violate the pod's disruption budget\./);
    await assert.rejects(
      c.api.client.create(Resources.pods, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim, namespace: 'default' } } as KObject, 'eviction'),
      (e: unknown) => e instanceof ApiError && e.code === 429 && e.reason === 'TooManyRequests',
    );
    // A dry run is judged the same way and changes nothing.
    const dry = await c.kubectl(['create', '--raw', `/api/v1/namespaces/default/pods/${victim}/eviction?dryRun=All`, '-f', '-'], body);
    assert.match(dry.stderr, /TooManyRequests/);
    assert.ok(live().some((p) => p.metadata.name === victim), 'the pod is still there');
    await c.kubectl(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":5}}']);
    await waitFor('the budget back at 1 allowed', async () => (await pdb()).status?.disruptionsAllowed === 1);
  });

  it('drain refuses DaemonSet pods and local storage without the flags that allow them', async () => {
    const ds = {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'k8ts/web:1.0' }] } } },
    } as KObject;
    await c.api.client.create(Resources.daemonsets, ds);
    // The DaemonSet controller gives every node a pod; dr-a's is the one drain must refuse.
    const agent = await waitFor('the DaemonSet pod on dr-a running', async () =>
      c.pods('default').find((p) => p.metadata.labels?.app === 'agent' && p.spec.nodeName === 'dr-a' && ready(p) && !p.metadata.deletionTimestamp));
    agentOnA = agent.metadata.name!;
    const r = await c.kubectl(['drain', 'dr-a', '--timeout=60s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`cannot delete DaemonSet-managed Pods \\(use --ignore-daemonsets to ignore\\): default/${agentOnA}`));
    assert.match(r.stderr, /cannot delete Pods with local storage \(use --delete-emptydir-data to override\): default\/web-/);
    assert.equal(live().length, 6, 'nothing was evicted');
  });

  it('drain moves the Deployment off the node one pod at a time through the Eviction API', async () => {
    // Watch every web pod change during the drain: never fewer than 5 Ready and not terminating.
    const seen = new Informer<Pod>(c.api.client, Resources.pods, { namespace: 'default', labelSelector: 'app=web', name: 'test-drain-watch' });
    let minHealthy = Infinity;
    const evictedBy = new Map<string, string | undefined>();
    // Counted from the first full list on (while the cache fills, it holds only some of the pods).
    const look = () => {
      if (!seen.hasSynced()) return;
      minHealthy = Math.min(minHealthy, seen.list().filter((p) => !p.metadata.deletionTimestamp && ready(p)).length);
      for (const p of seen.list()) {
        const cond = p.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
        if (cond) evictedBy.set(p.metadata.name!, cond.reason);
      }
    };
    seen.addHandler({ onAdd: look, onUpdate: look, onDelete: look });
    await seen.start();
    look();
    try {
      const before = live().map((p) => p.metadata.name!);
      const r = await c.kubectl(['drain', 'dr-a', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=240s']);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /node\/dr-a drained/);
      assert.match(r.stderr, new RegExp(`Warning: ignoring DaemonSet-managed Pods: default/${agentOnA}`));
      for (const name of before) assert.match(r.stdout, new RegExp(`pod/${name} evicted`));
      // The budget refused evictions while a replacement was not Ready yet; kubectl retried them.
      assert.match(r.stderr, /error when evicting pods\/"web-[^"]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
      assert.ok(minHealthy >= 5, `only ${minHealthy} healthy pods at one point`);
      assert.deepEqual(before.map((n) => evictedBy.get(n)), before.map(() => 'EvictionByEvictionAPI'));
    } finally {
      seen.stop();
    }
    await waitFor('6 web pods Ready on the other nodes', async () => live().length === 6 && live().every((p) => ready(p) && p.spec.nodeName !== 'dr-a'));
    assert.ok(c.pods('default').some((p) => p.metadata.name === agentOnA && !p.metadata.deletionTimestamp), 'the DaemonSet pod stays');
    assert.equal(c.node('dr-a')?.spec.unschedulable, true);
    await waitFor('the budget settled', async () => {
      const st = (await pdb()).status!;
      return st.currentHealthy === 6 && st.desiredHealthy === 5 && st.expectedPods === 6 && st.disruptionsAllowed === 1 && !st.disruptedPods;
    });
  });
});
