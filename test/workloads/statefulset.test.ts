// StatefulSets end to end with the real kubectl on a real single-node cluster (its own netns and
// home): the default local-path StorageClass provisioning one volume per pod into the node's
// directory, data surviving a pod's deletion, scaling up in order and down in reverse, a rolling
// update with a partition, rollout status|history|undo, and deletion under both retention policies.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { singleNodeCluster } from '../harness/single-node';
import { isRunningReady } from '../harness/readiness';
import { waitFor } from '../harness/exec';

const setYaml = (name: string, replicas: number, whenDeleted: 'Retain' | 'Delete', whenScaled: 'Retain' | 'Delete' = 'Retain') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  clusterIP: None
  selector: {app: ${name}}
  ports: [{port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  serviceName: ${name}
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: ${whenDeleted}, whenScaled: ${whenScaled}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: k8ts/web:1.0
        command: ["sh", "-c", "echo started $(hostname) >> /data/log; exec sleep 100000"]
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 10Mi}}
`;

interface PodJ {
  metadata: { name: string; uid: string; labels: Record<string, string>; creationTimestamp: string };
  spec: { hostname?: string; subdomain?: string; containers: { env?: { name: string; value: string }[] }[] };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}
interface List<T> {
  items: T[];
}

describe('StatefulSet with local-path volumes (real cluster, real kubectl)', function () {
  const cluster = singleNodeCluster('sts');
  const { opts, k } = cluster;

  const pods = async (app: string) => (await k.json<List<PodJ>>(['get', 'pods', '-l', `app=${app}`])).items;
  const readyNames = async (app: string) => (await pods(app)).filter(isRunningReady).map((p) => p.metadata.name).sort();
  const pvOfClaim = async (claim: string) => {
    const c = await k.json<{ spec: { volumeName?: string; storageClassName?: string }; status: { phase?: string } }>(['get', 'pvc', claim]);
    if (c.status.phase !== 'Bound' || !c.spec.volumeName) return undefined;
    return k.json<{ metadata: { name: string }; spec: { hostPath: { path: string }; persistentVolumeReclaimPolicy: string; nodeAffinity: unknown } }>(['get', 'pv', c.spec.volumeName]);
  };
  const exists = (kind: string, name: string) => k.exists(kind, name);



  it('serves the default local-path StorageClass', async () => {
    const out = await k.out(['get', 'storageclass']);
    assert.match(out, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/m);
    assert.match(out, /^local-path \(default\)\s+k8ts\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+/m);
    assert.match(await k.out(['api-resources', '--api-group=storage.k8s.io']), /^storageclasses\s+sc\s+storage\.k8s\.io\/v1\s+false\s+StorageClass$/m);
  });

  it('creates web-0, web-1, web-2 in order, each with its own bound volume in the node directory', async () => {
    await k.run(['apply', '-f', '-'], setYaml('web', 3, 'Delete'));
    await waitFor('3 ready pods', async () => (await readyNames('web')).length === 3, 180_000, 1000);
    const list = (await pods('web')).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    assert.deepEqual(list.map((p) => p.metadata.name), ['web-0', 'web-1', 'web-2']);
    // OrderedReady: each pod was created after the one before it.
    for (let i = 1; i < 3; i++) assert.ok(list[i].metadata.creationTimestamp >= list[i - 1].metadata.creationTimestamp);
    for (const [i, p] of list.entries()) {
      assert.equal(p.spec.hostname, p.metadata.name);
      assert.equal(p.spec.subdomain, 'web');
      assert.equal(p.metadata.labels['statefulset.kubernetes.io/pod-name'], p.metadata.name);
      assert.equal(p.metadata.labels['apps.kubernetes.io/pod-index'], String(i));
      assert.ok(p.metadata.labels['controller-revision-hash']?.startsWith('web-'));
      const pv = await waitFor(`data-${p.metadata.name} bound`, () => pvOfClaim(`data-${p.metadata.name}`), 30_000);
      assert.ok(pv.spec.hostPath.path.startsWith(path.join(opts.home, 'kubelet', 'local-path') + '/'), pv.spec.hostPath.path);
      assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
      // What the container wrote through containerd is in the node's directory.
      assert.equal(fs.readFileSync(path.join(pv.spec.hostPath.path, 'log'), 'utf8'), `started ${p.metadata.name}\n`);
    }
    const pvc = await k.json<{ spec: { storageClassName: string }; metadata: { annotations: Record<string, string> } }>(['get', 'pvc', 'data-web-0']);
    assert.equal(pvc.spec.storageClassName, 'local-path', 'DefaultStorageClass admission');
    assert.equal(pvc.metadata.annotations['volume.kubernetes.io/selected-node'], opts.nodeName);
    assert.match(await k.out(['get', 'sts', 'web']), /^web\s+3\/3\s+/m);
    assert.match(await k.out(['exec', 'web-1', '--', 'hostname']), /^web-1\n$/);
  });

  it('the headless governing Service\'s Endpoints and EndpointSlice give each pod its hostname (for <pod>.web DNS names)', async () => {
    interface Addr { ip: string; hostname?: string; targetRef?: { name: string } }
    interface SliceJ { metadata: { labels: Record<string, string> }; endpoints: { addresses: string[]; hostname?: string; conditions: { ready: boolean }; targetRef?: { name: string } }[] }
    const want = [['web-0', 'web-0'], ['web-1', 'web-1'], ['web-2', 'web-2']];
    const fromEndpoints = async () => {
      const ep = await k.json<{ metadata: { labels?: Record<string, string> }; subsets?: { addresses?: Addr[] }[] }>(['get', 'endpoints', 'web']);
      return (ep.subsets ?? []).flatMap((s) => s.addresses ?? []).map((a) => [a.targetRef?.name, a.hostname]).sort();
    };
    const slices = async () => (await k.json<List<SliceJ>>(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web'])).items;
    const fromSlices = async () =>
      (await slices()).flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions.ready).map((e) => [e.targetRef?.name, e.hostname]).sort();
    await waitFor('Endpoints with hostnames', async () => JSON.stringify(await fromEndpoints()) === JSON.stringify(want), 30_000, 500);
    await waitFor('EndpointSlice with hostnames', async () => JSON.stringify(await fromSlices()) === JSON.stringify(want), 30_000, 500);
    const ep = await k.json<{ metadata: { labels?: Record<string, string> } }>(['get', 'endpoints', 'web']);
    assert.equal(ep.metadata.labels?.['service.kubernetes.io/headless'], '');
    for (const s of await slices()) assert.equal(s.metadata.labels['service.kubernetes.io/headless'], '');
  });

  it('keeps a pod\'s data when the pod is deleted and comes back', async () => {
    await k.run(['exec', 'web-1', '--', 'sh', '-c', 'echo kept > /data/file']);
    const before = (await pods('web')).find((p) => p.metadata.name === 'web-1')!;
    await k.run(['delete', 'pod', 'web-1', '--wait=false']);
    await waitFor('web-1 back', async () => {
      const p = (await pods('web')).find((x) => x.metadata.name === 'web-1');
      return p && p.metadata.uid !== before.metadata.uid && isRunningReady(p);
    }, 120_000, 1000);
    assert.equal(await k.out(['exec', 'web-1', '--', 'cat', '/data/file']), 'kept\n');
    assert.equal(await k.out(['exec', 'web-1', '--', 'cat', '/data/log']), 'started web-1\nstarted web-1\n');
  });

  it('scales up in order and down in reverse order, keeping the claims (whenScaled: Retain)', async () => {
    await k.run(['scale', 'sts', 'web', '--replicas=5']);
    await waitFor('5 ready', async () => (await readyNames('web')).length === 5, 180_000, 1000);
    const list = (await pods('web')).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    assert.ok(list[4].metadata.creationTimestamp >= list[3].metadata.creationTimestamp);
    await k.run(['scale', 'sts', 'web', '--replicas=3']);
    // The order in which the pods disappear, sampled until both are gone.
    const gone: string[] = [];
    await waitFor('web-3 and web-4 gone', async () => {
      const names = (await pods('web')).map((p) => p.metadata.name);
      for (const n of ['web-4', 'web-3']) if (!names.includes(n) && !gone.includes(n)) gone.push(n);
      return gone.length === 2;
    }, 120_000, 200);
    assert.deepEqual(gone, ['web-4', 'web-3']);
    assert.ok(await exists('pvc', 'data-web-3'));
    assert.ok(await exists('pvc', 'data-web-4'));
    await waitFor('status replicas 3', async () => (await k.json<{ status: { replicas: number } }>(['get', 'sts', 'web'])).status.replicas === 3, 30_000);
  });

  it('rolls an update down to the partition, then completes it; rollout status, history and undo', async () => {
    await k.run(['patch', 'sts', 'web', '--type=merge', '-p', JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { partition: 1 } } } })]);
    await k.run(['set', 'env', 'sts/web', 'VERSION=2']);
    const st = await k.run(['rollout', 'status', 'sts/web', '--timeout=180s']);
    assert.match(st.stdout, /partitioned roll out complete: 2 new pods have been updated\.\.\./);
    const envOf = (p: PodJ) => p.spec.containers[0].env?.find((e) => e.name === 'VERSION')?.value;
    const byName = Object.fromEntries((await pods('web')).map((p) => [p.metadata.name, p]));
    assert.deepEqual(['web-0', 'web-1', 'web-2'].map((n) => envOf(byName[n]) ?? 'old'), ['old', '2', '2']);
    const sts = await k.json<{ status: { currentRevision: string; updateRevision: string; updatedReplicas: number } }>(['get', 'sts', 'web']);
    assert.notEqual(sts.status.currentRevision, sts.status.updateRevision);
    assert.equal(byName['web-0'].metadata.labels['controller-revision-hash'], sts.status.currentRevision);
    assert.equal(byName['web-2'].metadata.labels['controller-revision-hash'], sts.status.updateRevision);

    await k.run(['patch', 'sts', 'web', '--type=merge', '-p', JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } })]);
    // kubectl reports every RollingUpdate set with a partition (the apiserver defaults it to 0) as partitioned.
    assert.match((await k.run(['rollout', 'status', 'sts/web', '--timeout=180s'])).stdout, /partitioned roll out complete: 3 new pods have been updated\.\.\./);
    await waitFor('current revision caught up', async () => {
      const s = await k.json<{ status: { currentRevision: string; updateRevision: string; currentReplicas: number } }>(['get', 'sts', 'web']);
      return s.status.currentRevision === s.status.updateRevision && s.status.currentReplicas === 3;
    }, 60_000);
    assert.match(await k.out(['rollout', 'history', 'sts/web']), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);

    await k.run(['rollout', 'undo', 'sts/web']);
    await k.run(['rollout', 'status', 'sts/web', '--timeout=180s']);
    await waitFor('rolled back', async () => (await pods('web')).every((p) => isRunningReady(p) && envOf(p) === undefined), 60_000, 1000);
    // The old template came back as revision 3.
    assert.match(await k.out(['rollout', 'history', 'sts/web']), /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
  });

  it('deleting a set with whenDeleted: Retain keeps its claims and volumes', async () => {
    await k.run(['apply', '-f', '-'], setYaml('keep', 1, 'Retain'));
    await waitFor('keep-0 ready', async () => (await readyNames('keep')).length === 1, 120_000, 1000);
    const pv = (await pvOfClaim('data-keep-0'))!;
    await k.run(['delete', 'sts', 'keep']);
    await waitFor('keep-0 gone', async () => !(await exists('pod', 'keep-0')), 60_000, 1000);
    assert.ok(await exists('pvc', 'data-keep-0'));
    assert.ok(await exists('pv', pv.metadata.name));
    assert.ok(fs.existsSync(path.join(pv.spec.hostPath.path, 'log')));
  });

  it('deleting a set with whenDeleted: Delete removes its pods, claims (also those kept at scale-down), volumes and directories', async () => {
    const claims = ['data-web-0', 'data-web-1', 'data-web-2', 'data-web-3', 'data-web-4'];
    const pvs = await Promise.all(claims.map(async (c) => (await pvOfClaim(c))!));
    await k.run(['delete', 'sts', 'web']);
    await waitFor('claims of web-0..4 gone', async () => {
      for (const c of claims) if (await exists('pvc', c)) return false;
      return true;
    }, 120_000, 1000);
    await waitFor('their volumes and directories gone', async () => {
      for (const pv of pvs) if ((await exists('pv', pv.metadata.name)) || fs.existsSync(pv.spec.hostPath.path)) return false;
      return true;
    }, 120_000, 1000);
    assert.deepEqual(await pods('web'), []);
  });

  it('scaling down with whenScaled: Delete removes the scaled-away pod\'s claim and volume, keeps the others', async () => {
    await k.run(['apply', '-f', '-'], setYaml('shrink', 2, 'Retain', 'Delete'));
    await waitFor('shrink ready', async () => (await readyNames('shrink')).length === 2, 120_000, 1000);
    const pv = (await waitFor('data-shrink-1 bound', () => pvOfClaim('data-shrink-1'), 30_000))!;
    await k.run(['scale', 'sts', 'shrink', '--replicas=1']);
    await waitFor('claim, volume and directory of shrink-1 gone', async () =>
      !(await exists('pvc', 'data-shrink-1')) && !(await exists('pv', pv.metadata.name)) && !fs.existsSync(pv.spec.hostPath.path), 120_000, 1000);
    assert.ok(await exists('pvc', 'data-shrink-0'));
    const claim = await k.json<{ metadata: { ownerReferences?: unknown[] } }>(['get', 'pvc', 'data-shrink-0']);
    assert.deepEqual(claim.metadata.ownerReferences ?? [], [], 'a claim in range has no owner under whenDeleted: Retain');
  });

  it('a kept claim deleted by hand releases its volume, which the node reclaims', async () => {
    const pv = (await pvOfClaim('data-keep-0'))!;
    await k.run(['delete', 'pvc', 'data-keep-0']);
    await waitFor('volume and directory reclaimed', async () => !(await exists('pv', pv.metadata.name)) && !fs.existsSync(pv.spec.hostPath.path), 60_000, 1000);
  });
});
