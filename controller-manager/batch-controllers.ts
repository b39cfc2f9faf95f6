// The batch controllers (job, cronjob, ttl-after-finished) over the controller-manager's shared
// informers: the Job informer is created once, by whichever of them starts first.
import type { KObject, Pod } from '../lib/api/types';
import type { CronJob, Job } from '../lib/api/batch';
import { Resources } from '../lib/api/resources';
import type { ApiClient } from '../lib/client/api-client';
import type { Informer } from '../lib/client/informer';
import type { EventRecorder } from '../lib/client/event-recorder';
import { warnInvalid } from './common/invalid-objects';
import { JobController } from './job/controller';
import { CronJobController } from './cronjob/controller';
import { TtlAfterFinishedController } from './ttl-after-finished/controller';

type Controller = { start(): void; stop(): Promise<void> };

export interface BatchDeps {
  client: ApiClient;
  pods: Informer<Pod>;
  inf: <T extends KObject>(rt: (typeof Resources)[keyof typeof Resources], namespace?: string) => Informer<T>;
  recorder: (component: string) => EventRecorder;
  jobBackoffBaseMs?: number;
}

export function batchControllers(d: BatchDeps): Record<string, () => Controller> {
  let jobs: Informer<Job> | undefined;
  const jobInformer = () => (jobs ??= d.inf<Job>(Resources.jobs));
  return {
    job: () => {
      const events = d.recorder('job-controller');
      const informer = jobInformer();
      informer.addHandler({ onInvalid: (raw, problems) => warnInvalid(events, raw, 'Job', 'batch/v1', 'job-controller', problems) });
      return new JobController(d.client, informer, d.pods, events, { backoffBaseMs: d.jobBackoffBaseMs });
    },
    cronjob: () => {
      const events = d.recorder('cronjob-controller');
      const cronJobs = d.inf<CronJob>(Resources.cronjobs);
      cronJobs.addHandler({ onInvalid: (raw, problems) => warnInvalid(events, raw, 'CronJob', 'batch/v1', 'cronjob-controller', problems) });
      return new CronJobController(d.client, cronJobs, jobInformer(), events);
    },
    'ttl-after-finished': () => new TtlAfterFinishedController(d.client, jobInformer()),
  };
}
