// The volume plugins in the framework runtime against the real apiserver (throwaway etcd) and the
// real controller-manager's pv-binder: a WaitForFirstConsumer claim of a static class goes where
// its only volume's node affinity allows, PreBind writes the volume's claimRef, the pv-binder
// completes the binding and PreBind returns once the claim is bound; a claim no node can satisfy
// gives upstream's FailedScheduling message. (The scheduler loop itself is being rewritten; until
// it lands this drives schedulePod / Reserve / PreBind / Binding the way it will.)
import assert from 'node:assert/strict';
import type { KObject, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { CycleState } from '../../scheduler/framework/cycle-state';
import { nodeInfosOf } from '../../scheduler/framework/node-info';
import { Framework, type PluginSet } from '../../scheduler/framework/runtime';
import { fitErrorMessage, schedulePod } from '../../scheduler/framework/schedule-one';
import type { Handle, Listers, SharedLister } from '../../scheduler/framework/types';
import { VolumeBinding } from '../../scheduler/plugins/volume-binding';
import { VolumeRestrictions } from '../../scheduler/plugins/volume-restrictions';
import { NodeVolumeLimits } from '../../scheduler/plugins/node-volume-limits';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { waitFor } from '../harness/exec';

const NS = 'default';
const CLASS = 'local-static';

describe('VolumeBinding through the framework runtime (real apiserver, real pv-binder)', function () {
  this.timeout(120_000);
  let api: TestApiserver | undefined;
  let cm: { stop(): Promise<void> } | undefined;
  const informers: Informer[] = [];

  before(async () => {
    api = await startTestApiserver({ name: 'sched-volumes' });
    cm = await startControllerManager({ ...controllerManagerFlags, leaderElect: false, healthPort: 0, bindAddress: '127.0.0.1', client: api.client, controllers: ['pv-binder'] });
  });
  after(async () => {
    for (const i of informers) i.stop();
    await cm?.stop();
    await api?.stop();
  });

  const node = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {} }) as Node;
  const podUsing = (name: string, claim: string): Pod =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { containers: [{ name: 'c', image: 'k8ts/web:1.0' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] } }) as Pod;
  const claim = (name: string, cls = CLASS): KObject =>
    ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: NS }, spec: { storageClassName: cls, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }) as KObject;

  /** A framework of the three volume plugins over informers of the real apiserver. */
  async function framework(): Promise<{ fwk: Framework; claims: Informer; refresh: () => Promise<void> }> {
    const c = api!.client;
    const claims = new Informer(c, Resources.persistentvolumeclaims, { name: 'test-claims' });
    const volumes = new Informer(c, Resources.persistentvolumes, { name: 'test-volumes' });
    const classes = new Informer(c, Resources.storageclasses, { name: 'test-classes' });
    informers.push(claims, volumes, classes);
    await Promise.all([claims.start(), volumes.start(), classes.start()]);
    // Rebuilt from the apiserver by refresh() before each cycle (the scheduler's cache does this incrementally).
    let snap: SharedLister | undefined;
    const snapshot = () => snap!;
    const listers: Listers & { volumes(): KObject[] } = {
      namespaceLabels: () => ({}),
      claim: (ns, n) => claims.get(ns, n),
      volume: (n) => volumes.get(undefined, n),
      volumes: () => volumes.list(),
      storageClass: (n) => classes.get(undefined, n),
      csiNode: () => undefined,
      pdbs: () => [],
      services: () => [],
      replicaSets: () => [],
      statefulSets: () => [],
      replicationControllers: () => [],
    };
    const handle: Handle = {
      snapshot,
      listers,
      client: c,
      nominator: { nominatedPodsForNode: () => [] },
      framework: () => fwk,
      now: () => Date.now(),
    };
    const vb = new VolumeBinding({ bindTimeoutSeconds: 60 }, handle);
    const vr = new VolumeRestrictions(handle);
    const nvl = new NodeVolumeLimits(handle);
    const plugins: PluginSet = {
      queueSort: { name: 'PrioritySort', less: () => false },
      preEnqueue: [],
      preFilter: [vb, vr, nvl],
      filter: [vb, vr, nvl],
      postFilter: [],
      preScore: [],
      score: [],
      reserve: [vb],
      permit: [],
      preBind: [vb],
      bind: [],
      postBind: [],
      enqueueExtensions: [vb, vr, nvl],
    };
    const fwk = new Framework('default-scheduler', plugins, handle);
    const refresh = async () => {
      const nodes = (await c.list<Node>(Resources.nodes)).items;
      const pods = (await c.list<Pod>(Resources.pods)).items;
      const infos = nodeInfosOf(nodes, pods);
      snap = {
        list: () => infos,
        get: (n) => infos.find((i) => i.name === n),
        havePodsWithAffinityList: () => [],
        havePodsWithRequiredAntiAffinityList: () => [],
        imageNumNodes: () => 0,
      };
    };
    return { fwk, claims, refresh };
  }

  it('a WaitForFirstConsumer claim binds the static volume of the node the pod goes to', async () => {
    const c = api!.client;
    for (const n of ['n1', 'n2', 'n3']) await c.create(Resources.nodes, node(n));
    await c.create(Resources.storageclasses, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: CLASS }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' } as KObject);
    await c.create(Resources.persistentvolumes, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'local-n2' },
      spec: {
        storageClassName: CLASS,
        capacity: { storage: '5Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: '/tmp/k8ts-test-local-n2' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n2'] }] }] } },
      },
    } as KObject);
    const data = await c.create(Resources.persistentvolumeclaims, claim('data'));
    const pod = await c.create<Pod>(Resources.pods, podUsing('web', 'data'));

    const { fwk, refresh, claims } = await framework();
    await waitFor('claim and class in the informers', async () => !!claims.get(NS, 'data'), 30_000, 50);
    // The pv-binder leaves a WaitForFirstConsumer claim to the scheduler: still unbound.
    assert.equal((await c.get<KObject & { spec: { volumeName?: string } }>(Resources.persistentvolumeclaims, NS, 'data')).spec.volumeName, undefined);

    await refresh();
    const state = new CycleState();
    const result = schedulePod(fwk, state, pod, fwk.handle.snapshot(), { nextStartNodeIndex: 0 });
    assert.equal(result.kind, 'scheduled');
    assert.equal(result.kind === 'scheduled' && result.nodeName, 'n2');
    assert.equal(fwk.runReservePluginsReserve(state, pod, 'n2').code, 'Success');
    const bound = await fwk.runPreBindPlugins(state, pod, 'n2');
    assert.equal(bound.code, 'Success', bound.reasons.join(', '));

    const pv = await c.get<KObject & { spec: { claimRef?: { name?: string; uid?: string } } }>(Resources.persistentvolumes, undefined, 'local-n2');
    assert.equal(pv.spec.claimRef?.name, 'data');
    assert.equal(pv.spec.claimRef?.uid, data.metadata.uid);
    assert.equal((await c.get<KObject & { spec: { volumeName?: string } }>(Resources.persistentvolumeclaims, NS, 'data')).spec.volumeName, 'local-n2');

    await c.create(Resources.pods, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web', namespace: NS, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: 'n2' } } as KObject, 'binding');
    assert.equal((await c.get<Pod>(Resources.pods, NS, 'web')).spec.nodeName, 'n2');
  });

  it('a claim no node can satisfy: FailedScheduling says why, per node', async () => {
    const c = api!.client;
    await c.create(Resources.persistentvolumeclaims, claim('orphan'));
    const pod = await c.create<Pod>(Resources.pods, podUsing('lonely', 'orphan'));
    const { fwk, refresh, claims } = await framework();
    await waitFor('claim in the informer', async () => !!claims.get(NS, 'orphan'), 30_000, 50);
    await refresh();
    const result = schedulePod(fwk, new CycleState(), pod, fwk.handle.snapshot(), { nextStartNodeIndex: 0 });
    assert.equal(result.kind, 'unschedulable');
    if (result.kind !== 'unschedulable') return;
    // n2's only volume is taken by "data" now; no provisioner for the class.
    assert.equal(fitErrorMessage(result.numAllNodes, result.diagnosis), "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.");
  });

  it('a missing claim rejects the pod at PreFilter', async () => {
    const c = api!.client;
    const pod = await c.create<Pod>(Resources.pods, podUsing('nothing', 'nope'));
    const { fwk, refresh } = await framework();
    await refresh();
    const result = schedulePod(fwk, new CycleState(), pod, fwk.handle.snapshot(), { nextStartNodeIndex: 0 });
    assert.equal(result.kind === 'unschedulable' && fitErrorMessage(result.numAllNodes, result.diagnosis), '0/3 nodes are available: persistentvolumeclaim "nope" not found.');
  });
});
