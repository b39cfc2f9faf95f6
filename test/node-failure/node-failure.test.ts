// Node failure the Kubernetes way, against a real etcd, apiserver, controller-manager and
// scheduler: a node whose heartbeats stop is marked Unknown and tainted unreachable (NoSchedule and
// NoExecute) within its grace period; pods with the apiserver's default 10 s tolerations are evicted
// (DisruptionTarget) once those run out and their ReplicaSet's replacements are scheduled on the
// healthy nodes; a pod tolerating the taint forever stays; when the node is back its taints go and
// a pending eviction is cancelled.
import assert from 'node:assert/strict';
import type { Deployment, KEvent, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { waitFor } from '../harness/exec';
import { isReady } from '../harness/readiness';
import { GRACE_PERIOD_SECONDS, startNodeFailureCluster, TOLERATION_SECONDS, type NodeFailureCluster } from './cluster';

const UNREACHABLE = 'node.kubernetes.io/unreachable';
const taintsOf = (n: Node | undefined) => ((n?.spec.taints ?? []) as { key: string; effect: string; timeAdded?: string }[]);
const ready = (p: Pod) => isReady(p);
const seconds = (ts: string | undefined) => Date.parse(ts ?? '') / 1000;

describe('node failure: taints, tolerations and eviction', function () {
  this.timeout(240_000);
  let c: NodeFailureCluster;
  let victim = '';

  before(async () => {
    c = await startNodeFailureCluster('node-failure');
    for (const n of ['nf-a', 'nf-b', 'nf-c']) await c.addNode(n);
    await waitFor('three Ready nodes without taints', async () => ['nf-a', 'nf-b', 'nf-c'].every((n) => isReady(c.node(n)) && taintsOf(c.node(n)).length === 0));
  });
  after(async () => {
    await c?.stop();
  });

  const web = () => c.pods('default').filter((p) => p.metadata.labels?.app === 'web');
  const live = () => web().filter((p) => !p.metadata.deletionTimestamp);

  it('adds the default tolerations (10 s from the apiserver flags) to new pods', async () => {
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0', resources: { requests: { cpu: '100m' } } }] } },
      },
    };
    await c.api.client.create(Resources.deployments, d);
    await waitFor('3 web pods Running and Ready', async () => live().length === 3 && live().every((p) => ready(p) && p.spec.nodeName));
    for (const p of live()) {
      assert.deepEqual((p.spec as { tolerations?: unknown }).tolerations, [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_SECONDS },
        { key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_SECONDS },
      ]);
    }
    victim = live()[0].spec.nodeName!;
    const pod = (name: string, tolerationSeconds?: number): Pod => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: name } },
      spec: {
        nodeName: victim,
        containers: [{ name: 'c', image: 'k8ts/web:1.0' }],
        tolerations: [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds ? { tolerationSeconds } : {}) }],
      } as Pod['spec'],
    });
    // Stays forever; and one whose hour-long toleration will still be running when the node is back.
    await c.api.client.create(Resources.pods, pod('forever'));
    await c.api.client.create(Resources.pods, pod('patient', 3600));
    await waitFor('the two pods running on the node to be lost', async () => ['forever', 'patient'].every((n) => c.pods('default').some((p) => p.metadata.name === n && ready(p))));
  });

  it('marks the node whose heartbeats stop Unknown and taints it unreachable NoSchedule and NoExecute', async () => {
    const lostAt = Date.now();
    c.setAlive(victim, false);
    await waitFor('the node tainted unreachable NoSchedule and NoExecute', async () => {
      const keys = taintsOf(c.node(victim)).map((t) => `${t.key}:${t.effect}`);
      return keys.includes(`${UNREACHABLE}:NoSchedule`) && keys.includes(`${UNREACHABLE}:NoExecute`);
    }, 60_000, 200);
    const n = c.node(victim)!;
    const readyCond = n.status!.conditions!.find((x) => x.type === 'Ready')!;
    assert.deepEqual([readyCond.status, readyCond.reason], ['Unknown', 'NodeStatusUnknown']);
    // Not before the grace period: the node was judged on the absence of heartbeats.
    assert.ok(seconds(readyCond.lastTransitionTime) >= Math.floor(lostAt / 1000) + GRACE_PERIOD_SECONDS - 1, `marked Unknown at ${readyCond.lastTransitionTime}, heartbeats stopped at ${new Date(lostAt).toISOString()}`);
    // The pods there are no longer Ready, so Services stop sending them traffic.
    await waitFor('the pods on the lost node marked not ready', async () => c.pods('default').filter((p) => p.spec.nodeName === victim).every((p) => !ready(p)));
  });

  it('evicts the pods whose toleration ran out, with DisruptionTarget, and their ReplicaSet replaces them on healthy nodes', async () => {
    const evicted = await waitFor('the web pod on the lost node evicted', async () => {
      const gone = web().filter((p) => p.spec.nodeName === victim);
      return gone.length > 0 && gone.every((p) => p.metadata.deletionTimestamp) && gone;
    }, 60_000, 200);
    const noExecuteAt = taintsOf(c.node(victim)).find((t) => t.key === UNREACHABLE && t.effect === 'NoExecute')!.timeAdded;
    for (const p of evicted) {
      const cond = p.status!.conditions!.find((x) => x.type === 'DisruptionTarget')!;
      assert.deepEqual([cond.status, cond.reason, cond.message], ['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']);
      // Only once the 10 s toleration had run out (timestamps have whole seconds).
      assert.ok(seconds(cond.lastTransitionTime) >= seconds(noExecuteAt) + TOLERATION_SECONDS - 1, `evicted at ${cond.lastTransitionTime}, tainted at ${noExecuteAt}`);
    }
    await waitFor('3 web pods Running and Ready on the healthy nodes', async () => {
      const l = live();
      return l.length === 3 && l.every((p) => ready(p) && p.spec.nodeName && p.spec.nodeName !== victim);
    }, 60_000);
    const events = await c.api.client.list<KEvent>(Resources.events, 'default');
    for (const p of evicted) {
      const ev = events.items.find((e) => e.reason === 'TaintManagerEviction' && e.involvedObject.name === p.metadata.name);
      assert.equal(ev?.message, `Marking for deletion Pod default/${p.metadata.name}`);
      assert.equal(ev?.source?.component, 'taint-eviction-controller');
    }
    // The replacements were bound by the scheduler.
    for (const p of live().filter((x) => !evicted.some((e) => e.metadata.uid === x.metadata.uid))) {
      assert.ok(events.items.some((e) => e.reason === 'Scheduled' && e.involvedObject.name === p.metadata.name && e.message === `Successfully assigned default/${p.metadata.name} to ${p.spec.nodeName}`), `Scheduled event for ${p.metadata.name}`);
    }
  });

  it('keeps the pod that tolerates the taint forever, and the one still within its toleration', async () => {
    for (const name of ['forever', 'patient']) {
      const p = c.pods('default').find((x) => x.metadata.name === name)!;
      assert.equal(p.spec.nodeName, victim);
      assert.equal(p.metadata.deletionTimestamp, undefined, name);
    }
  });

  it('removes the taints when the node is Ready again, and cancels the pending eviction', async () => {
    c.setAlive(victim, true);
    await waitFor('the node Ready without taints', async () => {
      const n = c.node(victim);
      return isReady(n) && taintsOf(n).length === 0;
    }, 60_000, 200);
    await waitFor('the evicted pod finished by the returned kubelet', async () => web().filter((p) => p.spec.nodeName === victim).length === 0);
    await waitFor('the cancelled eviction recorded', async () => {
      const events = await c.api.client.list<KEvent>(Resources.events, 'default');
      return events.items.some((e) => e.reason === 'TaintManagerEviction' && e.involvedObject.name === 'patient' && e.message === 'Cancelling deletion of Pod default/patient');
    });
    await waitFor('the pods that stayed Ready again', async () => ['forever', 'patient'].every((n) => c.pods('default').some((p) => p.metadata.name === n && ready(p) && !p.metadata.deletionTimestamp)));
    const all = c.pods('default').filter((p) => ['forever', 'patient'].includes(p.metadata.name!));
    assert.ok(all.every((p) => !p.status?.conditions?.some((x) => x.type === 'DisruptionTarget')), 'never marked for eviction');
  });
});
