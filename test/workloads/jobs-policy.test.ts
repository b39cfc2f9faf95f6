// Job failure policy, suspension and adoption on a real single-node cluster (etcd, containerd,
// CNI) with the real kubectl: a podFailurePolicy FailJob rule fails the Job at once, an Ignore rule
// keeps failures from counting against backoffLimit, a Count rule counts them; a Job created
// suspended creates no pods until resumed; suspending a running Job deletes its pods and stops
// its activeDeadlineSeconds clock, resuming restarts both; a Job with a manual selector adopts a
// bare pod that ran before it and counts it. The controller-manager runs with
// --job-backoff-base=1s so retries take seconds.
import assert from 'node:assert/strict';
import { singleNodeCluster } from '../harness/single-node';
import { waitFor } from '../harness/exec';

type Cond = { type: string; status: string; reason?: string; message?: string };
interface JobJson {
  metadata: { name: string; uid: string };
  status?: { succeeded?: number; failed?: number; active?: number; conditions?: Cond[]; startTime?: string };
}
interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string; finalizers?: string[]; ownerReferences?: { kind: string; uid: string; controller?: boolean }[] };
  status?: { phase?: string };
}

const TRACKING = 'batch.kubernetes.io/job-tracking';

/** A Job whose one container runs `script`; `spec` is extra spec YAML indented by two spaces. */
const jobYaml = (name: string, spec: string, script: string, labels = '') => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${spec}
  template:
    metadata: {labels: {${labels}}}
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: k8ts/web:1.0
        command: ["sh", "-c", ${JSON.stringify(script)}]
`;

const policy = (action: string, code: number) => `  podFailurePolicy:
    rules:
    - action: ${action}
      onExitCodes: {containerName: main, operator: In, values: [${code}]}`;

describe('workloads: Job podFailurePolicy, suspend and adoption', function () {
  const { k } = singleNodeCluster('jobpol', { extraFlags: { 'controller-manager': ['--job-backoff-base=1s'] } });

  const job = (name: string) => k.json<JobJson>(['get', 'job', name]);
  const podsOf = async (name: string) => (await k.json<{ items: PodJson[] }>(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${name}`])).items;
  const condition = (j: JobJson, type: string) => j.status?.conditions?.find((c) => c.type === type && c.status === 'True');
  const untilJob = (name: string, what: string, ok: (j: JobJson) => boolean, timeoutMs = 120_000) =>
    waitFor(`job ${name}: ${what}`, async () => {
      const j = await job(name);
      return ok(j) ? j : undefined;
    }, timeoutMs, 500);
  const finished = (name: string, type: 'Complete' | 'Failed') => untilJob(name, type, (j) => !!condition(j, type));
  const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

  it('podFailurePolicy FailJob on exit code 42 fails the Job at once, with upstream reason and message', async () => {
    await k.run(['apply', '-f', '-'], jobYaml('failjob', `  backoffLimit: 6\n${policy('FailJob', 42)}`, 'exit 42'));
    const j = await finished('failjob', 'Failed');
    const pods = await podsOf('failjob');
    assert.equal(pods.length, 1, 'no retry after a FailJob match');
    const failed = condition(j, 'Failed')!;
    assert.equal(failed.reason, 'PodFailurePolicy');
    assert.equal(failed.message, `Container main for pod default/${pods[0].metadata.name} failed with exit code 42 matching FailJob rule at index 0`);
    assert.equal(condition(j, 'FailureTarget')?.reason, 'PodFailurePolicy');
    assert.equal(j.status?.failed, 1);
  });

  it('an Ignore rule keeps failures from counting against backoffLimit', async () => {
    // backoffLimit 0: one counted failure would fail the Job; ignored ones are replaced instead.
    await k.run(['apply', '-f', '-'], jobYaml('ignore', `  backoffLimit: 0\n${policy('Ignore', 3)}`, 'exit 3'));
    await waitFor('two ignored failures', async () => (await podsOf('ignore')).filter((p) => p.status?.phase === 'Failed').length >= 2, 120_000);
    // The second pod exists only because the first failure was handled (and ignored).
    const j = await job('ignore');
    assert.equal(condition(j, 'FailureTarget'), undefined);
    assert.equal(condition(j, 'Failed'), undefined);
    assert.equal(j.status?.failed ?? 0, 0);
    await k.run(['delete', 'job', 'ignore', '--wait=true']);
  });

  it('a Count rule counts failures against backoffLimit', async () => {
    await k.run(['apply', '-f', '-'], jobYaml('count', `  backoffLimit: 1\n${policy('Count', 5)}`, 'exit 5'));
    const j = await finished('count', 'Failed');
    assert.equal(condition(j, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(j.status?.failed, 2);
    assert.equal((await podsOf('count')).length, 2);
  });

  it('a Job created suspended creates no pods until resumed', async () => {
    await k.run(['apply', '-f', '-'], jobYaml('later', '  suspend: true\n  completions: 2\n  parallelism: 2', 'true'));
    const j = await untilJob('later', 'Suspended', (x) => !!condition(x, 'Suspended'));
    assert.deepEqual([condition(j, 'Suspended')?.reason, condition(j, 'Suspended')?.message], ['JobSuspended', 'Job suspended']);
    assert.equal((await podsOf('later')).length, 0);
    assert.equal(j.status?.startTime, undefined, 'a suspended Job has not started');
    await k.run(['patch', 'job', 'later', '-p', '{"spec":{"suspend":false}}']);
    const done = await finished('later', 'Complete');
    assert.equal(done.status?.succeeded, 2);
    assert.ok(done.status?.startTime);
    const s = done.status?.conditions?.find((c) => c.type === 'Suspended');
    assert.deepEqual([s?.status, s?.reason, s?.message], ['False', 'JobResumed', 'Job resumed']);
  });

  it('suspending a running Job deletes its pods and stops the activeDeadlineSeconds clock; resuming restarts both', async () => {
    const deadline = 12;
    await k.run(['apply', '-f', '-'], jobYaml('pause', `  parallelism: 2\n  completions: 2\n  activeDeadlineSeconds: ${deadline}`, 'sleep 600'));
    const running = await untilJob('pause', 'two active', (j) => j.status?.active === 2 && !!j.status.startTime);
    const firstStart = Date.parse(running.status!.startTime!);
    await k.run(['patch', 'job', 'pause', '-p', '{"spec":{"suspend":true}}']);
    const suspended = await untilJob('pause', 'Suspended with nothing active', (j) => !!condition(j, 'Suspended') && (j.status?.active ?? 0) === 0);
    assert.equal(condition(suspended, 'Suspended')?.reason, 'JobSuspended');
    await waitFor('the pods gone', async () => (await podsOf('pause')).every((p) => p.metadata.deletionTimestamp || p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded'));
    // Well past the deadline counted from the first start: a suspended Job does not fail.
    await sleepUntil(firstStart + (deadline + 2) * 1000);
    const still = await job('pause');
    assert.equal(condition(still, 'FailureTarget'), undefined);
    assert.equal(condition(still, 'Failed'), undefined);
    const resumedAt = Date.now();
    await k.run(['patch', 'job', 'pause', '-p', '{"spec":{"suspend":false}}']);
    const resumed = await untilJob('pause', 'active again', (j) => j.status?.active === 2);
    // startTime has second precision: the new one is not before the resume's second.
    assert.ok(Date.parse(resumed.status!.startTime!) >= Math.floor(resumedAt / 1000) * 1000, 'startTime reset on resume');
    assert.equal(resumed.status?.conditions?.find((c) => c.type === 'Suspended')?.reason, 'JobResumed');
    const failed = await finished('pause', 'Failed');
    assert.equal(condition(failed, 'Failed')?.reason, 'DeadlineExceeded');
  });

  it('a Job with a manual selector adopts a matching bare pod that ran before it, and counts it', async () => {
    await k.run(['apply', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: bare, labels: {app: adopt-me}}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: k8ts/web:1.0
    command: ["sh", "-c", "true"]
`);
    await waitFor('the bare pod Succeeded', async () => (await k.json<PodJson>(['get', 'pod', 'bare'])).status?.phase === 'Succeeded', 120_000);
    await k.run(
      ['apply', '-f', '-'],
      jobYaml('adopter', '  manualSelector: true\n  selector: {matchLabels: {app: adopt-me}}\n  completions: 2\n  parallelism: 1', 'true', 'app: adopt-me'),
    );
    const j = await finished('adopter', 'Complete');
    assert.equal(j.status?.succeeded, 2);
    const bare = await k.json<PodJson>(['get', 'pod', 'bare']);
    assert.deepEqual(bare.metadata.ownerReferences?.map((r) => [r.kind, r.uid, r.controller]), [['Job', j.metadata.uid, true]]);
    assert.ok(!(bare.metadata.finalizers ?? []).includes(TRACKING), 'the tracking finalizer went once the pod was counted');
    const all = (await k.json<{ items: PodJson[] }>(['get', 'pods', '-l', 'app=adopt-me'])).items;
    assert.equal(all.length, 2, 'the adopted pod took one completion: the Job created only one pod');
    assert.ok(all.every((p) => p.metadata.ownerReferences?.some((r) => r.uid === j.metadata.uid && r.controller)));
  });
});
