// core/v1 ReplicationController: the ReplicaSet's predecessor, still served by Kubernetes for older
// manifests and clients. Its selector is a plain label map (not a LabelSelector) that may change,
// and that is defaulted from the template's labels, as are the object's own labels. Scale is served
// by the registry from spec/status.replicas, its selector rendered from the map.
import type { KObject, ReplicationController } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Int, StrMap, PodTemplateSpec, conditionSchema, obj, list, opt, named } from './schemas';
import { defaultPodTemplate, validatePodTemplate } from './pod-spec';
import { invalid, notSupported, required, type FieldError } from './field-errors';
import { nonNegativeInt } from './validation';
import { statusCounters } from './validation-workloads';
import { CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN, formatLabels, templateCells } from './printing';

type Obj = Record<string, any>;
const isMap = (m: unknown): m is Record<string, unknown> => !!m && typeof m === 'object' && !Array.isArray(m);
const nonEmpty = (m: unknown): m is Record<string, unknown> => isMap(m) && Object.keys(m).length > 0;

/**
 * SetDefaults_ReplicationController: with template labels, an empty selector and empty object
 * labels both become the template's labels; replicas default to 1. Applied on create and update,
 * as upstream applies defaults at decoding.
 */
export function defaultReplicationController(rc: Obj): void {
  const spec = rc.spec;
  if (!isMap(spec)) return;
  const templateLabels = (spec.template as Obj | undefined)?.metadata?.labels;
  if (isMap(templateLabels)) {
    if (!nonEmpty(spec.selector)) spec.selector = { ...templateLabels };
    rc.metadata ??= {};
    if (!nonEmpty(rc.metadata.labels)) rc.metadata.labels = { ...templateLabels };
  }
  spec.replicas ??= 1;
  spec.minReadySeconds ??= 0;
  defaultPodTemplate(spec.template);
}

/** Whether every selector entry is among the labels (a map selector, as labels.SelectorFromSet). */
const mapMatches = (sel: Record<string, unknown>, labels: unknown): boolean =>
  Object.entries(sel).every(([k, v]) => isMap(labels) && labels[k] === v);

/**
 * ValidateReplicationControllerSpec: non-negative minReadySeconds and replicas, a non-empty selector
 * of valid labels that the template's labels satisfy, a template that restarts Always and has no
 * active deadline. Unlike a ReplicaSet's, the selector may change on update.
 */
export function validateReplicationController(o: KObject): FieldError[] {
  const spec = (o as Obj).spec as Obj | undefined;
  if (!isMap(spec)) return [required('spec')];
  const errs: FieldError[] = [...nonNegativeInt('spec.minReadySeconds', spec.minReadySeconds)];
  const sel = spec.selector;
  if (sel !== undefined && sel !== null && !isMap(sel)) errs.push(invalid('spec.selector', sel, 'must be a map of strings'));
  else if (!nonEmpty(sel)) errs.push(required('spec.selector'));
  errs.push(...nonNegativeInt('spec.replicas', spec.replicas));
  const tmpl = spec.template as Obj;
  if (!isMap(spec.template)) {
    errs.push(required('spec.template'));
    return errs;
  }
  if (nonEmpty(sel) && !mapMatches(sel, tmpl.metadata?.labels))
    errs.push(invalid('spec.template.metadata.labels', tmpl.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  errs.push(...validatePodTemplate(tmpl, 'spec.template'));
  const rp = tmpl.spec?.restartPolicy;
  if (rp !== undefined && rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  const ads = tmpl.spec?.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null) errs.push(invalid('spec.template.spec.activeDeadlineSeconds', ads, 'must not be specified'));
  return errs;
}

const RC_COUNTERS = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'];

const ReplicationControllerStatus = named(
  'io.k8s.api.core.v1.ReplicationControllerStatus',
  obj(
    {
      replicas: opt(Int, 'The most recently observed number of replicas.'),
      fullyLabeledReplicas: opt(Int, 'The number of pods that have labels matching the labels of the pod template of the replication controller.'),
      readyReplicas: opt(Int, 'The number of ready replicas for this replication controller.'),
      availableReplicas: opt(Int, 'The number of available replicas (ready for at least minReadySeconds) for this replication controller.'),
      observedGeneration: opt(Int, 'The generation of the most recently observed replication controller.'),
      conditions: opt(list(conditionSchema('io.k8s.api.core.v1.ReplicationControllerCondition', ['lastTransitionTime'])), "The latest available observations of a replication controller's current state."),
    },
    'The current status of a replication controller.',
  ),
);

const ReplicationControllerSpec = named(
  'io.k8s.api.core.v1.ReplicationControllerSpec',
  Type.Object(
    {
      replicas: opt(Int, 'The number of desired replicas. Defaults to 1.'),
      minReadySeconds: opt(Int, 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.'),
      selector: opt(StrMap, "Label keys and values that must match in order to be controlled by this replication controller; defaulted to the labels of the pod template when empty."),
      template: opt(PodTemplateSpec, 'The pod created when too few replicas are found. Its restartPolicy must be Always.'),
    },
    { additionalProperties: true, description: 'The specification of a replication controller.' },
  ),
);

export const replicationcontrollers = defineResource({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  resource: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  subresources: ['status', 'scale'],
  hasStatus: true,
  schema: kindSchema({ spec: ReplicationControllerSpec, status: ReplicationControllerStatus }, 'ReplicationController represents the configuration of a replication controller.'),
  printerColumns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'Number of desired pods.'),
    col('Current', 'integer', 'Number of actually running pods.'),
    col('Ready', 'integer', 'Number of ready pods.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  printRow: (o) => {
    const rc = o as ReplicationController;
    return [rc.metadata.name, rc.spec?.replicas ?? 1, rc.status?.replicas ?? 0, rc.status?.readyReplicas ?? 0, objAge(rc), ...templateCells(rc.spec?.template), formatLabels(rc.spec?.selector)];
  },
  // Upstream's selectable fields of a ReplicationController.
  fieldSelectors: { 'status.replicas': (o) => String((o as ReplicationController).status?.replicas ?? 0) },
  defaults: (o) => defaultReplicationController(o as Obj),
  prepareForCreate: (o) => {
    (o as ReplicationController).status = { replicas: 0 };
  },
  validate: validateReplicationController,
  validateStatus: (o) => statusCounters((o as ReplicationController).status, RC_COUNTERS),
  generationSource: (o) => (o as ReplicationController).spec,
});
