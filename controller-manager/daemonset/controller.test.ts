import assert from 'node:assert/strict';
import type { KEvent, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { settle, setPodState, waitFor } from '../../test/fixtures/controller-manager/objects';
import { mkDS, mkNode } from '../../test/fixtures/controller-manager/daemon-sets';
import type { ControllerRevision } from '../history/revisions';
import type { DaemonSet } from './daemon-set';
import { targetNodeName } from './node-eligibility';
import { DaemonSetController } from './controller';

describe('daemonset controller', () => {
  let client: FakeApiClient;
  let stop: () => Promise<void>;
  let stopKubelet: () => void;
  beforeEach(async () => {
    client = new FakeApiClient();
    const infs = [
      new Informer<DaemonSet>(client, Resources.daemonsets),
      new Informer<Pod>(client, Resources.pods),
      new Informer<Node>(client, Resources.nodes),
      new Informer<ControllerRevision>(client, Resources.controllerrevisions),
    ] as const;
    const c = new DaemonSetController(client, infs[0], infs[1], infs[2], infs[3], new EventRecorder(client, { component: 'daemonset-controller' }));
    await Promise.all(infs.map((i) => i.start()));
    c.start();
    // A stand-in scheduler and kubelet: each new pod is bound to its pinned node and made Ready.
    const h = client.watch<Pod>(Resources.pods, undefined, {}, {
      onEvent: (ev) => {
        if (ev.type !== 'ADDED') return;
        queueMicrotask(() => {
          try {
            client.mutate<Pod>(Resources.pods, ev.object.metadata.namespace, ev.object.metadata.name!, (p) => {
              p.spec.nodeName = targetNodeName(p);
              setPodState(p, 'ready');
            });
          } catch {
            // deleted meanwhile
          }
        });
      },
      onClose: () => undefined,
    });
    stopKubelet = () => h.stop();
    stop = async () => {
      for (const i of infs) i.stop();
      await c.stop();
    };
  });
  afterEach(async () => {
    stopKubelet();
    await stop();
  });

  const live = () => client.all<Pod>(Resources.pods, 'default').filter((p) => !p.metadata.deletionTimestamp);
  const ds = () => client.peek<DaemonSet>(Resources.daemonsets, 'default', 'agent')!;
  const revisions = () => client.all<ControllerRevision>(Resources.controllerrevisions, 'default');
  const nodesOf = (ps: Pod[]) => ps.map((p) => p.spec.nodeName).sort();

  it('runs one pod per node, follows nodes coming and going, rolls an update, keeps history', async () => {
    client.seed(Resources.nodes, mkNode('a'));
    client.seed(Resources.nodes, mkNode('b'));
    client.seed(Resources.nodes, mkNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }));
    client.seed(Resources.daemonsets, mkDS('agent'));
    await waitFor(() => live().length === 2 && live().every((p) => p.status?.phase === 'Running'), 'two pods');
    assert.deepEqual(nodesOf(live()), ['a', 'b']);
    await waitFor(() => ds().status?.numberAvailable === 2 && ds().status?.desiredNumberScheduled === 2 && ds().status?.observedGeneration === 1, 'status');
    assert.equal(revisions().length, 1);
    assert.equal(revisions()[0].revision, 1);

    client.seed(Resources.nodes, mkNode('c'));
    await waitFor(() => live().length === 3, 'a pod on the new node');
    await client.delete(Resources.nodes, undefined, 'c');
    await waitFor(() => ds().status?.desiredNumberScheduled === 2, 'desired drops with the node');

    client.mutate<DaemonSet>(Resources.daemonsets, 'default', 'agent', (d) => (d.spec.template.spec.containers[0].image = 'k8ts/web:2.0'));
    // The fake deletes at once; pods on c are not the controller's to delete (PodGC's).
    const onAB = () => live().filter((p) => p.spec.nodeName !== 'c');
    await waitFor(() => onAB().length === 2 && onAB().every((p) => p.spec.containers[0].image === 'k8ts/web:2.0' && p.status?.phase === 'Running'), 'rolled out');
    await waitFor(() => ds().status?.updatedNumberScheduled === 2 && ds().status?.numberAvailable === 2, 'updated status');
    assert.deepEqual(revisions().map((r) => r.revision).sort(), [1, 2]);
    const events = client.all<KEvent>(Resources.events, 'default').map((e) => e.reason);
    assert.ok(events.includes('SuccessfulCreate') && events.includes('SuccessfulDelete'), events.join(','));

    // Undo: the old template again renumbers its revision rather than adding one.
    client.mutate<DaemonSet>(Resources.daemonsets, 'default', 'agent', (d) => (d.spec.template.spec.containers[0].image = 'k8ts/web:1.0'));
    await waitFor(() => revisions().map((r) => r.revision).sort().join() === '2,3', 'renumbered');
    await waitFor(() => onAB().length === 2 && onAB().every((p) => p.spec.containers[0].image === 'k8ts/web:1.0'), 'rolled back');
  });

  it('OnDelete replaces a pod only when it is deleted', async () => {
    client.seed(Resources.nodes, mkNode('a'));
    client.seed(Resources.daemonsets, mkDS('agent', { strategy: { type: 'OnDelete' } }));
    await waitFor(() => live().length === 1 && live()[0].status?.phase === 'Running', 'one pod');
    client.mutate<DaemonSet>(Resources.daemonsets, 'default', 'agent', (d) => (d.spec.template.spec.containers[0].image = 'k8ts/web:2.0'));
    await waitFor(() => revisions().length === 2, 'second revision');
    await settle(100);
    assert.equal(live()[0].spec.containers[0].image, 'k8ts/web:1.0');
    await waitFor(() => ds().status?.updatedNumberScheduled === 0, 'not updated');
    await client.delete(Resources.pods, 'default', live()[0].metadata.name!);
    await waitFor(() => live().length === 1 && live()[0].spec.containers[0].image === 'k8ts/web:2.0', 'replaced with the new template');
  });

  it('surges: a new pod beside the old one, the old one gone once the new one is available', async () => {
    client.seed(Resources.nodes, mkNode('a'));
    client.seed(Resources.nodes, mkNode('b'));
    client.seed(Resources.daemonsets, mkDS('agent', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }));
    await waitFor(() => live().length === 2 && live().every((p) => p.status?.phase === 'Running'), 'two pods');
    let maxPerNode = 0;
    const h = client.watch<Pod>(Resources.pods, undefined, {}, {
      onEvent: () => {
        const perNode = new Map<string, number>();
        for (const p of live()) perNode.set(p.spec.nodeName ?? '', (perNode.get(p.spec.nodeName ?? '') ?? 0) + 1);
        maxPerNode = Math.max(maxPerNode, ...perNode.values());
      },
      onClose: () => undefined,
    });
    try {
      client.mutate<DaemonSet>(Resources.daemonsets, 'default', 'agent', (d) => (d.spec.template.spec.containers[0].image = 'k8ts/web:2.0'));
      await waitFor(() => live().length === 2 && live().every((p) => p.spec.containers[0].image === 'k8ts/web:2.0' && p.status?.phase === 'Running'), 'rolled out');
      assert.deepEqual(nodesOf(live()), ['a', 'b']);
      assert.equal(maxPerNode, 2, 'the new pod ran beside the old one');
    } finally {
      h.stop();
    }
  });

  it('keeps at most revisionHistoryLimit old revisions', async () => {
    client.seed(Resources.nodes, mkNode('a'));
    client.seed(Resources.daemonsets, mkDS('agent', { limit: 1 }));
    await waitFor(() => revisions().length === 1 && live().length === 1, 'first revision');
    for (const v of ['2', '3', '4']) {
      client.mutate<DaemonSet>(Resources.daemonsets, 'default', 'agent', (d) => (d.spec.template.spec.containers[0].image = `k8ts/web:${v}.0`));
      await waitFor(() => live().length === 1 && live()[0].spec.containers[0].image === `k8ts/web:${v}.0` && live()[0].status?.phase === 'Running', `rolled to ${v}`);
    }
    await settle(200);
    assert.deepEqual(revisions().map((r) => `${r.revision}:${(r.data as any).spec.template.spec.containers[0].image}`).sort(), ['3:k8ts/web:3.0', '4:k8ts/web:4.0']);
  });
});
