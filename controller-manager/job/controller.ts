// The Job controller: runs each Job's pods to completion. Handlers only enqueue Job keys; one
// reconcile re-reads the cache, asks job-plan.ts what to do, creates or deletes pods, and tracks
// finished pods through the batch.kubernetes.io/job-tracking finalizer: a finished pod's UID is
// written into status.uncountedTerminatedPods before its finalizer is removed, and moves into the
// counters only once the finalizer is gone — so no pod counts twice, even across a restart.
import type { Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { isJobFinished, JOB_CONTROLLER_NAME, JOB_TRACKING_FINALIZER, type Job, type JobCondition, type JobStatus } from '../../lib/api/batch';
import { rfc3339 } from '../../lib/api/pod-conditions';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound } from '../../lib/errors';
import { selectorMatches } from '../../lib/api/labels';
import { componentLogger } from '../../lib/log';
import { Expectations } from '../common/expectations';
import { canonicalJson, controllerRefOf, deepCopy, isPodReady } from '../common/pod-utils';
import { adoptPatch, claimJobPods, hasTrackingFinalizer, ownedPods, podForJob, releasePatch } from './job-pods';
import {
  DEFAULT_JOB_BACKOFF, countPods, countUncounted, finalCondition, isComplete, isSuspended, planPodChanges, successCondition, suspendCondition,
  terminalCondition, trackFinishedPods, withInterim, type JobPlanConfig,
} from './job-plan';

export interface JobControllerOptions extends Partial<JobPlanConfig> {
  /** The clock (unit tests pass a fake one). */
  now?: () => number;
}

export class JobController {
  private readonly log = componentLogger('job-controller');
  private readonly queue = new WorkQueue({ name: 'job' });
  /** Pods whose Job is gone: their finalizer must go, or they would never be deleted. */
  private readonly orphans = new WorkQueue({ name: 'job-orphan-pod' });
  private readonly expectations = new Expectations();
  /** The status this controller last wrote, so a sync never works from an older cached copy. */
  private readonly written = new Map<string, Job>();
  private readonly cfg: JobPlanConfig;
  private readonly now: () => number;

  constructor(
    private readonly client: ApiClient,
    private readonly jobs: Informer<Job>,
    private readonly pods: Informer<Pod>,
    private readonly recorder: EventRecorder,
    opts: JobControllerOptions = {},
  ) {
    this.cfg = { backoffBaseMs: opts.backoffBaseMs ?? DEFAULT_JOB_BACKOFF.backoffBaseMs, backoffMaxMs: opts.backoffMaxMs ?? DEFAULT_JOB_BACKOFF.backoffMaxMs };
    this.now = opts.now ?? Date.now;
  }

  start(workers = 2): void {
    this.jobs.addHandler({
      onAdd: (j) => this.queue.add(keyOf(j)),
      onUpdate: (_o, j) => this.queue.add(keyOf(j)),
      onDelete: (j) => {
        this.expectations.delete(keyOf(j));
        this.written.delete(keyOf(j));
        for (const p of ownedPods(j, this.pods.list(j.metadata.namespace))) if (hasTrackingFinalizer(p)) this.orphans.add(keyOf(p));
      },
    });
    this.pods.addHandler({
      onAdd: (p) => {
        const k = this.ownerKey(p);
        if (k) this.expectations.creationObserved(k);
        this.enqueueFor(p);
      },
      onUpdate: (o, p) => {
        const k = this.ownerKey(p);
        if (k && p.metadata.deletionTimestamp && !o.metadata.deletionTimestamp) this.expectations.deletionObserved(k, keyOf(p));
        // A relabelled or released pod concerns the Jobs it matched or belonged to before, too.
        this.enqueueFor(o);
        this.enqueueFor(p);
      },
      onDelete: (p) => {
        const k = this.ownerKey(p);
        if (k) this.expectations.deletionObserved(k, keyOf(p));
        this.enqueueFor(p);
      },
    });
    this.queue.run(workers, (k) => this.reconcile(k));
    this.orphans.run(1, (k) => this.releaseOrphan(k));
  }

  async stop(): Promise<void> {
    await Promise.all([this.queue.shutdown(), this.orphans.shutdown()]);
  }

  private ownerKey(p: Pod): string | undefined {
    const ref = controllerRefOf(p);
    return ref && ref.kind === 'Job' && ref.apiVersion?.startsWith('batch/') ? `${p.metadata.namespace}/${ref.name}` : undefined;
  }

  /** The owner Job of a pod, or, for an orphan, every Job whose selector matches it (it may adopt the pod). */
  private enqueueFor(p: Pod): void {
    if (!controllerRefOf(p)) {
      if (p.metadata.deletionTimestamp) return;
      for (const j of this.jobs.list(p.metadata.namespace)) if (selectorMatches(j.spec.selector, p.metadata.labels)) this.queue.add(keyOf(j));
      return;
    }
    const k = this.ownerKey(p);
    if (!k) return;
    const { namespace, name } = splitKey(k);
    const j = this.jobs.get(namespace, name);
    const uid = controllerRefOf(p)!.uid;
    if (j && j.metadata.uid === uid) this.queue.add(k);
    else if (hasTrackingFinalizer(p)) this.orphans.add(keyOf(p));
  }

  /** The cached Job, or the copy this controller wrote last when the cache has not caught up. */
  private freshest(key: string, cached: Job): Job {
    const w = this.written.get(key);
    if (w && w.metadata.uid === cached.metadata.uid && Number(w.metadata.resourceVersion) > Number(cached.metadata.resourceVersion)) return w;
    this.written.delete(key);
    return cached;
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.jobs.get(namespace, name);
    if (!cached) {
      this.expectations.delete(key);
      this.written.delete(key);
      return;
    }
    const job = this.freshest(key, cached);
    if (job.spec.managedBy !== undefined && job.spec.managedBy !== JOB_CONTROLLER_NAME) return;
    if (isJobFinished(job)) {
      // Counted pods lost their finalizer before the Job finished; anything left is released.
      await this.removeFinalizers(ownedPods(job, this.pods.list(namespace)).filter(hasTrackingFinalizer));
      return;
    }
    const pods = await this.claimPods(job, this.pods.list(namespace));
    const mode = job.spec.completionMode ?? 'NonIndexed';
    if (mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    await this.sync(key, job, pods);
  }

  /**
   * Upstream's ControllerRefManager for Jobs: adopts matching orphans (controller reference and
   * tracking finalizer, so an adopted pod is counted like one of ours) and releases pods that no
   * longer match (reference and finalizer removed). Returns the pods this sync works with, the
   * adopted ones as the apiserver returned them (their new resourceVersion guards later patches).
   */
  private async claimPods(job: Job, all: Pod[]): Promise<Pod[]> {
    const claim = claimJobPods(job, all);
    const pods = [...claim.owned];
    if (claim.adopt.length && (await this.canAdopt(job))) {
      for (const p of claim.adopt) {
        const adopted = await this.patchPod(p, adoptPatch(job, p));
        if (adopted) pods.push(adopted);
        this.log.info({ job: keyOf(job), pod: p.metadata.name }, 'adopted pod');
      }
    }
    for (const p of claim.release) {
      await this.patchPod(p, releasePatch(job, p));
      this.log.info({ job: keyOf(job), pod: p.metadata.name }, 'released pod');
    }
    return pods;
  }

  /** Adoption is decided on a live read (upstream's RecheckDeletionTimestamp): the cache may not show a deletion yet. */
  private async canAdopt(job: Job): Promise<boolean> {
    try {
      const fresh = await this.client.get<Job>(Resources.jobs, job.metadata.namespace, job.metadata.name!);
      return fresh.metadata.uid === job.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** A guarded merge patch of a pod; undefined when the pod is gone. */
  private async patchPod(p: Pod, patch: unknown): Promise<Pod | undefined> {
    try {
      return await this.client.patch<Pod>(Resources.pods, p.metadata.namespace, p.metadata.name!, 'merge', patch);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async sync(key: string, job: Job, pods: Pod[]): Promise<void> {
    const now = this.now();
    const satisfied = this.expectations.satisfied(key);
    const c = countPods(job, pods);
    let status: JobStatus = deepCopy(job.status ?? {});
    status.uncountedTerminatedPods ??= {};
    if (!status.startTime && !isSuspended(job)) status.startTime = rfc3339(now);
    const term = terminalCondition({ ...job, status }, pods, c, now);
    let finishing: JobCondition | undefined = term.condition;
    // Look again when the deadline passes (a little after, so the check sees it passed).
    if (term.deadlineInMs !== undefined) this.queue.addAfter(key, term.deadlineInMs + 50);

    let active = c.active.length;
    let ready = c.ready;
    let terminating = c.terminating;
    let manageErr: Error | undefined;
    if (finishing) {
      const r = await this.deletePods(job, key, c.active);
      if (r.deleted !== active || !satisfied) finishing = undefined; // not every pod is gone from view yet
      active -= r.deleted;
      ready -= r.deletedReady;
      terminating += r.deleted;
      manageErr = r.err;
    } else {
      let managed = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        managed = true;
        const changes = planPodChanges(job, pods, c, now, this.cfg);
        if (changes.backoffMs) this.queue.addAfter(key, changes.backoffMs);
        if (changes.remove.length) {
          const r = await this.deletePods(job, key, changes.remove);
          active -= r.deleted;
          ready -= r.deletedReady;
          terminating += r.deleted;
          manageErr = r.err;
        } else if (changes.create > 0) {
          const r = await this.createPods(job, key, changes.create, changes.indexes);
          active += r.created;
          manageErr = r.err;
        }
      }
      if (isComplete(job, c, active)) finishing = successCondition(now);
      else if (managed) {
        const s = suspendCondition({ ...job, status }, now);
        status.conditions = s.conditions;
        if (s.event) this.recorder.event(job, 'Normal', s.event[0], s.event[1]);
        // activeDeadlineSeconds counts time continuously active: a resumed Job starts anew.
        if (s.resumed) status.startTime = rfc3339(now);
      }
    }
    status.active = active;
    status.ready = ready;
    status.terminating = terminating;

    const tr = trackFinishedPods(job, status, pods, c, finishing);
    status = tr.status;
    if (finishing) status = withInterim(status, finishing);
    let current = await this.writeStatus(job, status);

    // Remove the finalizers of the pods now in the uncounted lists, then count those pods.
    const withFinalizer = new Set(pods.filter(hasTrackingFinalizer).map((p) => p.metadata.uid!));
    const removed = await this.removeFinalizers(tr.removeFinalizer);
    for (const uid of removed.done) withFinalizer.delete(uid);
    status = countUncounted(status, withFinalizer).status;
    const final = finalCondition(status, finishing, now);
    if (final) status = final;
    current = await this.writeStatus(current, status);
    if (final) this.recordFinished(current, final);
    if (removed.err) throw removed.err;
    if (manageErr) throw manageErr;
  }

  private recordFinished(job: Job, status: JobStatus): void {
    const complete = (status.conditions ?? []).find((x) => x.type === 'Complete' && x.status === 'True');
    if (complete) {
      if (job.spec.completions !== undefined && (status.succeeded ?? 0) > job.spec.completions)
        this.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      this.log.info({ job: keyOf(job), succeeded: status.succeeded }, 'job completed');
      return;
    }
    const failed = (status.conditions ?? []).find((x) => x.type === 'Failed' && x.status === 'True');
    if (failed) {
      this.recorder.event(job, 'Warning', failed.reason ?? 'Failed', failed.message ?? '');
      this.log.info({ job: keyOf(job), reason: failed.reason }, 'job failed');
    }
  }

  /** Writes the status when it differs from the stored one; returns the Job as stored now. */
  private async writeStatus(job: Job, status: JobStatus): Promise<Job> {
    if (canonicalJson(job.status ?? {}) === canonicalJson(status)) return job;
    try {
      const out = await this.client.updateStatus<Job>(Resources.jobs, { ...job, status });
      this.written.set(keyOf(out), out);
      return out;
    } catch (err) {
      if (isNotFound(err)) return { ...job, status };
      throw err;
    }
  }

  private async createPods(job: Job, key: string, count: number, indexes?: number[]): Promise<{ created: number; err?: Error }> {
    this.expectations.expect(key, count);
    let batch = 1;
    let created = 0;
    let next = 0;
    while (next < count) {
      const n = Math.min(batch, count - next);
      const slice = Array.from({ length: n }, (_, i) => indexes?.[next + i]);
      next += n;
      const results = await Promise.allSettled(slice.map((ix) => this.client.create(Resources.pods, podForJob(job, ix))));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const r of results) {
        if (r.status !== 'fulfilled') continue;
        created++;
        this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
      }
      if (failed.length) {
        // Neither the failed creates nor the skipped ones will ever be observed.
        for (let i = 0; i < failed.length + (count - next); i++) this.expectations.creationObserved(key);
        const msg = (failed[0].reason as Error).message;
        this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${msg}`);
        return { created, err: new Error(`creating pods for job ${key}: ${msg}`) };
      }
      batch *= 2;
    }
    this.log.info({ job: key, created }, 'created pods');
    return { created };
  }

  /** Deletes pods (their finalizer stays: the tracking step counts them and removes it). */
  private async deletePods(job: Job, key: string, pods: Pod[]): Promise<{ deleted: number; deletedReady: number; err?: Error }> {
    if (!pods.length) return { deleted: 0, deletedReady: 0 };
    this.expectations.expect(key, 0, pods.map(keyOf));
    let deleted = 0;
    let deletedReady = 0;
    let err: Error | undefined;
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.client.delete(Resources.pods, p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
          this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          this.expectations.deletionObserved(key, keyOf(p));
          if (!isNotFound(e)) {
            err = e as Error;
            return;
          }
        }
        deleted++;
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return { deleted, deletedReady, err };
  }

  /** Removes the tracking finalizer; a pod already gone counts as done. */
  private async removeFinalizers(pods: Pod[]): Promise<{ done: string[]; err?: Error }> {
    const done: string[] = [];
    let err: Error | undefined;
    await Promise.all(
      pods.map(async (p) => {
        const finalizers = (p.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
        try {
          // The resourceVersion makes the merge patch a compare-and-swap: a concurrent change is a conflict, not a loss.
          await this.client.patch(Resources.pods, p.metadata.namespace, p.metadata.name!, 'merge', {
            metadata: { finalizers, resourceVersion: p.metadata.resourceVersion },
          });
          done.push(p.metadata.uid!);
        } catch (e) {
          if (isNotFound(e)) done.push(p.metadata.uid!);
          else err = e as Error;
        }
      }),
    );
    return { done, err };
  }

  /** A pod whose Job is gone (checked against the apiserver, not only the cache) loses the finalizer. */
  private async releaseOrphan(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const p = this.pods.get(namespace, name);
    if (!p || !hasTrackingFinalizer(p)) return;
    const ref = controllerRefOf(p);
    if (ref?.kind === 'Job') {
      try {
        const j = await this.client.get<Job>(Resources.jobs, namespace, ref.name);
        if (j.metadata.uid === ref.uid && !isJobFinished(j)) return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    await this.removeFinalizers([p]);
    this.log.info({ pod: key }, 'released orphan pod');
  }
}
