// apps/v1 ReplicaSet and Deployment: defaulting, validation (selector must match the template,
// selector immutable) and printing. Scale is served by the registry from spec/status.replicas.
import type { Deployment, KObject, ReplicaSet } from '../../lib/api/types';
import { selectorToString } from '../../lib/api/labels';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN, jsonEqual } from './common';
import { kindSchema, Type, Str, Int, Bool, LabelSelector, PodTemplateSpec, IntOrString, conditionSchema, obj, list, opt, named } from './schemas';
import type { TSchema } from '@sinclair/typebox';
import { defaultPodTemplate, validateWorkload } from './pod-spec';
import { immutable, type FieldError } from './validation';
import { deploymentRules, statusCounters } from './validation-workloads';

type Workload = ReplicaSet | Deployment;

const containersOf = (w: Workload) => w.spec?.template?.spec?.containers ?? [];
const wideCells = (w: Workload) => [
  containersOf(w).map((c) => c.name).join(',') || '<none>',
  containersOf(w).map((c) => c.image).join(',') || '<none>',
  w.spec?.selector ? selectorToString(w.spec.selector) || '<none>' : '<none>',
];
const wideColumns = [
  col('Containers', 'string', 'Names of each container in the template.', 1),
  col('Images', 'string', 'Images referenced by each container in the template.', 1),
  col('Selector', 'string', 'Label selector for pods.', 1),
];

function selectorImmutable(o: KObject, old: KObject): FieldError[] {
  const a = (old as Workload).spec?.selector;
  const b = (o as Workload).spec?.selector;
  return jsonEqual(a, b) ? [] : [immutable('spec.selector', b ?? {})];
}

const replicasDoc = {
  replicas: 'The number of non-terminated pods targeted by this object (their labels match the selector).',
  readyReplicas: 'The number of targeted pods with a Ready condition.',
  availableReplicas: 'The number of targeted pods ready for at least minReadySeconds.',
  observedGeneration: 'The most recent generation observed by the controller.',
};

const ReplicaSetStatus = named(
  'io.k8s.api.apps.v1.ReplicaSetStatus',
  obj(
    {
      replicas: opt(Int, replicasDoc.replicas),
      fullyLabeledReplicas: opt(Int, 'The number of pods whose labels match the labels of the pod template.'),
      readyReplicas: opt(Int, replicasDoc.readyReplicas),
      availableReplicas: opt(Int, replicasDoc.availableReplicas),
      observedGeneration: opt(Int, replicasDoc.observedGeneration),
      conditions: opt(list(conditionSchema('io.k8s.api.apps.v1.ReplicaSetCondition', ['lastTransitionTime'])), "The latest available observations of a replica set's current state."),
    },
    'The most recently observed status of a ReplicaSet.',
  ),
);

const DeploymentStatus = named(
  'io.k8s.api.apps.v1.DeploymentStatus',
  obj(
    {
      observedGeneration: opt(Int, replicasDoc.observedGeneration),
      replicas: opt(Int, replicasDoc.replicas),
      updatedReplicas: opt(Int, 'Total number of non-terminated pods that have the desired template spec.'),
      readyReplicas: opt(Int, replicasDoc.readyReplicas),
      availableReplicas: opt(Int, replicasDoc.availableReplicas),
      unavailableReplicas: opt(Int, 'Total number of pods still required for the deployment to have 100% available capacity.'),
      conditions: opt(list(conditionSchema('io.k8s.api.apps.v1.DeploymentCondition', ['lastUpdateTime', 'lastTransitionTime'])), "The latest available observations of a deployment's current state."),
      collisionCount: opt(Int, 'Count of hash collisions for the Deployment, used to pick a unique ReplicaSet name.'),
    },
    'The most recently observed status of the Deployment.',
  ),
);

const workloadSchema = (kind: string, extra: Record<string, TSchema>) =>
  kindSchema(
    {
      spec: named(
        `io.k8s.api.apps.v1.${kind}Spec`,
        Type.Object(
          {
            replicas: opt(Int, 'Number of desired pods. Defaults to 1.'),
            selector: opt(LabelSelector, "Label selector for pods. It must match the pod template's labels and is immutable."),
            template: opt(PodTemplateSpec, 'Template describes the pods that will be created.'),
            minReadySeconds: opt(Int, 'Minimum number of seconds a newly created pod should be ready, without any container crashing, to be considered available. Defaults to 0.'),
            ...extra,
          },
          { additionalProperties: true, description: `The specification of the desired behavior of the ${kind}.` },
        ),
      ),
      status: kind === 'Deployment' ? DeploymentStatus : ReplicaSetStatus,
    },
    kind === 'Deployment' ? 'Deployment enables declarative updates for Pods and ReplicaSets.' : 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
  );

export const replicasets = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  resource: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  subresources: ['status', 'scale'],
  hasStatus: true,
  schema: workloadSchema('ReplicaSet', {}),
  printerColumns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'Number of desired pods.'),
    col('Current', 'integer', 'Number of actually running pods.'),
    col('Ready', 'integer', 'Number of ready pods.'),
    AGE_COLUMN,
    ...wideColumns,
  ],
  printRow: (o) => {
    const rs = o as ReplicaSet;
    return [rs.metadata.name, rs.spec?.replicas ?? 1, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, objAge(rs), ...wideCells(rs)];
  },
  defaults: (o) => {
    const rs = o as ReplicaSet;
    if (!rs.spec) return;
    rs.spec.replicas ??= 1;
    rs.spec.minReadySeconds ??= 0;
    defaultPodTemplate(rs.spec.template);
  },
  prepareForCreate: (o) => {
    (o as ReplicaSet).status = { replicas: 0 };
  },
  validate: (o) => validateWorkload(o),
  validateStatus: (o) => statusCounters((o as ReplicaSet).status, RS_COUNTERS),
  validateUpdate: selectorImmutable,
  generationSource: (o) => (o as ReplicaSet).spec,
});

function validateDeployment(o: KObject): FieldError[] {
  const d = o as Deployment;
  const errs = validateWorkload(d);
  if (d.spec) errs.push(...deploymentRules(d.spec as Record<string, unknown>));
  return errs;
}

const RS_COUNTERS = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'];
const DEPLOY_COUNTERS = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'];

export const deployments = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: ['status', 'scale'],
  hasStatus: true,
  schema: workloadSchema('Deployment', {
    strategy: opt(
      named(
        'io.k8s.api.apps.v1.DeploymentStrategy',
        Type.Object(
          {
            type: opt(Str, 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.'),
            rollingUpdate: opt(
              named(
                'io.k8s.api.apps.v1.RollingUpdateDeployment',
                Type.Object(
                  {
                    maxSurge: opt(IntOrString, 'The maximum number of pods that can be scheduled above the desired number of pods: an absolute number (ex: 5) or a percentage of desired pods (ex: 10%), rounded up. Cannot be 0 if MaxUnavailable is 0. Defaults to 25%.'),
                    maxUnavailable: opt(IntOrString, 'The maximum number of pods that can be unavailable during the update: an absolute number (ex: 5) or a percentage of desired pods (ex: 10%), rounded down. Cannot be 0 if MaxSurge is 0. Defaults to 25%.'),
                  },
                  { additionalProperties: true, description: 'Spec to control the desired behavior of rolling update.' },
                ),
              ),
              'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.',
            ),
          },
          { additionalProperties: true, description: 'DeploymentStrategy describes how to replace existing pods with new ones.' },
        ),
      ),
      'The deployment strategy to use to replace existing pods with new ones.',
    ),
    revisionHistoryLimit: opt(Int, 'The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
    progressDeadlineSeconds: opt(Int, 'The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.'),
    paused: opt(Bool, 'Indicates that the deployment is paused.'),
  }),
  printerColumns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE_COLUMN,
    ...wideColumns,
  ],
  printRow: (o) => {
    const d = o as Deployment;
    return [
      d.metadata.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      objAge(d),
      ...wideCells(d),
    ];
  },
  defaults: (o) => {
    const d = o as Deployment;
    if (!d.spec) return;
    const spec = d.spec as Deployment['spec'] & { progressDeadlineSeconds?: number };
    spec.replicas ??= 1;
    spec.strategy ??= {};
    spec.strategy.type ??= 'RollingUpdate';
    if (spec.strategy.type === 'RollingUpdate') {
      spec.strategy.rollingUpdate ??= {};
      spec.strategy.rollingUpdate.maxSurge ??= '25%';
      spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.minReadySeconds ??= 0;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: (o) => {
    (o as Deployment).status = {};
  },
  validate: validateDeployment,
  validateStatus: (o) => statusCounters((o as Deployment).status, DEPLOY_COUNTERS),
  validateUpdate: selectorImmutable,
  generationSource: (o) => (o as Deployment).spec,
});
