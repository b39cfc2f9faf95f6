// The garbage collector on a real single-node cluster through the real kubectl: each propagation
// policy (`kubectl delete --cascade=background|foreground|orphan`), kinds that no controller of
// this repository lists (a Job owning a Pod, a ConfigMap owning a Secret and a PVC), and a
// reference to a uid that never existed.
import assert from 'node:assert/strict';
import { singleNodeCluster } from '../harness/single-node';
import { waitFor } from '../harness/exec';

const deployment = (name: string, replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 2
      containers: [{name: web, image: k8ts/web:1.0}]
`;

interface Meta { metadata: { name: string; uid: string; ownerReferences?: { kind: string; name: string; uid: string }[] } }

describe('workloads: garbage collection', function () {
  const cluster = singleNodeCluster('gc');
  const { k } = cluster;
  const names = (kind: string, selector: string) => k.names(kind, selector);
  const items = async (kind: string, selector: string) => (await k.json<{ items: Meta[] }>(['get', kind, '-l', selector])).items;
  const gone = async (kind: string, name: string) => !(await k.exists(kind, name));
  const rolledOut = (name: string, replicas: number) =>
    waitFor(`${name} has ${replicas} pods`, async () => (await names('pods', `app=${name}`)).length === replicas && (await names('rs', `app=${name}`)).length === 1, 180_000, 1000);



  it('--cascade=foreground: the ReplicaSet and its pods are gone before the Deployment', async () => {
    await k.run(['apply', '-f', '-'], deployment('fg', 2));
    await rolledOut('fg', 2);
    // kubectl waits until the Deployment is gone; in foreground that is after its dependents.
    await k.run(['delete', 'deployment', 'fg', '--cascade=foreground', '--wait=true', '--timeout=180s']);
    assert.deepEqual(await names('rs', 'app=fg'), []);
    assert.deepEqual(await names('pods', 'app=fg'), []);
  });

  it('--cascade=background: the owner goes at once, its dependents after it', async () => {
    await k.run(['apply', '-f', '-'], deployment('bg', 2));
    await rolledOut('bg', 2);
    await k.run(['delete', 'deployment', 'bg', '--cascade=background']);
    assert.ok(await gone('deployment', 'bg'));
    await waitFor('bg dependents collected', async () => (await names('rs', 'app=bg')).length === 0 && (await names('pods', 'app=bg')).length === 0, 180_000, 1000);
  });

  it('--cascade=orphan: the ReplicaSet stays without its owner reference, its pods keep theirs', async () => {
    await k.run(['apply', '-f', '-'], deployment('orph', 1));
    await rolledOut('orph', 1);
    await k.run(['delete', 'deployment', 'orph', '--cascade=orphan', '--wait=true', '--timeout=120s']);
    const [rs] = await items('rs', 'app=orph');
    assert.ok(rs, 'the ReplicaSet was kept');
    assert.equal(rs.metadata.ownerReferences, undefined);
    const [pod] = await items('pods', 'app=orph');
    assert.equal(pod.metadata.ownerReferences?.[0]?.uid, rs.metadata.uid);
    // The orphaned ReplicaSet still owns its pods: deleting it now collects them.
    await k.run(['delete', 'rs', rs.metadata.name]);
    await waitFor('orphaned ReplicaSet pods collected', async () => (await names('pods', 'app=orph')).length === 0, 120_000, 1000);
  });

  it('kinds no controller here lists: a Job owning a Pod, a ConfigMap owning a Secret and a PVC', async () => {
    // Its pod leaves on SIGTERM: a bare sleep as PID 1 ignores it and holds the foreground
    // deletion below for the whole 30 s grace period, which is not what this test is about.
    await k.run(['create', 'job', 'owner-job', '--image=k8ts/web:1.0', '--', 'sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'], undefined).catch(async () => {
      // Before protobuf bodies of Jobs work, the same Job as YAML.
      await k.run(['apply', '-f', '-'], `
apiVersion: batch/v1
kind: Job
metadata: {name: owner-job}
spec:
  suspend: true
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: k8ts/web:1.0}]
`);
    });
    const job = await k.json<Meta>(['get', 'job', 'owner-job']);
    await k.run(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata:
  name: job-pod
  labels: {gc: job}
  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: owner-job, uid: ${job.metadata.uid}, blockOwnerDeletion: true}]
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: c, image: k8ts/web:1.0}]
`);
    await k.run(['create', 'configmap', 'owner-cm', '--from-literal=a=b']);
    const cm = await k.json<Meta>(['get', 'configmap', 'owner-cm']);
    const ref = `[{apiVersion: v1, kind: ConfigMap, name: owner-cm, uid: ${cm.metadata.uid}}]`;
    await k.run(['apply', '-f', '-'], `
apiVersion: v1
kind: Secret
metadata: {name: owned-secret, ownerReferences: ${ref}}
stringData: {x: "z"}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: owned-claim, ownerReferences: ${ref}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Mi}}
`);
    await k.run(['delete', 'configmap', 'owner-cm']);
    await waitFor('secret and claim collected', async () => (await gone('secret', 'owned-secret')) && (await gone('pvc', 'owned-claim')), 120_000, 1000);
    await k.run(['delete', 'job', 'owner-job', '--cascade=foreground', '--wait=true', '--timeout=120s']);
    assert.ok(await gone('pod', 'job-pod'), 'the Job\'s pod went before the Job');
  });

  it('a reference to a uid that never existed is collected; one beside a live owner is dropped', async () => {
    await k.run(['create', 'configmap', 'live-owner', '--from-literal=a=b']);
    const live = await k.json<Meta>(['get', 'configmap', 'live-owner']);
    const ghost = '{apiVersion: v1, kind: ConfigMap, name: never-was, uid: 00000000-0000-0000-0000-000000000000}';
    await k.run(['apply', '-f', '-'], `
apiVersion: v1
kind: ConfigMap
metadata: {name: dangling, ownerReferences: [${ghost}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: half-dangling, ownerReferences: [${ghost}, {apiVersion: v1, kind: ConfigMap, name: live-owner, uid: ${live.metadata.uid}}]}
`);
    await waitFor('dangling collected', () => gone('configmap', 'dangling'), 120_000, 1000);
    const half = await waitFor('dangling reference dropped', async () => {
      const o = await k.json<Meta>(['get', 'configmap', 'half-dangling']);
      return o.metadata.ownerReferences?.length === 1 && o;
    }, 120_000, 1000);
    assert.equal(half.metadata.ownerReferences![0].uid, live.metadata.uid);
  });
});
