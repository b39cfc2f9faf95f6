// Field-number tables of batch/v1 Job and CronJob, so that `kubectl create job` (also --from=cronjob)
// and `kubectl create cronjob` work: kubectl sends those kinds as protobuf. Written from the public
// field numbers of k8s.io/api/batch/v1 generated.proto (and core/v1's ObjectReference).
import type { FieldSpec, MessageTable } from './protobuf-messages';

const s = (name: string): FieldSpec => ({ name, type: 'string' });
const ps = (name: string): FieldSpec => ({ name, type: 'string', ptr: true });
const rs = (name: string): FieldSpec => ({ name, type: 'string', repeated: true });
const i32 = (name: string, ptr = false): FieldSpec => ({ name, type: 'int32', ptr });
const i64 = (name: string, ptr = false): FieldSpec => ({ name, type: 'int64', ptr });
const b = (name: string, ptr = false): FieldSpec => ({ name, type: 'bool', ptr });
const t = (name: string): FieldSpec => ({ name, type: 'time' });
const m = (name: string, message: string, repeated = false): FieldSpec => ({ name, type: { message }, repeated });

export const BATCH_MESSAGES: Record<string, MessageTable> = {
  Job: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec'), 3: m('status', 'JobStatus') },
  // Every optional scalar of JobSpec is a Go pointer: a zero that arrives is meaningful (backoffLimit: 0).
  JobSpec: {
    1: i32('parallelism', true), 2: i32('completions', true), 3: i64('activeDeadlineSeconds', true), 4: m('selector', 'LabelSelector'),
    5: b('manualSelector', true), 6: m('template', 'PodTemplateSpec'), 7: i32('backoffLimit', true), 8: i32('ttlSecondsAfterFinished', true),
    9: ps('completionMode'), 10: b('suspend', true), 11: m('podFailurePolicy', 'PodFailurePolicy'), 12: i32('backoffLimitPerIndex', true),
    13: i32('maxFailedIndexes', true), 14: ps('podReplacementPolicy'), 15: ps('managedBy'), 16: m('successPolicy', 'SuccessPolicy'),
  },
  JobStatus: {
    1: m('conditions', 'JobCondition', true), 2: t('startTime'), 3: t('completionTime'), 4: i32('active'), 5: i32('succeeded'), 6: i32('failed'),
    7: s('completedIndexes'), 8: m('uncountedTerminatedPods', 'UncountedTerminatedPods'), 9: i32('ready', true), 10: ps('failedIndexes'),
    11: i32('terminating', true),
  },
  JobCondition: { 1: s('type'), 2: s('status'), 3: t('lastProbeTime'), 4: t('lastTransitionTime'), 5: s('reason'), 6: s('message') },
  UncountedTerminatedPods: { 1: rs('succeeded'), 2: rs('failed') },
  PodFailurePolicy: { 1: m('rules', 'PodFailurePolicyRule', true) },
  PodFailurePolicyRule: { 1: s('action'), 2: m('onExitCodes', 'PodFailurePolicyOnExitCodesRequirement'), 3: m('onPodConditions', 'PodFailurePolicyOnPodConditionsPattern', true) },
  PodFailurePolicyOnExitCodesRequirement: { 1: ps('containerName'), 2: s('operator'), 3: { name: 'values', type: 'int32', repeated: true } },
  PodFailurePolicyOnPodConditionsPattern: { 1: s('type'), 2: s('status') },
  SuccessPolicy: { 1: m('rules', 'SuccessPolicyRule', true) },
  SuccessPolicyRule: { 1: ps('succeededIndexes'), 2: i32('succeededCount', true) },

  CronJob: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'CronJobSpec'), 3: m('status', 'CronJobStatus') },
  CronJobSpec: {
    1: s('schedule'), 2: i64('startingDeadlineSeconds', true), 3: s('concurrencyPolicy'), 4: b('suspend', true), 5: m('jobTemplate', 'JobTemplateSpec'),
    6: i32('successfulJobsHistoryLimit', true), 7: i32('failedJobsHistoryLimit', true), 8: ps('timeZone'),
  },
  JobTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec') },
  CronJobStatus: { 1: m('active', 'ObjectReference', true), 4: t('lastScheduleTime'), 5: t('lastSuccessfulTime') },
  ObjectReference: { 1: s('kind'), 2: s('namespace'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: s('resourceVersion'), 7: s('fieldPath') },
};

export const BATCH_TOP_LEVEL: Record<string, string> = {
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
};
