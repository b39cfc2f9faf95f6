import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { JOB_TRACKING_FINALIZER, type Job } from '../../lib/api/batch';
import { Resources } from '../../lib/api/resources';
import { Informer } from '../../lib/client/informer';
import { EventRecorder } from '../../lib/client/event-recorder';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { settle, waitFor } from '../../test/fixtures/controller-manager/objects';
import { JobController } from './controller';

function mkJob(name: string, spec: Partial<Job['spec']>): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    // A manual selector stands in for the one the apiserver generates from the uid.
    spec: {
      completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', manualSelector: true, selector: { matchLabels: { job: name } },
      template: { metadata: { labels: { job: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } }, ...spec,
    },
  };
}

/** Runs a Job controller on the fake cluster; returns its stop function. */
async function run(client: FakeApiClient, backoffBaseMs = 10): Promise<() => Promise<void>> {
  const jobs = new Informer<Job>(client, Resources.jobs);
  const pods = new Informer<Pod>(client, Resources.pods);
  const c = new JobController(client, jobs, pods, new EventRecorder(client, { component: 'job-controller' }), { backoffBaseMs });
  await Promise.all([jobs.start(), pods.start()]);
  c.start();
  return async () => {
    jobs.stop();
    pods.stop();
    await c.stop();
  };
}

const finish = (client: FakeApiClient, p: Pod, phase: 'Succeeded' | 'Failed', exitCode = phase === 'Succeeded' ? 0 : 1) =>
  client.mutate<Pod>(Resources.pods, 'default', p.metadata.name!, (x) => {
    x.status = { phase, containerStatuses: [{ name: 'c', state: { terminated: { exitCode, finishedAt: new Date().toISOString() } }, ready: false, restartCount: 0, image: 'i', imageID: '' }] };
  });

describe('job controller', () => {
  let client: FakeApiClient;
  let stop: (() => Promise<void>) | undefined;
  beforeEach(() => {
    client = new FakeApiClient();
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  const pods = () => client.all<Pod>(Resources.pods, 'default');
  const job = (name: string) => client.peek<Job>(Resources.jobs, 'default', name)!;
  const running = () => pods().filter((p) => !p.status?.phase || p.status.phase === 'Running' || p.status.phase === 'Pending');
  const cond = (name: string, type: string) => (job(name).status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');

  it('runs completions at parallelism, counts each pod once, and completes', async () => {
    stop = await run(client);
    client.seed(Resources.jobs, mkJob('pi', { completions: 3, parallelism: 2 }));
    await waitFor(() => pods().length === 2, '2 pods');
    assert.ok(pods().every((p) => p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) && p.metadata.ownerReferences?.[0].kind === 'Job'));
    for (const p of running()) finish(client, p, 'Succeeded');
    await waitFor(() => pods().length === 3, 'third pod');
    for (const p of running()) finish(client, p, 'Succeeded');
    await waitFor(() => cond('pi', 'Complete'), 'Complete');
    const s = job('pi').status!;
    assert.equal(s.succeeded, 3);
    assert.equal(s.active, 0);
    assert.ok(s.completionTime && s.startTime);
    assert.deepEqual(s.uncountedTerminatedPods, { succeeded: [], failed: [] });
    assert.ok(cond('pi', 'SuccessCriteriaMet'));
    assert.ok(pods().every((p) => !p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)), 'finalizers removed');
  });

  it('keeps its count across a controller restart (the finalizer is the record)', async () => {
    stop = await run(client);
    client.seed(Resources.jobs, mkJob('r', { completions: 2, parallelism: 2 }));
    await waitFor(() => pods().length === 2, '2 pods');
    finish(client, pods()[0], 'Succeeded');
    await waitFor(() => job('r').status?.succeeded === 1, 'one counted');
    await stop();
    stop = await run(client);
    await settle(50);
    assert.equal(job('r').status?.succeeded, 1, 'not counted again after a restart');
    finish(client, running()[0], 'Succeeded');
    await waitFor(() => cond('r', 'Complete'), 'Complete');
    assert.equal(job('r').status?.succeeded, 2);
  });

  it('fails after backoffLimit with FailureTarget then Failed', async () => {
    stop = await run(client);
    client.seed(Resources.jobs, mkJob('f', { backoffLimit: 1 }));
    for (let i = 1; i <= 2; i++) {
      await waitFor(() => running().length === 1, `pod ${i}`);
      finish(client, running()[0], 'Failed');
    }
    await waitFor(() => cond('f', 'Failed'), 'Failed');
    const c = job('f').status!.conditions!.find((x) => x.type === 'Failed')!;
    assert.equal(c.reason, 'BackoffLimitExceeded');
    assert.ok(cond('f', 'FailureTarget'));
    assert.equal(job('f').status!.failed, 2);
    assert.equal(pods().length, 2);
  });

  it('gives each pod of an Indexed Job its index and records completedIndexes', async () => {
    stop = await run(client);
    client.seed(Resources.jobs, mkJob('ix', { completionMode: 'Indexed', completions: 3, parallelism: 3 }));
    await waitFor(() => pods().length === 3, '3 pods');
    assert.deepEqual(pods().map((p) => p.spec.hostname).sort(), ['ix-0', 'ix-1', 'ix-2']);
    for (const p of running()) finish(client, p, 'Succeeded');
    await waitFor(() => cond('ix', 'Complete'), 'Complete');
    assert.equal(job('ix').status!.completedIndexes, '0-2');
  });

  it('suspends (deleting active pods) and resumes', async () => {
    stop = await run(client);
    client.seed(Resources.jobs, mkJob('s', { completions: 2, parallelism: 2 }));
    await waitFor(() => pods().length === 2, '2 pods');
    client.mutate<Job>(Resources.jobs, 'default', 's', (j) => (j.spec.suspend = true));
    await waitFor(() => cond('s', 'Suspended'), 'Suspended');
    // The fake has no kubelet: deleted pods wait on their finalizer until counted and released.
    await waitFor(() => pods().length === 0, 'pods gone');
    client.mutate<Job>(Resources.jobs, 'default', 's', (j) => (j.spec.suspend = false));
    await waitFor(() => running().length === 2, 'pods again');
    const sc = job('s').status!.conditions!.find((c) => c.type === 'Suspended')!;
    assert.deepEqual([sc.status, sc.reason], ['False', 'JobResumed']);
  });
  it('adopts a matching orphan (reference and tracking finalizer), counts it, and releases a relabelled pod', async () => {
    stop = await run(client);
    const bare: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'default', labels: { job: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    client.seed(Resources.pods, bare);
    finish(client, bare, 'Succeeded');
    client.seed(Resources.jobs, mkJob('a', { completions: 2, parallelism: 1 }));
    await waitFor(() => job('a').status?.succeeded === 1, 'the adopted pod counted');
    const adopted = client.peek<Pod>(Resources.pods, 'default', 'bare')!;
    assert.deepEqual(adopted.metadata.ownerReferences?.map((r) => [r.kind, r.uid, r.controller]), [['Job', job('a').metadata.uid, true]]);
    assert.ok(!adopted.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER), 'finalizer removed once counted');
    await waitFor(() => running().length === 1, 'one pod of its own');
    const mine = running()[0];
    client.mutate<Pod>(Resources.pods, 'default', mine.metadata.name!, (p) => (p.metadata.labels = { job: 'elsewhere' }));
    await waitFor(() => !client.peek<Pod>(Resources.pods, 'default', mine.metadata.name!)!.metadata.ownerReferences?.length, 'released');
    const released = client.peek<Pod>(Resources.pods, 'default', mine.metadata.name!)!;
    assert.ok(!released.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER), 'a released pod loses the finalizer');
    await waitFor(() => running().filter((p) => p.metadata.labels?.job === 'a').length === 1, 'a replacement');
    assert.equal(job('a').status?.succeeded, 1);
  });
});
