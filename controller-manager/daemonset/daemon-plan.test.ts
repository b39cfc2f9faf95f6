import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { mkDaemonPod, mkDS, mkNode } from '../../test/fixtures/controller-manager/daemon-sets';
import { claimDaemonPods, computeStatus, daemonPod, nodesToDaemonPods, planManage, TEMPLATE_GENERATION_ANNOTATION } from './daemon-plan';

const NOW = Date.parse('2024-06-01T00:00:00Z');
const names = (ps: Pod[]) => ps.map((p) => p.metadata.name).sort();

describe('daemonset plan', () => {
  const ds = mkDS('agent');
  const surgeDS = mkDS('agent', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } });
  const tainted = mkNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
  const evicting = mkNode('ev', { taints: [{ key: 'dedicated', effect: 'NoExecute' }] });

  describe('manage', () => {
    const cases: { title: string; ds?: ReturnType<typeof mkDS>; nodes: ReturnType<typeof mkNode>[]; pods: Pod[]; create: string[]; remove: string[]; failed?: number; backoff?: string[] }[] = [
      { title: 'every eligible node gets a pod', nodes: [mkNode('a'), mkNode('b'), tainted], pods: [], create: ['a', 'b'], remove: [] },
      { title: 'a node with a pod needs nothing', nodes: [mkNode('a')], pods: [mkDaemonPod(ds, 'a', 'h1', 'ready', { name: 'p-a' })], create: [], remove: [] },
      { title: 'a pod on a node it may not stay on goes', nodes: [evicting], pods: [mkDaemonPod(ds, 'ev', 'h1', 'ready', { name: 'p-ev' })], create: [], remove: ['p-ev'] },
      { title: 'a pod on a newly NoSchedule-tainted node stays', nodes: [tainted], pods: [mkDaemonPod(ds, 'cp', 'h1', 'ready', { name: 'p-cp' })], create: [], remove: [] },
      {
        title: 'without surge, all but the oldest of a node go',
        nodes: [mkNode('a')],
        pods: [mkDaemonPod(ds, 'a', 'h1', 'ready', { name: 'old', created: '2024-01-01T00:00:00Z' }), mkDaemonPod(ds, 'a', 'h1', 'ready', { name: 'new', created: '2024-01-02T00:00:00Z' })],
        create: [],
        remove: ['new'],
      },
      { title: 'a succeeded pod goes', nodes: [mkNode('a')], pods: [mkDaemonPod(ds, 'a', 'h1', 'succeeded', { name: 'done' })], create: [], remove: ['done'] },
      { title: 'a failed pod goes, with a FailedDaemonPod event', nodes: [mkNode('a')], pods: [mkDaemonPod(ds, 'a', 'h1', 'failed', { name: 'bad' })], create: [], remove: ['bad'], failed: 1 },
      { title: 'a terminating pod blocks a create until it is gone', nodes: [mkNode('a')], pods: [mkDaemonPod(ds, 'a', 'h1', 'ready', { name: 'bye', deleting: true })], create: [], remove: [] },
      { title: 'an unscheduled pod for a removed node goes', nodes: [mkNode('a')], pods: [mkDaemonPod(ds, 'a', 'h1'), mkDaemonPod(ds, 'gone', 'h1', 'unscheduled', { name: 'stray' })], create: [], remove: ['stray'] },
      { title: 'a bound pod on a removed node is left to PodGC', nodes: [mkNode('a')], pods: [mkDaemonPod(ds, 'a', 'h1'), mkDaemonPod(ds, 'gone', 'h1', 'ready', { name: 'bound' })], create: [], remove: [] },
      {
        title: 'surge: old ready, new not yet available: both stay',
        ds: surgeDS,
        nodes: [mkNode('a')],
        pods: [mkDaemonPod(surgeDS, 'a', 'h1', 'ready', { name: 'old', created: '2024-01-01T00:00:00Z' }), mkDaemonPod(surgeDS, 'a', 'h2', 'notready', { name: 'new', created: '2024-01-02T00:00:00Z' })],
        create: [],
        remove: [],
      },
      {
        title: 'surge: new available: the old one goes',
        ds: surgeDS,
        nodes: [mkNode('a')],
        pods: [mkDaemonPod(surgeDS, 'a', 'h1', 'ready', { name: 'old', created: '2024-01-01T00:00:00Z' }), mkDaemonPod(surgeDS, 'a', 'h2', 'ready', { name: 'new', created: '2024-01-02T00:00:00Z' })],
        create: [],
        remove: ['old'],
      },
      {
        title: 'surge: old not ready: it goes',
        ds: surgeDS,
        nodes: [mkNode('a')],
        pods: [mkDaemonPod(surgeDS, 'a', 'h1', 'notready', { name: 'old', created: '2024-01-01T00:00:00Z' }), mkDaemonPod(surgeDS, 'a', 'h2', 'notready', { name: 'new', created: '2024-01-02T00:00:00Z' })],
        create: [],
        remove: ['old'],
      },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const p = planManage(c.ds ?? ds, c.nodes, nodesToDaemonPods(c.pods), 'h2', NOW);
        assert.deepEqual(p.create, c.create);
        assert.deepEqual(names(p.remove), c.remove);
        assert.equal(p.failed.length, c.failed ?? 0);
      });
    }

    it('a failed pod in backoff stays for now', () => {
      const p = planManage(ds, [mkNode('a')], nodesToDaemonPods([mkDaemonPod(ds, 'a', 'h1', 'failed')]), 'h1', NOW, () => true);
      assert.deepEqual([p.remove.length, p.backingOff], [0, ['a']]);
    });
  });

  it('the pod for a node: generateName, labels, tolerations, pinned by affinity, owned', () => {
    const d = mkDS('agent');
    d.metadata.annotations = { [TEMPLATE_GENERATION_ANNOTATION]: '3' };
    const p = daemonPod(d, 'n1', 'h7');
    assert.equal(p.metadata.generateName, 'agent-');
    assert.deepEqual(p.metadata.labels, { app: 'agent', 'pod-template-generation': '3', 'controller-revision-hash': 'h7' });
    assert.equal(p.spec.nodeName, undefined, 'the scheduler binds it');
    assert.deepEqual((p.spec.affinity as any).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields, [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]);
    assert.equal((p.spec.tolerations as unknown[]).length, 6);
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'uid-agent', controller: true, blockOwnerDeletion: true }]);
  });

  it('claims its pods, adopts matching orphans, releases mismatches', () => {
    const mine = mkDaemonPod(ds, 'a', 'h1', 'ready', { name: 'mine' });
    const orphan = { ...mkDaemonPod(ds, 'b', 'h1', 'ready', { name: 'orphan' }) };
    orphan.metadata = { ...orphan.metadata, ownerReferences: undefined };
    const relabeled = mkDaemonPod(ds, 'c', 'h1', 'ready', { name: 'relabeled' });
    relabeled.metadata.labels = { app: 'other' };
    const c = claimDaemonPods(ds, [mine, orphan, relabeled]);
    assert.deepEqual([names(c.owned), names(c.adopt), names(c.release)], [['mine', 'orphan'], ['orphan'], ['relabeled']]);
  });

  it('status counts per node by its oldest pod', () => {
    const pods = [
      mkDaemonPod(ds, 'a', 'h2', 'ready'),
      mkDaemonPod(ds, 'b', 'h1', 'ready'),
      mkDaemonPod(ds, 'c', 'h2', 'notready'),
      mkDaemonPod(ds, 'ev', 'h1', 'ready'),
    ];
    const s = computeStatus({ ...ds, metadata: { ...ds.metadata, generation: 4 } }, [mkNode('a'), mkNode('b'), mkNode('c'), mkNode('d'), evicting], nodesToDaemonPods(pods), 'h2', NOW, true);
    assert.deepEqual(s, {
      desiredNumberScheduled: 4,
      currentNumberScheduled: 3,
      numberMisscheduled: 1,
      numberReady: 2,
      numberAvailable: 2,
      numberUnavailable: 2,
      updatedNumberScheduled: 2,
      observedGeneration: 4,
    });
  });
});
