// Jobs and CronJobs: the job spec's counts and deadlines, completion modes, the template (a pod
// template whose pods restart OnFailure or Never), the selector, and the CronJob schedule, time
// zone, policy and history limits — as batch validation words them.
import type { KObject } from '../../lib/api/types';
import { eachInvalid, invalid, notSupported, required, type FieldError } from './field-errors';
import { nonNegativeInt } from './validation';
import { validatePodTemplate } from './pod-spec';
import { labelSelector } from './validation-selectors';
import { cronScheduleErrors, timeZoneErrors } from './cron';

type Obj = Record<string, any>;
const present = (v: unknown): boolean => v !== undefined && v !== null;

/** validateJobSpec (also inside a CronJob's jobTemplate). */
export function validateJobSpec(spec: Obj | undefined, path: string): FieldError[] {
  if (!spec) return [required(path)];
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'])
    errs.push(...nonNegativeInt(`${path}.${k}`, spec[k]));
  if (present(spec.backoffLimitPerIndex) && spec.completionMode !== 'Indexed') errs.push(invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
  if (present(spec.maxFailedIndexes) && !present(spec.backoffLimitPerIndex)) errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  if (spec.completionMode !== undefined && !['NonIndexed', 'Indexed'].includes(spec.completionMode))
    errs.push(notSupported(`${path}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
  if (spec.completionMode === 'Indexed' && !present(spec.completions)) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
  if (spec.selector) errs.push(...labelSelector(spec.selector, `${path}.selector`));
  const tmpl = spec.template as Obj | undefined;
  if (!tmpl) return [...errs, required(`${path}.template`)];
  errs.push(...validatePodTemplate(tmpl, `${path}.template`));
  const rp = tmpl.spec?.restartPolicy;
  if (rp !== 'OnFailure' && rp !== 'Never')
    errs.push(
      rp === undefined || rp === 'Always'
        ? required(`${path}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"')
        : notSupported(`${path}.template.spec.restartPolicy`, rp, ['OnFailure', 'Never']),
    );
  return errs;
}

/** The status counters a job reports. */
export function jobStatusErrors(status: unknown): FieldError[] {
  const st = (status ?? {}) as Obj;
  return ['active', 'succeeded', 'failed', 'terminating', 'ready'].flatMap((k) => nonNegativeInt(`status.${k}`, st[k]));
}

const CONCURRENCY = ['Allow', 'Forbid', 'Replace'];

/** ValidateCronJobCreate / validateCronJobSpec. */
export function validateCronJob(o: KObject): FieldError[] {
  const spec = (o as Obj).spec as Obj | undefined;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  // The controller names jobs <cronjob>-<11 characters>, and job names are DNS labels.
  if ((o.metadata.name ?? '').length > 52) errs.push(invalid('metadata.name', o.metadata.name, 'must be no more than 52 characters'));
  if (!spec.schedule) errs.push(required('spec.schedule'));
  else errs.push(...eachInvalid('spec.schedule', spec.schedule, cronScheduleErrors(String(spec.schedule), spec.timeZone)));
  if (present(spec.timeZone)) errs.push(...eachInvalid('spec.timeZone', spec.timeZone, timeZoneErrors(String(spec.timeZone))));
  if (spec.concurrencyPolicy === '') errs.push(required('spec.concurrencyPolicy'));
  else if (present(spec.concurrencyPolicy) && !CONCURRENCY.includes(spec.concurrencyPolicy)) errs.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, CONCURRENCY));
  for (const k of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...nonNegativeInt(`spec.${k}`, spec[k]));
  errs.push(...validateJobSpec(spec.jobTemplate?.spec, 'spec.jobTemplate.spec'));
  if (spec.jobTemplate?.spec?.selector) errs.push(invalid('spec.jobTemplate.spec.selector', spec.jobTemplate.spec.selector, '`selector` will be auto-generated'));
  return errs;
}
