// Compatibility suite, workloads: the real kubectl 1.32 driving Deployments through the real
// registry on etcd and the real controller-manager (replicaset, deployment, endpoints, garbage
// collector), with a stand-in kubelet marking pods Running. Rollouts (status, history, undo,
// restart), describe with events, wait, get all, and orphan/foreground cascading deletes.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { waitFor } from '../harness/exec';
import { startControlPlane, type ControlPlane } from './control-plane';

describe('kubectl 1.32 compatibility: workloads (real controller-manager)', function () {
  this.timeout(120_000);
  let cp: ControlPlane | undefined;
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await cp!.h.kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));

  before(async () => {
    cp = await startControlPlane({ controllers: true, kubelet: true });
  });
  after(async () => {
    await cp?.stop();
  });

  it('rollout status waits for the Deployment to become available', async () => {
    await ok(['create', 'deployment', 'web', '--image=k8ts/web:1.0', '--replicas=2']);
    await ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    assert.match(await ok(['rollout', 'status', 'deployment/web', '--timeout=40s']), /deployment "web" successfully rolled out/);
    const d = await json(['get', 'deploy', 'web']);
    assert.equal(d.status.availableReplicas, 2);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');
  });

  it('wait --for=condition=Available', async () => {
    assert.equal(await ok(['wait', '--for=condition=Available', 'deployment/web', '--timeout=30s']), 'deployment.apps/web condition met\n');
  });

  it('rollout history lists revisions with CHANGE-CAUSE; undo returns to the previous template', async () => {
    await ok(['set', 'image', 'deployment/web', 'web=k8ts/web:2.0']);
    await ok(['annotate', 'deployment/web', 'kubernetes.io/change-cause=image 2.0']);
    assert.match(await ok(['rollout', 'status', 'deployment/web', '--timeout=40s']), /successfully rolled out/);
    const history = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^REVISION\s+CHANGE-CAUSE$/m);
    assert.match(history, /^1\s+<none>$/m);
    assert.match(history, /^2\s+image 2\.0$/m);
    assert.match(await ok(['rollout', 'history', 'deployment/web', '--revision=1']), /Image:\s+k8ts\/web:1\.0/);

    assert.match(await ok(['rollout', 'undo', 'deployment/web']), /deployment\.apps\/web rolled back/);
    assert.match(await ok(['rollout', 'status', 'deployment/web', '--timeout=40s']), /successfully rolled out/);
    const d = await json(['get', 'deploy', 'web']);
    assert.equal(d.spec.template.spec.containers[0].image, 'k8ts/web:1.0');
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    // Revision 1's ReplicaSet became revision 3; the history no longer lists 1.
    const after = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(after, /^2\s+image 2\.0$/m);
    assert.match(after, /^3\s+<none>$/m);
    assert.doesNotMatch(after, /^1\s/m);
  });

  it('rollout restart stamps restartedAt and makes a new ReplicaSet', async () => {
    const before = (await json(['get', 'rs', '-l', 'app=web'])).items.map((r: { metadata: { name: string } }) => r.metadata.name);
    assert.match(await ok(['rollout', 'restart', 'deployment/web']), /deployment\.apps\/web restarted/);
    assert.match(await ok(['rollout', 'status', 'deployment/web', '--timeout=40s']), /successfully rolled out/);
    const d = await json(['get', 'deploy', 'web']);
    assert.match(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], /^\d{4}-\d\d-\d\dT/);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '4');
    const rss = (await json(['get', 'rs', '-l', 'app=web'])).items as { metadata: { name: string; annotations: Record<string, string> }; spec: { replicas: number } }[];
    const fresh = rss.filter((r) => !before.includes(r.metadata.name));
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0].metadata.annotations['deployment.kubernetes.io/revision'], '4');
    assert.equal(fresh[0].spec.replicas, 2);
  });

  it('describe deployment, pod and service tell the story', async () => {
    const dd = await ok(['describe', 'deployment', 'web']);
    assert.match(dd, /^Name:\s+web$/m);
    assert.match(dd, /^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    assert.match(dd, /^Events:[\s\S]*Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ from 0 to 2/m);
    const pod = (await json(['get', 'pods', '-l', 'app=web', '--field-selector=status.phase=Running'])).items[0].metadata.name as string;
    // The stand-in kubelet records its Started event right after the status it reports.
    let dp = '';
    await waitFor('pod Started event', async () => /Started container web/.test((dp = await ok(['describe', 'pod', pod]))), 10_000, 100);
    assert.match(dp, new RegExp(`^Name:\\s+${pod}$`, 'm'));
    assert.match(dp, /^Status:\s+Running$/m);
    assert.match(dp, /^Controlled By:\s+ReplicaSet\/web-\w+$/m);
    assert.match(dp, /^Events:[\s\S]*Normal\s+Started\s+\S+\s+kubelet\s+Started container web/m);
    const ds = await ok(['describe', 'service', 'web']);
    assert.match(ds, /^Selector:\s+app=web$/m);
    assert.match(ds, /^Endpoints:\s+10\.244\.0\.\d+:8080,10\.244\.0\.\d+:8080$/m);
    assert.match(ds, /^Events:\s+<none>$/m);
  });

  it('get all lists pods, services, deployments and replicasets', async () => {
    const out = await ok(['get', 'all']);
    assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(out, /^pod\/web-\w+-\w+\s+1\/1\s+Running\s+0\s/m);
    assert.match(out, /^service\/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s/m);
    assert.match(out, /^service\/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s/m);
    assert.match(out, /^deployment\.apps\/web\s+2\/2\s+2\s+2\s/m);
    assert.match(out, /^replicaset\.apps\/web-\w+\s+2\s+2\s+2\s/m);
  });

  it('wait --for=delete returns once the pod is gone', async () => {
    await ok(['run', 'solo', '--image=k8ts/web:1.0', '--overrides={"metadata":{"finalizers":["compat.k8ts.io/hold"]}}']);
    await ok(['wait', '--for=condition=Ready', 'pod/solo', '--timeout=30s']);
    await ok(['delete', 'pod', 'solo', '--wait=false']);
    // The finalizer holds the pod in Terminating until the test releases it, so the wait is real.
    const child = spawn('kubectl', ['--kubeconfig', cp!.h.kubeconfig, 'wait', '--for=delete', 'pod/solo', '--timeout=30s'], { env: { ...process.env, HOME: cp!.h.dir } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      assert.ok((await json(['get', 'pod', 'solo'])).metadata.deletionTimestamp);
      await ok(['patch', 'pod', 'solo', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
      assert.equal(await exited, 0);
      assert.equal(out, 'pod/solo condition met\n');
    } finally {
      child.kill();
    }
    assert.equal((await cp!.h.kubectl(['get', 'pod', 'solo'])).code, 1);
  });

  it('delete --cascade=orphan completes and leaves the ReplicaSet without owner; --cascade=foreground removes dependents first', async () => {
    const rsBefore = (await json(['get', 'rs', '-l', 'app=web'])).items as { metadata: { name: string; uid: string } }[];
    assert.ok(rsBefore.length >= 2);
    assert.match(await ok(['delete', 'deployment', 'web', '--cascade=orphan', '--timeout=40s']), /deployment\.apps "web" deleted/);
    assert.equal((await cp!.h.kubectl(['get', 'deploy', 'web'])).code, 1);
    const rsAfter = (await json(['get', 'rs', '-l', 'app=web'])).items as { metadata: { name: string; uid: string; ownerReferences?: unknown[] } }[];
    assert.deepEqual(rsAfter.map((r) => r.metadata.uid).sort(), rsBefore.map((r) => r.metadata.uid).sort());
    for (const r of rsAfter) assert.equal(r.metadata.ownerReferences, undefined, `${r.metadata.name} still owned`);

    const current = (await json(['get', 'rs', '-l', 'app=web'])).items.find((r: { spec: { replicas: number } }) => r.spec.replicas > 0);
    const podsOf = async () => (await json(['get', 'pods', '-l', `pod-template-hash=${current.metadata.labels['pod-template-hash']}`])).items.length as number;
    assert.equal(await podsOf(), 2);
    assert.match(await ok(['delete', 'rs', current.metadata.name, '--cascade=foreground', '--timeout=40s']), /replicaset\.apps "web-\w+" deleted/);
    assert.equal((await cp!.h.kubectl(['get', 'rs', current.metadata.name])).code, 1);
    assert.equal(await podsOf(), 0);
  });
});
