import assert from 'node:assert/strict';
import type { KEvent, Lease, Node, NodeCondition, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { mkPod, settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { NODE_LEASE_NAMESPACE, NodeLifecycleController } from './controller';

describe('node lifecycle controller', function () {
  this.timeout(20_000);
  const client = new FakeApiClient();
  const nodes = new Informer<Node>(client, Resources.nodes, { name: 'controller-manager-nodes' });
  const leases = new Informer<Lease>(client, Resources.leases, { namespace: NODE_LEASE_NAMESPACE, name: 'controller-manager-leases' });
  const pods = new Informer<Pod>(client, Resources.pods, { name: 'controller-manager-pods' });
  const c = new NodeLifecycleController(client, nodes, leases, pods, new EventRecorder(client, { component: 'node-controller' }), {
    gracePeriodMs: 300,
    monitorPeriodMs: 50,
    // Fast enough that only the every-zone-down rule can keep a NoExecute taint off a node.
    disruption: { evictionQps: 100 },
  });
  const alive = new Set(['n1', 'n2', 'n3']);
  const ready = (status: 'True' | 'False'): NodeCondition[] => [{ type: 'Ready', status, lastHeartbeatTime: new Date().toISOString() }, { type: 'MemoryPressure', status: 'False' }];
  const taints = (n: string) => ((client.peek<Node>(Resources.nodes, undefined, n)?.spec.taints ?? []) as { key: string; effect: string }[]).map((t) => `${t.key.replace('node.kubernetes.io/', '')}:${t.effect}`).sort();
  let renew: NodeJS.Timeout;

  before(async () => {
    for (const n of alive) {
      client.seed(Resources.nodes, { metadata: { name: n }, spec: {}, status: { conditions: ready('True') } } as Node);
      client.seed(Resources.leases, { metadata: { name: n, namespace: NODE_LEASE_NAMESPACE }, spec: { holderIdentity: n, renewTime: new Date().toISOString() } } as Lease);
    }
    const p = mkPod('on-n3', 'ready');
    p.spec.nodeName = 'n3';
    client.seed(Resources.pods, p);
    // Stand-in kubelets renew the leases of the live nodes.
    renew = setInterval(() => {
      for (const n of alive) client.mutate<Lease>(Resources.leases, NODE_LEASE_NAMESPACE, n, (l) => (l.spec.renewTime = new Date().toISOString()));
    }, 50);
    c.start();
    await Promise.all([nodes.start(), leases.start(), pods.start()]);
  });
  after(async () => {
    clearInterval(renew);
    for (const i of [nodes, leases, pods]) i.stop();
    await c.stop();
  });

  it('a node whose heartbeats stop: Unknown, unreachable NoSchedule and NoExecute, its pods not Ready', async () => {
    alive.delete('n3');
    await waitFor(() => taints('n3').length === 2, 'n3 tainted', 2000);
    assert.deepEqual(taints('n3'), ['unreachable:NoExecute', 'unreachable:NoSchedule']);
    assert.deepEqual(taints('n1'), []);
    await waitFor(() => client.peek<Pod>(Resources.pods, 'default', 'on-n3')!.status!.conditions!.find((x) => x.type === 'Ready')!.status === 'False', 'pod not ready');
    await waitFor(() => client.all<KEvent>(Resources.events, 'default').some((e) => e.reason === 'NodeNotReady' && e.message === 'Node is not ready' && e.type === 'Warning'), 'pod event');
  });

  it('Unknown → False (the kubelet reports NotReady): both taints become not-ready at once', async () => {
    alive.add('n3');
    client.mutate<Node>(Resources.nodes, undefined, 'n3', (n) => (n.status!.conditions = ready('False')));
    await waitFor(() => JSON.stringify(taints('n3')) === JSON.stringify(['not-ready:NoExecute', 'not-ready:NoSchedule']), `not-ready taints, have ${taints('n3')}`, 2000);
  });

  it('Ready again: every node-lifecycle taint is removed', async () => {
    client.mutate<Node>(Resources.nodes, undefined, 'n3', (n) => (n.status!.conditions = ready('True')));
    await waitFor(() => taints('n3').length === 0, 'taints removed', 2000);
  });

  it('cordon and uncordon: the unschedulable NoSchedule taint follows spec.unschedulable', async () => {
    client.mutate<Node>(Resources.nodes, undefined, 'n2', (n) => (n.spec.unschedulable = true));
    await waitFor(() => taints('n2').join() === 'unschedulable:NoSchedule', 'cordoned', 2000);
    client.mutate<Node>(Resources.nodes, undefined, 'n2', (n) => delete n.spec.unschedulable);
    await waitFor(() => taints('n2').length === 0, 'uncordoned', 2000);
  });

  it('every node down: no NoExecute taint anywhere (the control plane is the likelier culprit)', async () => {
    alive.clear();
    await waitFor(() => ['n1', 'n2', 'n3'].every((n) => taints(n).includes('unreachable:NoSchedule')), 'all unreachable', 3000);
    const noExecute = () => ['n1', 'n2', 'n3'].some((n) => taints(n).some((t) => t.endsWith(':NoExecute')));
    await waitFor(() => !noExecute(), 'no NoExecute taints', 3000);
    await settle(500); // several tainting passes later
    assert.equal(noExecute(), false);
  });

  it('one node back: the others are tainted NoExecute again', async () => {
    alive.add('n1');
    client.mutate<Node>(Resources.nodes, undefined, 'n1', (n) => (n.status!.conditions = ready('True')));
    await waitFor(() => ['n2', 'n3'].every((n) => taints(n).includes('unreachable:NoExecute')), 'n2 and n3 tainted', 3000);
    assert.deepEqual(taints('n1'), []);
  });
});
