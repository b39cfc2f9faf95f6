// The node-local plugins through the real scheduler (default profile from the registry) against the
// real apiserver on a throwaway etcd: nodeSelector / required and preferred node affinity, taints
// and tolerations, cordoned nodes, host ports, scheduling gates, and the FailedScheduling message
// that counts each plugin's reason per node, as upstream words it.
import assert from 'node:assert/strict';
import type { KEvent, KObject, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Scheduler } from '../../scheduler/scheduler';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { waitFor } from '../harness/exec';

const NS = 'default';

describe('node-local plugins through the real scheduler (real apiserver)', function () {
  this.timeout(180_000);
  let api: TestApiserver | undefined;
  let sched: Scheduler | undefined;

  const node = (name: string, o: { labels?: Record<string, string>; taints?: unknown[]; unschedulable?: boolean; cpu?: string }): Node =>
    ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
      spec: { taints: o.taints, unschedulable: o.unschedulable },
      status: {
        allocatable: { cpu: o.cpu ?? '2', memory: '4Gi', pods: '110' },
        capacity: { cpu: o.cpu ?? '2', memory: '4Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    }) as Node;
  const pod = (name: string, spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Pod =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0', resources: { requests: { cpu: '100m' } }, ...container }], ...spec } }) as unknown as Pod;

  const nodeOf = async (name: string) => (await api!.client.get<Pod>(Resources.pods, NS, name)).spec.nodeName;
  const boundTo = (name: string) => waitFor(`${name} bound`, () => nodeOf(name), 60_000, 100);
  const failedScheduling = (name: string) =>
    waitFor(
      `FailedScheduling for ${name}`,
      async () => (await api!.client.list<KEvent>(Resources.events, NS)).items.find((e) => e.involvedObject.name === name && e.reason === 'FailedScheduling'),
      60_000,
      100,
    );

  before(async () => {
    api = await startTestApiserver({ name: 'sched-node-local' });
    const c = api.client;
    const nodes = [
      node('n1', { labels: { zone: 'a', disk: 'ssd' } }),
      node('n2', { labels: { zone: 'b' }, taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }], cpu: '4' }),
      node('n3', { labels: { zone: 'c' }, unschedulable: true, cpu: '8' }),
    ];
    for (const n of nodes) {
      const created = await c.create<Node>(Resources.nodes, n);
      // A create may drop the status (status subresource); write it through the subresource then.
      if (!created.status?.conditions?.some((x) => x.type === 'Ready')) await c.patch(Resources.nodes, undefined, n.metadata.name!, 'merge', { status: n.status }, 'status');
    }
    sched = new Scheduler({ client: c, initialBackoffMs: 100, maxBackoffMs: 1000 });
    await sched.start();
  });
  after(async () => {
    await sched?.stop();
    await api?.stop();
  });

  it('nodeSelector picks the labelled node', async () => {
    await api!.client.create(Resources.pods, pod('by-selector', { nodeSelector: { disk: 'ssd' } }));
    assert.equal(await boundTo('by-selector'), 'n1');
  });

  it('required affinity plus a toleration reaches the tainted node', async () => {
    await api!.client.create(
      Resources.pods,
      pod('tolerating', {
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }] } } },
      }),
    );
    assert.equal(await boundTo('tolerating'), 'n2');
  });

  it('preferred affinity outweighs the emptier node', async () => {
    // n2 (4 cpu) is emptier, so LeastAllocated and balance favour it; the preference for zone a wins.
    await api!.client.create(
      Resources.pods,
      pod('preferring', {
        tolerations: [{ key: 'dedicated', operator: 'Exists' }],
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }] } },
      }),
    );
    assert.equal(await boundTo('preferring'), 'n1');
  });

  it('FailedScheduling counts each node’s reason: selector, taint, cordon', async () => {
    await api!.client.create(Resources.pods, pod('nowhere', { nodeSelector: { zone: 'z' } }));
    const ev = await failedScheduling('nowhere');
    assert.equal(ev.type, 'Warning');
    assert.match(ev.message!, /^0\/3 nodes are available: /);
    for (const part of ["1 node(s) didn't match Pod's node affinity/selector", '1 node(s) had untolerated taint {dedicated: infra}', '1 node(s) were unschedulable']) assert.ok(ev.message!.includes(part), `${ev.message} has "${part}"`);
    assert.equal(await nodeOf('nowhere'), undefined);
  });

  it('host ports: the second pod wanting the same port has no node', async () => {
    const ports = { ports: [{ containerPort: 8080, hostPort: 18080, protocol: 'TCP' }] };
    await api!.client.create(Resources.pods, pod('port-1', { nodeSelector: { zone: 'a' } }, ports));
    assert.equal(await boundTo('port-1'), 'n1');
    await api!.client.create(Resources.pods, pod('port-2', { nodeSelector: { zone: 'a' } }, ports));
    const ev = await failedScheduling('port-2');
    assert.ok(ev.message!.includes("1 node(s) didn't have free ports for the requested pod ports"), ev.message);
    // Deleting the first pod frees the port, and the waiting pod is retried and placed.
    await api!.client.delete(Resources.pods, NS, 'port-1', { gracePeriodSeconds: 0 });
    assert.equal(await boundTo('port-2'), 'n1');
  });

  it('a gated pod waits until its gates are removed', async () => {
    const c = api!.client;
    await c.create(Resources.pods, pod('gated', { schedulingGates: [{ name: 'example.com/wait' }], nodeSelector: { zone: 'a' } }));
    // The scheduler has seen the pod once the later, ungated one is bound (one informer, in order).
    await c.create(Resources.pods, pod('after-gated', { nodeSelector: { zone: 'a' } }));
    await boundTo('after-gated');
    assert.equal(await nodeOf('gated'), undefined);
    const events = (await c.list<KEvent>(Resources.events, NS)).items.filter((e) => e.involvedObject.name === 'gated');
    assert.deepEqual(events, [], 'a gated pod is not attempted, so it gets no FailedScheduling');
    const cur = await c.get<Pod>(Resources.pods, NS, 'gated');
    await c.update(Resources.pods, { ...cur, spec: { ...cur.spec, schedulingGates: [] } } as KObject);
    assert.equal(await boundTo('gated'), 'n1');
  });

  it('a pod pinned to a node by metadata.name affinity lands there', async () => {
    // spec.nodeName set by its author skips the scheduler entirely; NodeName matters for pods
    // pinned through affinity to metadata.name (DaemonSet pods), which PreFilter narrows to that node.
    await api!.client.create(
      Resources.pods,
      pod('pinned', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } }),
    );
    assert.equal(await boundTo('pinned'), 'n1');
  });
});
