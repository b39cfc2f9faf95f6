// ReplicationControllers (core/v1) on a real single-node cluster through the real kubectl: an RC
// from YAML runs its pods, kubectl's columns and `describe`, `get all`, `kubectl scale`, a deleted
// pod replaced, a relabeled pod released and replaced, `delete --cascade=orphan` and background,
// ReplicaFailure when a quota refuses its pods, and a selector that misses the template refused.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { up, down, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';

const rc = (name: string, replicas: number, selector = `{app: ${name}}`) => `
apiVersion: v1
kind: ReplicationController
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: ${selector}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: web, image: k8ts/web:1.0}]
`;

interface OwnerRef { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }
interface PodMeta { metadata: { name: string; labels?: Record<string, string>; ownerReferences?: OwnerRef[]; deletionTimestamp?: string }; status?: { phase?: string } }
interface RC {
  metadata: { uid: string; labels?: Record<string, string>; generation?: number };
  spec: { replicas: number; selector: Record<string, string> };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; fullyLabeledReplicas?: number; observedGeneration?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

describe('workloads: ReplicationController', function () {
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-rc-')),
    netns: `k8ts-rc-${randomBytes(3).toString('hex')}`,
    nodeName: 'rc-node-1',
  };
  let info: ClusterInfo;
  let k: Kubectl;
  const pods = async (selector: string, ns = 'default') =>
    (await k.json<{ items: PodMeta[] }>(['get', 'pods', '-n', ns, '-l', selector])).items.filter((p) => !p.metadata.deletionTimestamp);
  const getRC = (name: string, ns = 'default') => k.json<RC>(['get', 'rc', name, '-n', ns]);
  /** The RC's live pods, all Running and controlled by it, once there are `n`; their names. */
  const settled = (name: string, n: number) =>
    waitFor(`${name}: ${n} running pods it controls, status caught up`, async () => {
      const r = await getRC(name);
      const ps = await pods(`app=${name}`);
      const ok =
        ps.length === n &&
        ps.every((p) => p.status?.phase === 'Running' && p.metadata.ownerReferences?.some((o) => o.uid === r.metadata.uid && o.kind === 'ReplicationController' && o.controller)) &&
        r.status?.readyReplicas === n && r.status?.replicas === n && r.status?.observedGeneration === r.metadata.generation;
      return ok && ps.map((p) => p.metadata.name);
    }, 90_000, 500);

  before(async function () {
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
  });

  after(async function () {
    await down(opts, { purge: true }).catch(() => undefined);
    fs.rmSync(opts.home, { recursive: true, force: true });
  });

  it('runs its pods; kubectl get, get all, describe and scale; replaces deleted pods; releases relabeled ones', async () => {
    // No selector given: it is defaulted from the template's labels, as are the RC's own labels.
    await k.run(['apply', '-f', '-'], rc('web', 2, '{}'));
    const first = await settled('web', 2);
    const created = await getRC('web');
    assert.deepEqual([created.spec.selector, created.metadata.labels], [{ app: 'web' }, { app: 'web' }]);
    assert.deepEqual([created.status?.fullyLabeledReplicas, created.status?.availableReplicas], [2, 2]);

    const table = (await k.out(['get', 'rc', 'web'])).trim().split('\n').map((l) => l.trim().split(/\s+/));
    assert.deepEqual(table[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.deepEqual(table[1].slice(0, 4), ['web', '2', '2', '2']);
    const wide = (await k.out(['get', 'rc', 'web', '-o', 'wide'])).trim().split('\n').map((l) => l.trim().split(/\s+/));
    assert.deepEqual(wide[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    assert.deepEqual(wide[1].slice(5), ['web', 'k8ts/web:1.0', 'app=web']);
    assert.match(await k.out(['get', 'all']), /^replicationcontroller\/web\s+2\s+2\s+2\s/m);
    assert.match(await k.out(['get', 'rc', '--field-selector', 'status.replicas=2', '-o', 'name']), /^replicationcontroller\/web$/m);

    const described = await k.out(['describe', 'rc', 'web']);
    assert.match(described, /^Selector:\s+app=web$/m);
    assert.match(described, /^Replicas:\s+2 current \/ 2 desired$/m);
    assert.match(described, /^Pods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    assert.match(described, /Normal\s+SuccessfulCreate\s+.*replication-controller\s+Created pod: web-/);

    await k.run(['scale', 'rc/web', '--replicas=3']);
    const three = await settled('web', 3);
    assert.ok(first.every((n) => three.includes(n)), 'scaling up keeps the pods it has');

    // A deleted pod is replaced.
    await k.run(['delete', 'pod', three[0], '--wait=false']);
    const replaced = await waitFor('a replacement', async () => {
      const names = await settled('web', 3);
      return !names.includes(three[0]) && names;
    }, 90_000, 500);

    // A pod whose labels no longer match is released (its controller reference removed) and replaced.
    const relabeled = replaced[0];
    await k.run(['label', 'pod', relabeled, 'app=debug', '--overwrite']);
    await waitFor(`${relabeled} released`, async () => {
      const p = await k.json<PodMeta>(['get', 'pod', relabeled]);
      return (p.metadata.ownerReferences ?? []).length === 0;
    }, 60_000, 500);
    const after = await settled('web', 3);
    assert.ok(!after.includes(relabeled));
    await k.run(['delete', 'pod', relabeled, '--wait=false']);

    await k.run(['scale', 'rc/web', '--replicas=1']);
    await settled('web', 1);
    assert.match(await k.out(['get', 'events', '--field-selector', 'involvedObject.kind=ReplicationController,reason=SuccessfulDelete', '-o', 'name']), /event/);
  });

  it('delete --cascade=orphan leaves its pods without controller reference; background collects them', async () => {
    const [orphan] = await settled('web', 1);
    await k.run(['delete', 'rc', 'web', '--cascade=orphan', '--wait=true', '--timeout=60s']);
    const left = await pods('app=web');
    assert.deepEqual(left.map((p) => p.metadata.name), [orphan]);
    assert.equal(left[0].metadata.ownerReferences, undefined);
    await k.run(['delete', 'pod', orphan, '--wait=false']);

    await k.run(['apply', '-f', '-'], rc('bg', 2));
    await settled('bg', 2);
    await k.run(['delete', 'rc', 'bg']);
    await waitFor('the pods of bg collected', async () => (await pods('app=bg')).length === 0, 90_000, 500);
  });

  it('a quota that refuses its pods: ReplicaFailure FailedCreate, gone once it fits', async () => {
    await k.run(['create', 'namespace', 'tight']);
    await k.run(['create', 'quota', 'pods', '-n', 'tight', '--hard=pods=1']);
    await waitFor('the quota measured', async () => (await k.json<{ status?: { used?: Record<string, string> } }>(['get', 'quota', 'pods', '-n', 'tight'])).status?.used?.pods === '0', 60_000, 500);
    await k.run(['apply', '-n', 'tight', '-f', '-'], rc('capped', 2));
    const failing = await waitFor('ReplicaFailure', async () => {
      const c = (await getRC('capped', 'tight')).status?.conditions?.find((x) => x.type === 'ReplicaFailure');
      return c?.status === 'True' && c;
    }, 60_000, 500);
    assert.equal(failing.reason, 'FailedCreate');
    assert.match(failing.message ?? '', /exceeded quota: pods, requested: pods=1, used: pods=1, limited: pods=1/);
    assert.equal((await pods('app=capped', 'tight')).length, 1);
    await k.run(['scale', 'rc/capped', '-n', 'tight', '--replicas=1']);
    await waitFor('ReplicaFailure removed', async () => {
      const r = await getRC('capped', 'tight');
      return r.status?.readyReplicas === 1 && !(r.status?.conditions ?? []).some((x) => x.type === 'ReplicaFailure');
    }, 90_000, 500);
    await k.run(['delete', 'namespace', 'tight', '--wait=false']);
  });

  it('a selector that misses the template labels: 422 Invalid with the cause', async () => {
    const r = await run(['kubectl', '--kubeconfig', info.kubeconfig, 'create', '-f', '-', '-v=6'], { netns: info.netns, input: rc('bad', 1, '{app: other}'), check: false, timeoutMs: 60_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /POST https:\/\/\S+\/api\/v1\/namespaces\/default\/replicationcontrollers\S* 422 Unprocessable Entity/);
    // kubectl builds this line from the Status' details (kind, name) and causes (field, message).
    assert.match(r.stderr, /The ReplicationController "bad" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
    assert.equal((await k.out(['get', 'rc', 'bad', '--ignore-not-found', '-o', 'name'])).trim(), '');
  });
});
