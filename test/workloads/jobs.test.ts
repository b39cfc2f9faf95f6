// Jobs, CronJobs and the TTL of finished Jobs on a real single-node cluster (etcd, containerd, CNI)
// with the real kubectl: a parallel Job, an Indexed Job whose pods see their index, a Job failing
// into its backoffLimit (the controller-manager runs with --job-backoff-base=1s so the doubling
// backoff takes seconds), activeDeadlineSeconds, ttlSecondsAfterFinished, `kubectl create job`
// (also --from=cronjob) and `kubectl create cronjob` (protobuf bodies), and one real CronJob tick
// deciding Forbid against Replace. The schedule arithmetic itself is unit-tested with a fake clock.
import assert from 'node:assert/strict';
import { singleNodeCluster } from '../harness/single-node';
import { waitFor } from '../harness/exec';

type Cond = { type: string; status: string; reason?: string; message?: string };
interface JobJson {
  metadata: { name: string; uid: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  spec: { selector?: unknown; template: { metadata?: { labels?: Record<string, string> } } };
  status?: { succeeded?: number; failed?: number; active?: number; ready?: number; completedIndexes?: string; conditions?: Cond[]; startTime?: string; completionTime?: string; uncountedTerminatedPods?: unknown };
}
interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec: { hostname?: string };
  status?: { phase?: string };
}

const jobYaml = (name: string, spec: string, script: string) => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${spec}
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: k8ts/web:1.0
        command: ["sh", "-c", ${JSON.stringify(script)}]
`;

const cronYaml = (name: string, policy: string) => `
apiVersion: batch/v1
kind: CronJob
metadata: {name: ${name}}
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: ${policy}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: k8ts/web:1.0
            command: ["sleep", "600"]
`;

describe('workloads: Jobs, CronJobs and TTL-after-finished', function () {
  const { k } = singleNodeCluster('jobs', { extraFlags: { 'controller-manager': ['--job-backoff-base=1s'] } });

  const job = (name: string) => k.json<JobJson>(['get', 'job', name]);
  const podsOf = async (name: string) => (await k.json<{ items: PodJson[] }>(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${name}`])).items;
  const condition = (j: JobJson, type: string) => j.status?.conditions?.find((c) => c.type === type && c.status === 'True');
  const finished = (name: string, type: 'Complete' | 'Failed', timeoutMs = 180_000) =>
    waitFor(`job ${name} ${type}`, async () => {
      const j = await job(name);
      return condition(j, type) ? j : undefined;
    }, timeoutMs, 500);

  it('runs a parallel Job to completion, counting each pod once', async () => {
    await k.run(['apply', '-f', '-'], jobYaml('par', '  completions: 4\n  parallelism: 2', 'echo working; sleep 1'));
    const j = await finished('par', 'Complete');
    assert.equal(j.status?.succeeded, 4);
    assert.equal(j.status?.active ?? 0, 0);
    assert.ok(condition(j, 'SuccessCriteriaMet'), 'the interim condition stays beside Complete');
    assert.ok(j.status?.completionTime && j.status.startTime);
    const labels = j.spec.template.metadata?.labels ?? {};
    assert.equal(labels['batch.kubernetes.io/controller-uid'], j.metadata.uid);
    assert.equal(labels['job-name'], 'par');
    assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': j.metadata.uid } });
    const pods = await podsOf('par');
    assert.equal(pods.length, 4);
    assert.ok(pods.every((p) => p.status?.phase === 'Succeeded' && !(p.metadata.finalizers ?? []).includes('batch.kubernetes.io/job-tracking')));
    const events = await k.out(['get', 'events', '--field-selector', 'involvedObject.name=par', '-o', 'jsonpath={.items[*].reason}']);
    assert.match(events, /SuccessfulCreate/);
    assert.match(events, /Completed/);
  });

  it('gives each pod of an Indexed Job its index: env, annotation, label and hostname', async () => {
    await k.run(['apply', '-f', '-'], jobYaml('idx', '  completions: 3\n  parallelism: 3\n  completionMode: Indexed', 'echo "index=$JOB_COMPLETION_INDEX host=$(hostname)"'));
    const j = await finished('idx', 'Complete');
    assert.equal(j.status?.completedIndexes, '0-2');
    const pods = await podsOf('idx');
    assert.equal(pods.length, 3);
    for (const p of pods) {
      const ix = p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
      assert.ok(ix !== undefined, `${p.metadata.name} has an index`);
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], ix);
      assert.equal(p.spec.hostname, `idx-${ix}`);
      assert.ok(p.metadata.name.startsWith(`idx-${ix}-`));
      assert.equal((await k.out(['logs', p.metadata.name])).trim(), `index=${ix} host=idx-${ix}`);
    }
  });

  it('fails a Job that exceeds its backoffLimit, with FailureTarget then Failed', async () => {
    await k.run(['apply', '-f', '-'], jobYaml('boom', '  backoffLimit: 2', 'exit 3'));
    const j = await finished('boom', 'Failed');
    assert.equal(condition(j, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(j, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(j.status?.failed, 3);
    assert.equal((await podsOf('boom')).length, 3, 'one pod per try, never more');
    const events = await k.out(['get', 'events', '--field-selector', 'involvedObject.name=boom', '-o', 'jsonpath={.items[*].reason}']);
    assert.match(events, /BackoffLimitExceeded/);
  });

  it('stops a Job past its activeDeadlineSeconds', async () => {
    await k.run(['apply', '-f', '-'], jobYaml('slow', '  activeDeadlineSeconds: 5', 'sleep 600'));
    const j = await finished('slow', 'Failed');
    assert.equal(condition(j, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(condition(j, 'Failed')?.message, 'Job was active longer than specified deadline');
    await waitFor('its pod gone or stopped', async () => (await podsOf('slow')).every((p) => p.status?.phase !== 'Running'), 60_000);
  });

  it('deletes a finished Job after ttlSecondsAfterFinished', async () => {
    await k.run(['apply', '-f', '-'], jobYaml('brief', '  ttlSecondsAfterFinished: 2', 'echo bye'));
    const uid = (await job('brief')).metadata.uid;
    await waitFor('the job deleted', async () => !(await k.out(['get', 'jobs', '-o', 'name'])).includes('job.batch/brief'), 180_000);
    // It finished first (its Events outlive it), and no tracking finalizer holds a pod of it back:
    // the garbage collector takes them (Background propagation).
    const events = await k.out(['get', 'events', '--field-selector', `involvedObject.uid=${uid}`, '-o', 'jsonpath={.items[*].reason}']);
    assert.match(events, /Completed/);
    const left = await podsOf('brief');
    assert.ok(left.every((p) => !(p.metadata.finalizers ?? []).includes('batch.kubernetes.io/job-tracking')));
  });

  it('kubectl create job runs a Job from the command line', async () => {
    await k.run(['create', 'job', 'hello', '--image=k8ts/web:1.0', '--', 'echo', 'hi']);
    await k.run(['wait', '--for=condition=complete', 'job/hello', '--timeout=180s']);
    assert.ok(condition(await job('hello'), 'Complete'));
    const [p] = await podsOf('hello');
    assert.equal((await k.out(['logs', p.metadata.name])).trim(), 'hi');
  });

  it('one real CronJob tick: Forbid skips beside an active run, Replace replaces it; kubectl create cronjob and job --from', async () => {
    await k.run(['create', 'cronjob', 'made', '--image=k8ts/web:1.0', '--schedule=*/5 * * * *', '--', 'echo', 'made']);
    const made = await k.json<{ spec: { schedule: string; jobTemplate: { spec: { template: { spec: { containers: { command: string[] }[] } } } } } }>(['get', 'cronjob', 'made']);
    assert.equal(made.spec.schedule, '*/5 * * * *');
    assert.deepEqual(made.spec.jobTemplate.spec.template.spec.containers[0].command, ['echo', 'made']);
    await k.run(['create', 'job', 'made-now', '--from=cronjob/made']);
    const manual = await finished('made-now', 'Complete');
    assert.equal(manual.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(manual.metadata.ownerReferences?.[0]?.kind, 'CronJob');

    // Each CronJob gets a running Job recorded in status.active, as if its previous tick made it.
    const first: Record<string, string> = {};
    for (const [name, policy] of [['forbid', 'Forbid'], ['replace', 'Replace']]) {
      await k.run(['apply', '-f', '-'], cronYaml(name, policy));
      await k.run(['create', 'job', `${name}-prev`, `--from=cronjob/${name}`]);
      const prev = await job(`${name}-prev`);
      first[name] = prev.metadata.uid;
      const ref = { kind: 'Job', apiVersion: 'batch/v1', namespace: 'default', name: `${name}-prev`, uid: prev.metadata.uid };
      await k.run(['patch', 'cronjob', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { active: [ref] } })]);
    }
    type CJ = { status?: { active?: { name: string; uid: string }[]; lastScheduleTime?: string } };
    // Replace: at the next minute the previous run is deleted and a run named for that minute starts.
    const replaced = await waitFor('replace ticked', async () => {
      const cj = await k.json<CJ>(['get', 'cronjob', 'replace']);
      return cj.status?.lastScheduleTime ? cj : undefined;
    }, 150_000, 1000);
    const minutes = Date.parse(replaced.status!.lastScheduleTime!) / 60_000;
    assert.deepEqual(replaced.status?.active?.map((r) => r.name), [`replace-${minutes}`]);
    await waitFor('the previous run deleted', async () => !(await k.out(['get', 'jobs', '-o', 'name'])).includes('job.batch/replace-prev'), 60_000);
    const run = await job(`replace-${minutes}`);
    assert.equal(run.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], replaced.status!.lastScheduleTime);
    // Forbid: the same tick is skipped while the previous run is active.
    await waitFor('forbid skipped', async () => {
      const ev = await k.out(['get', 'events', '--field-selector', 'involvedObject.name=forbid', '-o', 'jsonpath={.items[*].reason}']);
      return ev.includes('JobAlreadyActive');
    }, 60_000);
    const forbid = await k.json<CJ>(['get', 'cronjob', 'forbid']);
    assert.deepEqual(forbid.status?.active?.map((r) => r.uid), [first.forbid]);
    assert.equal(forbid.status?.lastScheduleTime, undefined);
    const jobs = (await k.out(['get', 'jobs', '-o', 'name'])).split('\n').filter((n) => n.startsWith('job.batch/forbid'));
    assert.deepEqual(jobs, ['job.batch/forbid-prev']);
  });
});
