import assert from 'node:assert/strict';
import type { KEvent, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { TaintEvictionController } from './controller';

const UR = 'node.kubernetes.io/unreachable';

describe('taint eviction controller', function () {
  this.timeout(10_000);
  const client = new FakeApiClient();
  const pods = new Informer<Pod>(client, Resources.pods, { name: 'controller-manager-pods' });
  const nodes = new Informer<Node>(client, Resources.nodes, { name: 'controller-manager-nodes' });
  const c = new TaintEvictionController(client, pods, nodes, new EventRecorder(client, { component: 'taint-eviction-controller' }));
  const pod = (name: string, tolerationSeconds?: number | 'forever') => {
    const p = mkPod(name, 'ready');
    p.spec.nodeName = 'n1';
    if (tolerationSeconds !== undefined)
      (p.spec as { tolerations?: unknown[] }).tolerations = [{ key: UR, operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds === 'forever' ? {} : { tolerationSeconds }) }];
    return client.seed(Resources.pods, p);
  };
  const names = () => client.all<Pod>(Resources.pods, 'default').map((p) => p.metadata.name).sort();
  const events = (reason: string) => client.all<KEvent>(Resources.events, 'default').filter((e) => e.reason === reason).map((e) => e.message).sort();

  before(async () => {
    client.seed(Resources.nodes, { metadata: { name: 'n1' }, spec: { taints: [{ key: UR, effect: 'NoExecute' }] } } as Node);
    for (const [n, t] of [['bare', undefined], ['forever', 'forever'], ['soon', 1], ['hour', 3600], ['hour2', 3600]] as const) pod(n, t);
    c.start();
    await Promise.all([pods.start(), nodes.start()]);
  });
  after(async () => {
    pods.stop();
    nodes.stop();
    await c.stop();
  });

  it('deletes a pod that does not tolerate the taint at once, marked DisruptionTarget first', async () => {
    await waitFor(() => !names().includes('bare'), 'bare deleted');
    const mine = client.actions.filter((a) => a.name === 'bare' && a.resource === 'pods');
    assert.deepEqual(mine.map((a) => a.verb), ['updateStatus', 'delete']);
    const cond = (mine[0].object as Pod).status!.conditions!.find((x) => x.type === 'DisruptionTarget');
    assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']);
  });

  it('deletes a pod when its tolerationSeconds run out', async () => {
    assert.ok(names().includes('soon'));
    await waitFor(() => !names().includes('soon'), 'soon deleted after 1 s', 600);
    await waitFor(() => events('TaintManagerEviction').length === 2, `events: ${JSON.stringify(events('TaintManagerEviction'))}`);
    assert.deepEqual(events('TaintManagerEviction'), ['Marking for deletion Pod default/bare', 'Marking for deletion Pod default/soon']);
  });

  it('cancels a scheduled deletion when the pod goes', async () => {
    await client.delete(Resources.pods, 'default', 'hour2');
    await waitFor(() => events('TaintManagerEviction').includes('Cancelling deletion of Pod default/hour2'), 'cancel event');
  });

  it('cancels the scheduled deletions when the taint goes, and leaves the pods that tolerate it', async () => {
    client.mutate<Node>(Resources.nodes, undefined, 'n1', (n) => (n.spec.taints = []));
    await waitFor(() => events('TaintManagerEviction').includes('Cancelling deletion of Pod default/hour'), 'cancel event');
    await settle(50);
    assert.deepEqual(names(), ['forever', 'hour']);
    // Nothing was pending for the pod that tolerates forever: no Event about it.
    assert.ok(!events('TaintManagerEviction').some((m) => m?.includes('forever')));
  });

  it('deletes at once when the taint comes back and a pod\'s tolerations no longer cover it', async () => {
    client.mutate<Node>(Resources.nodes, undefined, 'n1', (n) => (n.spec.taints = [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]));
    await waitFor(() => names().length === 0, 'both deleted: neither tolerates not-ready');
  });
});
