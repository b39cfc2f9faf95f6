// apps/v1 DaemonSet and StatefulSet: stored and served with Kubernetes' defaults, the workload
// rules shared with Deployments, and their printers (controller-manager/daemonset runs DaemonSets).
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN, jsonEqual } from './common';
import type { TSchema } from '@sinclair/typebox';
import { kindSchema, Str, Int, LabelSelector, PodTemplateSpec, PersistentVolumeClaim, IntOrString, conditionSchema, obj, list, opt, named } from './schemas';
import { defaultPodTemplate, validateWorkload } from './pod-spec';
import { CONTAINERS_COLUMN, IMAGES_COLUMN, SELECTOR_COLUMN, formatLabels, formatSelector, templateCells } from './printing';
import { forbidden, immutable, type FieldError } from './validation';
import { daemonSetRules, statefulSetRules, statusCounters } from './validation-workloads';
import { claimSpec, claimTemplateMeta } from './validation-claims';

type Obj = Record<string, any>;
type W = KObject & { spec?: Obj; status?: Obj };

const selectorImmutable = (o: KObject, old: KObject): FieldError[] =>
  jsonEqual((old as W).spec?.selector, (o as W).spec?.selector) ? [] : [immutable('spec.selector', (o as W).spec?.selector ?? {})];

const updateStrategy = (name: string, what: string, rollingUpdate: Record<string, TSchema>) =>
  named(
    name,
    obj(
      {
        type: opt(Str, `Type of ${what} update: RollingUpdate (default) or OnDelete.`),
        rollingUpdate: opt(obj(rollingUpdate, 'Parameters of a rolling update.'), 'Rolling update config params. Present only if type = RollingUpdate.'),
      },
      `How the ${what} controller replaces old pods with new ones.`,
    ),
  );

const DaemonSetUpdateStrategy = updateStrategy('io.k8s.api.apps.v1.DaemonSetUpdateStrategy', 'daemon set', {
  maxUnavailable: opt(IntOrString, 'The maximum number (or percentage) of nodes whose daemon pod may be unavailable during the update. Defaults to 1.'),
  maxSurge: opt(IntOrString, 'The maximum number (or percentage) of nodes with an available daemon pod that can have an updated pod during the update. Defaults to 0.'),
});

const StatefulSetUpdateStrategy = updateStrategy('io.k8s.api.apps.v1.StatefulSetUpdateStrategy', 'stateful set', {
  partition: opt(Int, 'Pods with an ordinal at least this value are updated; the others keep their revision. Defaults to 0.'),
  maxUnavailable: opt(IntOrString, 'The maximum number (or percentage) of pods that can be unavailable during the update. Defaults to 1.'),
});

const conditions = (name: string) => opt(list(conditionSchema(name, ['lastTransitionTime'])), "The latest available observations of the set's current state.");
const collisionCount = opt(Int, 'Count of hash collisions, used to pick a unique ControllerRevision name.');
const observedGeneration = opt(Int, 'The most recent generation observed by the controller.');

const DaemonSetStatus = named(
  'io.k8s.api.apps.v1.DaemonSetStatus',
  obj(
    {
      currentNumberScheduled: opt(Int, 'The number of nodes running at least one daemon pod that are supposed to run it.'),
      numberMisscheduled: opt(Int, 'The number of nodes running the daemon pod that are not supposed to run it.'),
      desiredNumberScheduled: opt(Int, 'The total number of nodes that should be running the daemon pod.'),
      numberReady: opt(Int, 'The number of nodes that should run the daemon pod and have it running and ready.'),
      observedGeneration,
      updatedNumberScheduled: opt(Int, 'The total number of nodes running the updated daemon pod.'),
      numberAvailable: opt(Int, 'The number of nodes that should run the daemon pod and have it available.'),
      numberUnavailable: opt(Int, 'The number of nodes that should run the daemon pod and have none available.'),
      collisionCount,
      conditions: conditions('io.k8s.api.apps.v1.DaemonSetCondition'),
    },
    'The current status of a daemon set.',
  ),
);

const StatefulSetStatus = named(
  'io.k8s.api.apps.v1.StatefulSetStatus',
  obj(
    {
      observedGeneration,
      replicas: opt(Int, 'The number of pods created by the StatefulSet controller.'),
      readyReplicas: opt(Int, 'The number of pods with a Ready condition.'),
      currentReplicas: opt(Int, 'The number of pods created from the currentRevision.'),
      updatedReplicas: opt(Int, 'The number of pods created from the updateRevision.'),
      currentRevision: opt(Str, 'The revision used to generate pods in the sequence [0,currentReplicas).'),
      updateRevision: opt(Str, 'The revision used to generate pods in the sequence [replicas-updatedReplicas,replicas).'),
      collisionCount,
      conditions: conditions('io.k8s.api.apps.v1.StatefulSetCondition'),
      availableReplicas: opt(Int, 'Total number of available pods (ready for at least minReadySeconds).'),
    },
    'The current state of a StatefulSet.',
  ),
);

const specSchema = (updateStrategySchema: TSchema, extra: Record<string, TSchema>, description: string) =>
  obj(
    {
      selector: opt(LabelSelector, "A label query over pods that are managed by this controller. Must match the template's labels; immutable."),
      template: opt(PodTemplateSpec, 'The object that describes the pods that will be created.'),
      minReadySeconds: opt(Int, 'Minimum number of seconds a newly created pod should be ready to be considered available. Defaults to 0.'),
      revisionHistoryLimit: opt(Int, 'The number of old history to retain to allow rollback. Defaults to 10.'),
      updateStrategy: opt(updateStrategySchema, 'The strategy used to replace old pods with new ones.'),
      ...extra,
    },
    description,
  );

/**
 * The DaemonSet's template generation (upstream's internal spec.templateGeneration, kept in v1 as
 * this annotation): 1 at creation, one more at each template change; the DaemonSet controller
 * labels pods with it (pod-template-generation). The server owns it: a client's value is ignored.
 */
const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function setTemplateGeneration(o: KObject, generation: number): void {
  if (generation <= 0) return;
  o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [TEMPLATE_GENERATION]: String(generation) };
}

function validateDaemonSet(o: KObject): FieldError[] {
  const spec = (o as W).spec;
  const errs = validateWorkload(o, { selectorKind: 'daemonset', owner: 'DaemonSet', replicas: false });
  if (spec) errs.push(...daemonSetRules(spec));
  return errs;
}

const DS_COUNTERS = [
  'currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable',
  'numberUnavailable', 'collisionCount',
];
const STS_COUNTERS = ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'];

export const daemonsets = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  resource: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  subresources: ['status'],
  hasStatus: true,
  schema: kindSchema(
    { spec: specSchema(DaemonSetUpdateStrategy, {}, 'The specification of the desired behavior of the DaemonSet.'), status: DaemonSetStatus },
    'DaemonSet represents the configuration of a daemon set: one pod per eligible node.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    col('Current', 'integer', 'The number of nodes that are running at least one daemon pod and are supposed to.'),
    col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod.'),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  printRow: (o) => {
    const d = o as W;
    const st = d.status ?? {};
    return [
      d.metadata.name,
      st.desiredNumberScheduled ?? 0,
      st.currentNumberScheduled ?? 0,
      st.numberReady ?? 0,
      st.updatedNumberScheduled ?? 0,
      st.numberAvailable ?? 0,
      formatLabels(d.spec?.template?.spec?.nodeSelector),
      objAge(d),
      ...templateCells(d.spec?.template),
      formatSelector(d.spec?.selector),
    ];
  },
  defaults: (o) => {
    const spec = (o as W).spec;
    if (!spec) return;
    spec.updateStrategy ??= {};
    spec.updateStrategy.type ??= 'RollingUpdate';
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate ??= {};
      spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
      spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: (o) => {
    (o as W).status = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    setTemplateGeneration(o, 1);
  },
  prepareForUpdate: (o, old) => {
    const was = Number(old.metadata.annotations?.[TEMPLATE_GENERATION]) || 0;
    setTemplateGeneration(o, jsonEqual((o as W).spec?.template, (old as W).spec?.template) ? was : was + 1);
  },
  validate: validateDaemonSet,
  validateStatus: (o) => statusCounters((o as W).status, DS_COUNTERS),
  validateUpdate: selectorImmutable,
  generationSource: (o) => (o as W).spec,
});

// Only these spec fields may change on a StatefulSet; the rest is fixed at creation.
const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/**
 * The set as its pods will be: each volumeClaimTemplate becomes a claim volume of the template's
 * pod spec (replacing one of the same name), so mounts of a claim's name are not "Not found".
 */
function withClaimVolumes(o: KObject): KObject {
  const spec = (o as W).spec;
  const claims = Array.isArray(spec?.volumeClaimTemplates) ? spec!.volumeClaimTemplates : [];
  const podSpec = spec?.template?.spec;
  if (!claims.length || !podSpec || typeof podSpec !== 'object') return o;
  const names = new Set(claims.map((c: Obj) => c?.metadata?.name).filter((n: unknown) => typeof n === 'string' && n));
  const volumes = (Array.isArray(podSpec.volumes) ? podSpec.volumes : []).filter((v: Obj) => !names.has(v?.name));
  const added = [...names].map((n) => ({ name: n, persistentVolumeClaim: { claimName: n } }));
  return { ...o, spec: { ...spec, template: { ...spec!.template, spec: { ...podSpec, volumes: [...volumes, ...added] } } } } as KObject;
}

function validateStatefulSet(o: KObject): FieldError[] {
  const spec = (o as W).spec;
  const errs = validateWorkload(withClaimVolumes(o), { selectorKind: 'statefulset', owner: 'StatefulSet', replicas: true });
  if (!spec) return errs;
  errs.push(...statefulSetRules(spec));
  (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).forEach((t: Obj, i: number) => {
    errs.push(...claimTemplateMeta(t?.metadata, `spec.volumeClaimTemplates[${i}].metadata`), ...claimSpec(t?.spec, `spec.volumeClaimTemplates[${i}].spec`));
  });
  return errs;
}

function validateStatefulSetUpdate(o: KObject, old: KObject): FieldError[] {
  const strip = (s: Obj | undefined) => Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)));
  if (jsonEqual(strip((o as W).spec), strip((old as W).spec))) return [];
  return [forbidden('spec', `updates to statefulset spec for fields other than ${STS_MUTABLE.slice(0, -1).map((f) => `'${f}'`).join(', ')} and 'minReadySeconds' are forbidden`)];
}

/**
 * `rollingUpdate.maxUnavailable` of a StatefulSet is behind upstream's MaxUnavailableStatefulSet
 * feature gate (alpha, off by default in 1.32): kube-apiserver drops it unless the stored object
 * already uses it. k8ts does the same, so the field is never stored and silently ignored.
 */
function dropMaxUnavailable(s: W, old: W | undefined): void {
  const ru = s.spec?.updateStrategy?.rollingUpdate;
  if (!ru || ru.maxUnavailable === undefined) return;
  if (old?.spec?.updateStrategy?.rollingUpdate?.maxUnavailable !== undefined) return;
  delete ru.maxUnavailable;
}

export const statefulsets = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  resource: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  subresources: ['status', 'scale'],
  hasStatus: true,
  schema: kindSchema(
    {
      spec: specSchema(
        StatefulSetUpdateStrategy,
        {
          replicas: opt(Int, 'The desired number of replicas of the given template. Defaults to 1.'),
          serviceName: opt(Str, 'The name of the service that governs this StatefulSet and gives its pods stable network identities.'),
          podManagementPolicy: opt(Str, 'How pods are created during initial scale up and scale down: OrderedReady (default) or Parallel.'),
          volumeClaimTemplates: opt(list(PersistentVolumeClaim), 'Claims that pods are allowed to reference; each pod gets its own claim.'),
          persistentVolumeClaimRetentionPolicy: opt(
            obj(
              {
                whenDeleted: opt(Str, 'What happens to the claims when the StatefulSet is deleted: Retain (default) or Delete.'),
                whenScaled: opt(Str, 'What happens to the claims of pods removed by a scale down: Retain (default) or Delete.'),
              },
              'The lifecycle of claims created from volumeClaimTemplates.',
            ),
            'What happens to claims created from volumeClaimTemplates when the set is deleted or scaled down.',
          ),
          ordinals: opt(obj({ start: opt(Int, 'The number of the first replica index. Defaults to 0.') }, 'The numbering of replica indices.'), 'The number assigned to the first replica.'),
        },
        'A StatefulSetSpec is the specification of a StatefulSet.',
      ),
      status: StatefulSetStatus,
    },
    'StatefulSet represents a set of pods with consistent identities and stable storage.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Number of the pod with ready state'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  printRow: (o) => {
    const s = o as W;
    return [s.metadata.name, `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}`, objAge(s), ...templateCells(s.spec?.template)];
  },
  defaults: (o) => {
    const spec = (o as W).spec;
    if (!spec) return;
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.updateStrategy ??= {};
    spec.updateStrategy.type ??= 'RollingUpdate';
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate ??= {};
      spec.updateStrategy.rollingUpdate.partition ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    spec.persistentVolumeClaimRetentionPolicy ??= {};
    spec.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
    spec.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
    defaultPodTemplate(spec.template);
  },
  prepareForCreate: (o) => {
    (o as W).status = { replicas: 0, availableReplicas: 0 };
    dropMaxUnavailable(o as W, undefined);
  },
  prepareForUpdate: (o, old) => dropMaxUnavailable(o as W, old as W),
  validate: validateStatefulSet,
  validateStatus: (o) => statusCounters((o as W).status, STS_COUNTERS),
  validateUpdate: validateStatefulSetUpdate,
  generationSource: (o) => (o as W).spec,
});
