// The scheduler and the controller-manager together, in-process, over the in-memory fake
// ApiClient with a stand-in kubelet: the walking-skeleton story from node registration to a
// load-balanced Deployment behind a Service, scaling, replacement, cascading delete and node
// heartbeat loss. The real-apiserver version of this story is the end-to-end test.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { Deployment, Endpoints, Lease, Node, Pod, ReplicaSet, Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { FakeApiClient } from '../fixtures/client/fake-client';
import { setPodState, waitFor, mkDeployment } from '../fixtures/controller-manager/objects';
import { mkNode } from '../fixtures/scheduler/objects';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { schedulerFlags } from '../../scheduler/flags';
import { startScheduler } from '../../scheduler/start';
import { isReady } from '../harness/readiness';

const get = (port: number, path: string) =>
  new Promise<{ code: number; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

describe('control plane (scheduler + controller-manager over a fake apiserver)', function () {
  this.timeout(30_000);
  const client = new FakeApiClient();
  const stops: (() => unknown)[] = [];
  after(async () => {
    for (const s of stops.reverse()) await s();
  });

  const lease = (name: string): Lease => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, renewTime: new Date().toISOString() } });
  const node = (name: string) => {
    const n = mkNode(name, { cpu: '4', memory: '8Gi' });
    n.spec = {};
    return n;
  };
  const pods = () => client.all<Pod>(Resources.pods, 'default').filter((p) => !p.metadata.deletionTimestamp);
  const endpointsIps = () => (client.peek<Endpoints>(Resources.endpoints, 'default', 'web')?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
  const readyIps = () => pods().filter(isReady).map((p) => p.status!.podIP!).sort();
  let cmPort = 0;
  let schedPort = 0;

  before(async () => {
    client.seed(Resources.nodes, node('n1'));
    client.seed(Resources.leases, lease('n1'));
    // Stand-in kubelets: renew n1's lease; run every pod bound to a node (Ready, with an IP).
    const renew = setInterval(() => client.mutate<Lease>(Resources.leases, 'kube-node-lease', 'n1', (l) => (l.spec.renewTime = new Date().toISOString())), 100);
    stops.push(() => clearInterval(renew));
    let ip = 2;
    const w = client.watch<Pod>(Resources.pods, undefined, {}, {
      onEvent: (ev) => {
        const p = ev.object;
        if (ev.type === 'DELETED' || !p.spec.nodeName || p.status?.podIP) return;
        queueMicrotask(() => {
          try {
            client.mutate<Pod>(Resources.pods, p.metadata.namespace, p.metadata.name!, (x) => setPodState(x, 'ready', `10.244.0.${ip++}`));
          } catch {
            // deleted meanwhile
          }
        });
      },
      onClose: () => undefined,
    });
    stops.push(() => w.stop());

    const cm = await startControllerManager({ ...controllerManagerFlags, controllers: [], client, healthPort: 0, bindAddress: '127.0.0.1', nodeMonitorGracePeriod: 1, nodeMonitorPeriod: 0.1, renewPeriod: 0.05, _: [] } as never);
    stops.push(() => cm.stop());
    cmPort = cm.port;
    const sched = await startScheduler({ ...schedulerFlags, client, healthPort: 0, bindAddress: '127.0.0.1', renewPeriod: 0.05 } as never);
    stops.push(() => sched.stop());
    schedPort = sched.port;
  });

  it('elects one leader per component', async () => {
    await waitFor(() => !!client.peek<Lease>(Resources.leases, 'kube-system', 'kube-controller-manager') && !!client.peek<Lease>(Resources.leases, 'kube-system', 'kube-scheduler'), 'leases');
  });

  it('allocates pod CIDRs to nodes in order', async () => {
    await waitFor(() => client.peek<Node>(Resources.nodes, undefined, 'n1')?.spec.podCIDR === '10.244.0.0/24', 'n1 cidr');
    client.seed(Resources.nodes, node('n2'));
    await waitFor(() => client.peek<Node>(Resources.nodes, undefined, 'n2')?.spec.podCIDR === '10.244.1.0/24', 'n2 cidr');
    assert.deepEqual(client.peek<Node>(Resources.nodes, undefined, 'n2')!.spec.podCIDRs, ['10.244.1.0/24']);
  });

  it('marks a node without heartbeats Unknown and taints it; keeps the healthy one', async () => {
    // n2 has no lease and no kubelet: after the 1s grace period it is unreachable, tainted NoSchedule
    // at once and NoExecute through its zone's rate limiter (one healthy node of two: not a zone outage).
    await waitFor(() => client.peek<Node>(Resources.nodes, undefined, 'n2')?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown', 'n2 unknown', 2000);
    const n2 = client.peek<Node>(Resources.nodes, undefined, 'n2')!;
    assert.equal(n2.status!.conditions!.find((c) => c.type === 'Ready')!.reason, 'NodeStatusUnknown');
    const taints = () => ((client.peek<Node>(Resources.nodes, undefined, 'n2')!.spec.taints ?? []) as { key: string; effect: string }[]).map((t) => `${t.key}:${t.effect}`);
    await waitFor(() => taints().length === 2, 'n2 tainted', 2000);
    assert.deepEqual(taints(), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    const n1 = client.peek<Node>(Resources.nodes, undefined, 'n1')!;
    assert.equal(n1.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
    assert.equal((n1.spec.taints ?? []).length, 0);
  });

  it('runs a Deployment of 3 behind a Service; endpoints are exactly the ready pods', async () => {
    client.seed(Resources.deployments, mkDeployment('web', 3));
    client.seed(Resources.services, { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } } as Service);
    await waitFor(() => pods().length === 3 && readyIps().length === 3, '3 ready pods');
    assert.ok(pods().every((p) => p.spec.nodeName === 'n1'), 'the unreachable node gets nothing');
    await waitFor(() => JSON.stringify(endpointsIps()) === JSON.stringify(readyIps()), 'endpoints = ready pods');
    const ports = client.peek<Endpoints>(Resources.endpoints, 'default', 'web')!.subsets![0].ports;
    assert.deepEqual(ports, [{ port: 8080, protocol: 'TCP' }]);
    await waitFor(() => client.peek<Deployment>(Resources.deployments, 'default', 'web')!.status?.conditions?.some((c) => c.reason === 'NewReplicaSetAvailable') ?? false, 'rollout complete');
  });

  it('replaces a deleted pod and follows scale 3→5→3', async () => {
    const victim = pods()[0].metadata.name!;
    await client.delete(Resources.pods, 'default', victim);
    await waitFor(() => readyIps().length === 3 && !pods().some((p) => p.metadata.name === victim), 'replacement');
    for (const n of [5, 3]) {
      client.mutate<Deployment>(Resources.deployments, 'default', 'web', (d) => (d.spec.replicas = n));
      await waitFor(() => pods().length === n && readyIps().length === n, `${n} pods`);
      await waitFor(() => JSON.stringify(endpointsIps()) === JSON.stringify(readyIps()), `endpoints at ${n}`);
    }
  });

  it('serves health and metrics', async () => {
    assert.equal((await get(cmPort, '/livez')).code, 200);
    assert.equal((await get(cmPort, '/readyz')).code, 200);
    const cm = (await get(cmPort, '/metrics')).body;
    assert.match(cm, /controller_manager_leader 1/);
    // Reconcile counts and durations per controller: the work queues', named as client-go names them.
    assert.match(cm, /^workqueue_work_duration_seconds_count\{name="replicaset"\} [1-9]/m);
    assert.match(cm, /^workqueue_adds_total\{name="endpoints"\} [1-9]/m);
    const sched = (await get(schedPort, '/metrics')).body;
    assert.match(sched, /^scheduler_leader 1$/m);
    assert.match(sched, /^scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} [1-9]/m);
    assert.match(sched, /^scheduler_scheduling_attempt_duration_seconds_count\{result="scheduled",profile="default-scheduler"\} [1-9]/m);
  });

  it('cascades a Deployment delete to its ReplicaSet and pods; a Service delete to its Endpoints', async () => {
    await client.delete(Resources.deployments, 'default', 'web');
    await waitFor(() => client.all<ReplicaSet>(Resources.replicasets, 'default').length === 0 && pods().length === 0, 'cascade');
    await waitFor(() => endpointsIps().length === 0, 'endpoints emptied');
    await client.delete(Resources.services, 'default', 'web');
    await waitFor(() => !client.peek(Resources.endpoints, 'default', 'web'), 'endpoints deleted');
  });
});
