// Deployment, finished, on a real single-node cluster with the real kubectl: a rollout that
// cannot progress gets ProgressDeadlineExceeded and `kubectl rollout status` fails with
// upstream's message; `kubectl rollout pause` keeps a template change from rolling out while
// scaling still works, and `kubectl rollout resume` rolls it out; a quota that refuses the
// ReplicaSet's pods shows as the Deployment's ReplicaFailure condition, gone once it fits.
import assert from 'node:assert/strict';
import { singleNodeCluster } from '../harness/single-node';
import { run, waitFor } from '../harness/exec';

const deployment = (name: string, image: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
${extra}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: web, image: "${image}"}]
`;

interface Dep { spec: { paused?: boolean }; status: { conditions?: { type: string; status: string; reason: string; message: string }[]; replicas?: number; readyReplicas?: number } }

describe('workloads: deployment progress, pause and resume', function () {
  const cluster = singleNodeCluster('dp');
  const { k } = cluster;
  const progressing = async (name: string) => (await k.json<Dep>(['get', 'deployment', name])).status.conditions?.find((c) => c.type === 'Progressing');
  const rsNames = (app: string) => k.names('rs', `app=${app}`);



  it('a rollout that cannot progress exceeds its deadline and kubectl rollout status says so', async () => {
    // Nothing listens on port 1: every pull fails, no pod ever becomes available.
    await k.run(['apply', '-f', '-'], deployment('stuck', '127.0.0.1:1/nope:1', '  progressDeadlineSeconds: 10'));
    const r = await run(['kubectl', '--kubeconfig', cluster.info.kubeconfig, 'rollout', 'status', 'deployment/stuck', '--timeout=180s'], { netns: cluster.info.netns, check: false, timeoutMs: 200_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error: deployment "stuck" exceeded its progress deadline/);
    const c = await progressing('stuck');
    assert.deepEqual([c?.status, c?.reason], ['False', 'ProgressDeadlineExceeded']);
    assert.match(c!.message, /^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
  });

  it('a completed rollout reads NewReplicaSetAvailable', async () => {
    await k.run(['apply', '-f', '-'], deployment('ok', 'k8ts/web:1.0'));
    await k.run(['rollout', 'status', 'deployment/ok', '--timeout=180s']);
    const c = await progressing('ok');
    assert.deepEqual([c?.status, c?.reason], ['True', 'NewReplicaSetAvailable']);
  });

  it('paused: a template change does not roll out, scaling works; resumed: it rolls out', async () => {
    await k.run(['apply', '-f', '-'], deployment('pz', 'k8ts/web:1.0'));
    await k.run(['rollout', 'status', 'deployment/pz', '--timeout=180s']);
    const [first] = await rsNames('pz');
    await k.run(['rollout', 'pause', 'deployment/pz']);
    await waitFor('DeploymentPaused', async () => (await progressing('pz'))?.reason === 'DeploymentPaused', 60_000, 500);
    assert.equal((await progressing('pz'))!.status, 'Unknown');
    await k.run(['set', 'env', 'deployment/pz', 'ROLLED=yes']);
    await k.run(['scale', 'deployment/pz', '--replicas=2']);
    await waitFor('two ready replicas while paused', async () => (await k.json<Dep>(['get', 'deployment', 'pz'])).status.readyReplicas === 2, 180_000, 1000);
    // The scale went through the sync that saw the changed template: still the one ReplicaSet.
    assert.deepEqual(await rsNames('pz'), [first]);
    await k.run(['rollout', 'resume', 'deployment/pz']);
    await k.run(['rollout', 'status', 'deployment/pz', '--timeout=180s']);
    const sets = await rsNames('pz');
    assert.equal(sets.length, 2);
    // The old pods may still be terminating when rollout status returns: wait for them to go.
    await waitFor('only the new pods left', async () => {
      const envs = await k.out(['get', 'pods', '-l', 'app=pz', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].env[0].value}{" "}{end}']);
      return envs.trim() === 'yes yes';
    }, 120_000, 1000);
    const events = await k.out(['get', 'events', '--field-selector', 'involvedObject.name=pz', '-o', 'jsonpath={.items[*].reason}']);
    assert.match(events, /ScalingReplicaSet/);
  });

  it('a quota that refuses its pods: the ReplicaSet\'s ReplicaFailure moves up to the Deployment, gone once it fits', async () => {
    await k.run(['create', 'namespace', 'dq']);
    await k.run(['create', 'quota', 'pods', '-n', 'dq', '--hard=pods=1']);
    await waitFor('the quota measured', async () => (await k.json<{ status?: { used?: Record<string, string> } }>(['get', 'quota', 'pods', '-n', 'dq'])).status?.used?.pods === '0', 60_000, 500);
    await k.run(['apply', '-n', 'dq', '-f', '-'], deployment('capped', 'k8ts/web:1.0').replace('replicas: 1', 'replicas: 2'));
    const failure = async () => (await k.json<Dep>(['get', 'deployment', 'capped', '-n', 'dq'])).status.conditions?.find((c) => c.type === 'ReplicaFailure');
    const failing = await waitFor('the Deployment\'s ReplicaFailure', async () => {
      const c = await failure();
      return c?.status === 'True' && c;
    }, 90_000, 500);
    assert.equal(failing.reason, 'FailedCreate');
    assert.match(failing.message, /exceeded quota: pods, requested: pods=1, used: pods=1, limited: pods=1/);
    await k.run(['scale', 'deployment/capped', '-n', 'dq', '--replicas=1']);
    await waitFor('ReplicaFailure gone from the Deployment', async () => (await failure()) === undefined, 120_000, 1000);
    await k.run(['delete', 'namespace', 'dq', '--wait=false']);
  });
});
