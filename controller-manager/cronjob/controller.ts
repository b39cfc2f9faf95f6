// The CronJob controller: creates a Job for each scheduled time, keeps status.active,
// lastScheduleTime and lastSuccessfulTime, applies the concurrency policy and the history limits.
// Each CronJob is re-queued for its next scheduled time (plus 100 ms), as upstream's v2 controller
// does, instead of polling every CronJob every few seconds.
import { Resources } from '../../lib/api/resources';
import type { CronJob, Job, ObjectReference } from '../../lib/api/batch';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound, isAlreadyExists } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { canonicalJson, controllerRefOf } from '../common/pod-utils';
import { rfc3339 } from '../../lib/api/pod-conditions';
import { childJobs, historyToDelete, jobFromTemplate, jobRef, reconcileActive, scheduleDecision, type CronEvent } from './plan';

export class CronJobController {
  private readonly log = componentLogger('cronjob-controller');
  private readonly queue = new WorkQueue({ name: 'cronjob' });
  private readonly written = new Map<string, CronJob>();

  constructor(
    private readonly client: ApiClient,
    private readonly cronJobs: Informer<CronJob>,
    private readonly jobs: Informer<Job>,
    private readonly recorder: EventRecorder,
    /** The clock (unit tests pass a fake one). */
    private readonly now: () => number = Date.now,
  ) {}

  start(workers = 1): void {
    this.cronJobs.addHandler({
      onAdd: (cj) => this.queue.add(keyOf(cj)),
      onUpdate: (_o, cj) => this.queue.add(keyOf(cj)),
      onDelete: (cj) => this.written.delete(keyOf(cj)),
    });
    const owner = (j: Job) => {
      const ref = controllerRefOf(j);
      if (ref?.kind === 'CronJob') this.queue.add(`${j.metadata.namespace}/${ref.name}`);
    };
    this.jobs.addHandler({ onAdd: owner, onUpdate: (_o, j) => owner(j), onDelete: owner });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  private freshest(key: string, cached: CronJob): CronJob {
    const w = this.written.get(key);
    if (w && w.metadata.uid === cached.metadata.uid && Number(w.metadata.resourceVersion) > Number(cached.metadata.resourceVersion)) return w;
    this.written.delete(key);
    return cached;
  }

  private emit(cj: CronJob, events: CronEvent[]): void {
    for (const [type, reason, message] of events) this.recorder.event(cj, type, reason, message);
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.cronJobs.get(namespace, name);
    if (!cached) return;
    const base = this.freshest(key, cached);
    let cj = base;
    const original = cj.status ?? {};
    const children = childJobs(cj, this.jobs.list(namespace));
    const act = reconcileActive(cj, children);
    this.emit(cj, act.events);
    let active = act.active;
    for (const ref of act.missing) {
      // The cache may simply be behind: only a Job the apiserver does not have is missing.
      if (await this.jobExists(ref)) continue;
      this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      active = active.filter((r) => r.uid !== ref.uid);
    }
    cj = { ...cj, status: { ...original, active, lastSuccessfulTime: act.lastSuccessfulTime } };

    const d = scheduleDecision(cj, this.now());
    this.emit(cj, d.events);
    if (d.action === 'create') {
      if (d.replace) {
        for (const ref of cj.status!.active ?? []) {
          await this.deleteJob(cj, ref.name!);
          active = active.filter((r) => r.uid !== ref.uid);
        }
        cj = { ...cj, status: { ...cj.status, active } };
      }
      const created = await this.createJob(cj, d.scheduled);
      if (created) cj = { ...cj, status: { ...cj.status, active: [...active.filter((r) => r.uid !== created.metadata.uid), jobRef(created)], lastScheduleTime: rfc3339(d.scheduled) } };
    }

    // Finished Jobs beyond the history limits go, oldest first.
    for (const j of historyToDelete(cj, children)) {
      await this.deleteJob(cj, j.metadata.name!);
      cj = { ...cj, status: { ...cj.status, active: (cj.status?.active ?? []).filter((r) => r.uid !== j.metadata.uid) } };
    }
    await this.writeStatus(key, base, cj);
    if (d.requeueMs !== undefined) this.queue.addAfter(key, d.requeueMs);
  }

  private async jobExists(ref: ObjectReference): Promise<boolean> {
    try {
      const j = await this.client.get<Job>(Resources.jobs, ref.namespace, ref.name!);
      return j.metadata.uid === ref.uid;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Creates the run's Job; an existing one of the same name that is ours counts as created. */
  private async createJob(cj: CronJob, scheduled: number): Promise<Job | undefined> {
    const want = jobFromTemplate(cj, scheduled);
    try {
      const j = await this.client.create<Job>(Resources.jobs, want);
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${j.metadata.name}`);
      this.log.info({ cronjob: keyOf(cj), job: j.metadata.name, scheduled: rfc3339(scheduled) }, 'created job');
      return j;
    } catch (err) {
      if (!isAlreadyExists(err)) {
        this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
        throw err;
      }
      const j = await this.client.get<Job>(Resources.jobs, cj.metadata.namespace, want.metadata.name!);
      return controllerRefOf(j)?.uid === cj.metadata.uid ? j : undefined;
    }
  }

  private async deleteJob(cj: CronJob, name: string): Promise<void> {
    try {
      await this.client.delete(Resources.jobs, cj.metadata.namespace, name, { propagationPolicy: 'Background' });
      this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
    } catch (err) {
      if (!isNotFound(err)) {
        this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
        throw err;
      }
    }
  }

  private async writeStatus(key: string, stored: CronJob, cj: CronJob): Promise<void> {
    const clean = (s: CronJob['status']) => {
      const out = { ...(s ?? {}) };
      if (!out.active?.length) delete out.active;
      for (const k of Object.keys(out) as (keyof typeof out)[]) if (out[k] === undefined) delete out[k];
      return out;
    };
    const status = clean(cj.status);
    if (canonicalJson(clean(stored.status)) === canonicalJson(status)) return;
    try {
      const out = await this.client.updateStatus<CronJob>(Resources.cronjobs, { ...cj, status });
      this.written.set(key, out);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
