import assert from 'node:assert/strict';
import type { Deployment, Pod, ReplicaSet } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { autoReady, mkDeployment, waitFor } from '../../test/fixtures/controller-manager/objects';
import { ReplicaSetController } from '../replicaset/controller';
import { DeploymentController } from './controller';
import { REVISION_ANNOTATION } from './rollout';

/** Mirrors what `kubectl rollout status` checks before it reports success. */
function rolloutComplete(d: Deployment): boolean {
  const s = d.status;
  const want = d.spec.replicas ?? 1;
  return !!s && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want &&
    s.conditions?.find((c) => c.type === 'Progressing')?.reason === 'NewReplicaSetAvailable';
}

describe('deployment controller', () => {
  let client: FakeApiClient;
  let stop: () => Promise<void>;
  let stopKubelet: () => void;
  let maxPods = 0;
  beforeEach(async () => {
    client = new FakeApiClient();
    const recorder = new EventRecorder(client, { component: 'deployment-controller' });
    const dInf = new Informer<Deployment>(client, Resources.deployments);
    const rsInf = new Informer<ReplicaSet>(client, Resources.replicasets);
    const podInf = new Informer<Pod>(client, Resources.pods);
    const dc = new DeploymentController(client, dInf, rsInf, recorder);
    const rc = new ReplicaSetController(client, rsInf, podInf, recorder);
    await Promise.all([dInf.start(), rsInf.start(), podInf.start()]);
    dc.start();
    rc.start();
    maxPods = 0;
    podInf.addHandler({ onAdd: () => (maxPods = Math.max(maxPods, podInf.list().filter((p) => !p.metadata.deletionTimestamp).length)) });
    stopKubelet = autoReady(client);
    stop = async () => {
      stopKubelet();
      for (const i of [dInf, rsInf, podInf]) i.stop();
      await Promise.all([dc.stop(), rc.stop()]);
    };
  });
  afterEach(() => stop());

  const dep = () => client.peek<Deployment>(Resources.deployments, 'default', 'web')!;
  const rss = () => client.all<ReplicaSet>(Resources.replicasets, 'default');
  const pods = () => client.all<Pod>(Resources.pods, 'default');

  it('creates one hashed ReplicaSet, completes the rollout, scales 3→5→3', async () => {
    client.seed(Resources.deployments, mkDeployment('web', 3));
    await waitFor(() => rolloutComplete(dep()), 'rollout complete');
    assert.equal(rss().length, 1);
    const rs = rss()[0];
    const hash = rs.metadata.labels!['pod-template-hash'];
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.equal(rs.spec.selector.matchLabels!['pod-template-hash'], hash);
    assert.ok(pods().every((p) => p.metadata.labels!['pod-template-hash'] === hash));
    assert.equal(dep().metadata.annotations![REVISION_ANNOTATION], '1');
    client.mutate<Deployment>(Resources.deployments, 'default', 'web', (d) => (d.spec.replicas = 5));
    await waitFor(() => rolloutComplete(dep()) && pods().length === 5, 'scaled to 5');
    client.mutate<Deployment>(Resources.deployments, 'default', 'web', (d) => (d.spec.replicas = 3));
    await waitFor(() => rolloutComplete(dep()) && pods().length === 3, 'scaled to 3');
    assert.equal(rss().length, 1);
  });

  it('rolls a template change to completion within maxSurge', async () => {
    client.seed(Resources.deployments, mkDeployment('web', 4));
    await waitFor(() => rolloutComplete(dep()), 'first rollout');
    maxPods = pods().length;
    client.mutate<Deployment>(Resources.deployments, 'default', 'web', (d) => (d.spec.template.spec.containers[0].image = 'k8ts/web:2.0'));
    await waitFor(() => rolloutComplete(dep()) && pods().length === 4 && pods().every((p) => p.spec.containers[0].image === 'k8ts/web:2.0'), 'second rollout');
    assert.ok(maxPods <= 5, `never more than replicas+maxSurge pods (saw ${maxPods})`);
    const byRev = Object.fromEntries(rss().map((r) => [r.metadata.annotations![REVISION_ANNOTATION], r.spec.replicas]));
    assert.deepEqual(byRev, { '1': 0, '2': 4 });
    assert.equal(dep().metadata.annotations![REVISION_ANNOTATION], '2');
  });

  it('Recreate removes old pods before creating new ones', async () => {
    client.seed(Resources.deployments, mkDeployment('web', 2, 'k8ts/web:1.0', { type: 'Recreate' }));
    await waitFor(() => rolloutComplete(dep()), 'first rollout');
    const mixed: boolean[] = [];
    const h = client.watch<Pod>(Resources.pods, 'default', {}, { onEvent: () => mixed.push(new Set(pods().map((p) => p.spec.containers[0].image)).size > 1), onClose: () => undefined });
    client.mutate<Deployment>(Resources.deployments, 'default', 'web', (d) => (d.spec.template.spec.containers[0].image = 'k8ts/web:2.0'));
    await waitFor(() => rolloutComplete(dep()) && pods().every((p) => p.spec.containers[0].image === 'k8ts/web:2.0') && pods().length === 2, 'recreate');
    h.stop();
    assert.ok(!mixed.includes(true), 'old and new pods never ran together');
  });
});
