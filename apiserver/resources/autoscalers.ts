// autoscaling/v2 HorizontalPodAutoscaler: stored and served; defaults (minReplicas 1, 80% CPU when
// no metric is given), bounds checks and the TARGETS column kubectl prints. Also served as
// autoscaling/v1 (autoscalers-v1.ts), converted from and to this stored version.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, Time, Quantity, LabelSelector, conditionSchema, obj, list, opt, req, named } from './schemas';
import { joinWithMore } from './printing';
import { invalid, required, type FieldError } from './validation';
import { behavior, hpaStatus, metrics } from './validation-autoscaling';
import { horizontalPodAutoscalerV1 } from './autoscalers-v1';

type Obj = Record<string, any>;
type H = KObject & { spec?: Obj; status?: Obj };


/** "cpu: 40%/80%" style cell for one metric spec and its current status (kubectl's format). */
function metricCell(m: Obj, cur: Obj | undefined): string {
  const src = m?.[m?.type === 'ContainerResource' ? 'containerResource' : String(m?.type ?? '').replace(/^./, (c: string) => c.toLowerCase())] ?? {};
  const target = src.target ?? {};
  const current = cur?.[m?.type === 'ContainerResource' ? 'containerResource' : String(cur?.type ?? '').replace(/^./, (c: string) => c.toLowerCase())]?.current;
  const label = m?.type === 'Resource' || m?.type === 'ContainerResource' ? `${src.name ?? ''}: ` : `${src.metric?.name ?? ''}: `;
  if (target.type === 'Utilization') return `${label}${current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : '<unknown>'}/${target.averageUtilization}%`;
  if (target.type === 'AverageValue') return `${label}${current?.averageValue ?? '<unknown>'}/${target.averageValue} (avg)`;
  return `${label}${current?.value ?? '<unknown>'}/${target.value}`;
}

function targets(h: H): string {
  const metrics: Obj[] = h.spec?.metrics ?? [];
  if (metrics.length === 0) return '<none>';
  const cur: Obj[] = h.status?.currentMetrics ?? [];
  return joinWithMore(metrics.map((m, i) => metricCell(m, cur[i])), 1, ', ');
}

/**
 * autoscaling/v2's behavior defaults, filled in only when behavior is given (an HPA without it keeps
 * the controller's older rules): scale up by the larger of 4 pods or 100% per 15 s with no
 * stabilization, scale down by up to 100% per 15 s. The scale-down window stays unset: the
 * controller reads it from its --horizontal-pod-autoscaler-downscale-stabilization flag.
 */
function defaultBehavior(b: Obj): void {
  const fill = (r: Obj | undefined, policies: Obj[], window?: number): Obj => {
    const out = r && typeof r === 'object' ? r : {};
    out.selectPolicy ??= 'Max';
    if (!Array.isArray(out.policies)) out.policies = policies;
    if (window !== undefined) out.stabilizationWindowSeconds ??= window;
    return out;
  };
  b.scaleUp = fill(b.scaleUp, [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }], 0);
  b.scaleDown = fill(b.scaleDown, [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
}

function validate(o: KObject): FieldError[] {
  const spec = (o as H).spec;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  const ref = spec.scaleTargetRef;
  if (!ref?.kind) errs.push(required('spec.scaleTargetRef.kind'));
  if (!ref?.name) errs.push(required('spec.scaleTargetRef.name'));
  const min = spec.minReplicas;
  if (min !== undefined && (typeof min !== 'number' || min < 1)) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (typeof spec.maxReplicas !== 'number') errs.push(required('spec.maxReplicas'));
  else if (spec.maxReplicas < 1) errs.push(invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than 0'));
  else if (typeof min === 'number' && spec.maxReplicas < min) errs.push(invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  errs.push(...metrics(spec.metrics, 'spec.metrics'), ...behavior(spec.behavior, 'spec.behavior'));
  return errs;
}

const CrossVersionObjectReference = named(
  'io.k8s.api.autoscaling.v2.CrossVersionObjectReference',
  obj(
    { apiVersion: opt(Str, 'API version of the referent.'), kind: req(Str, 'Kind of the referent.'), name: req(Str, 'Name of the referent.') },
    'Enough information to let you identify the referred resource.',
  ),
);

const MetricIdentifier = named(
  'io.k8s.api.autoscaling.v2.MetricIdentifier',
  obj(
    { name: req(Str, 'The name of the given metric.'), selector: opt(LabelSelector, 'Narrows the metric down to these labels; the metrics server chooses when unset.') },
    'A metric by name and label selector.',
  ),
);

const MetricTarget = named(
  'io.k8s.api.autoscaling.v2.MetricTarget',
  obj(
    {
      type: req(Str, 'Whether the target is a Utilization, Value or AverageValue.'),
      value: opt(Quantity, 'The target value of the metric.'),
      averageValue: opt(Quantity, 'The target value of the average of the metric across all relevant pods.'),
      averageUtilization: opt(Int, 'The target value of the average of the resource metric across all relevant pods, in percent of the requested value.'),
    },
    'The target value, average value, or average utilization of a specific metric.',
  ),
);

const MetricValueStatus = named(
  'io.k8s.api.autoscaling.v2.MetricValueStatus',
  obj(
    {
      value: opt(Quantity, 'The current value of the metric.'),
      averageValue: opt(Quantity, 'The current value of the average of the metric across all relevant pods.'),
      averageUtilization: opt(Int, 'The current value of the average of the resource metric across all relevant pods, in percent of the requested value.'),
    },
    'The current value of a metric.',
  ),
);

/** The five metric sources, with the target (spec) or current value (status) field. */
function metricSources(valueField: 'target' | 'current', value: typeof MetricTarget | typeof MetricValueStatus, what: string) {
  const v = { [valueField]: req(value, `The ${what} value for the given metric.`) };
  return {
    object: opt(
      obj({ describedObject: req(CrossVersionObjectReference, 'The object the metric describes.'), metric: req(MetricIdentifier, 'The metric by name and selector.'), ...v }, 'A metric describing a single Kubernetes object.'),
      'A metric describing a single kubernetes object (e.g. hits-per-second on an Ingress).',
    ),
    pods: opt(obj({ metric: req(MetricIdentifier, 'The metric by name and selector.'), ...v }, 'A metric describing each pod, averaged.'), 'A metric describing each pod in the current scale target.'),
    resource: opt(obj({ name: req(Str, 'The name of the resource in question.'), ...v }, 'A resource metric known to Kubernetes (requests and limits).'), 'A resource metric (such as CPU or memory) of each pod.'),
    containerResource: opt(
      obj({ name: req(Str, 'The name of the resource in question.'), container: req(Str, 'The name of the container in the pods of the scaling target.'), ...v }, 'A resource metric of a single container in each pod.'),
      'A resource metric of a single container in each pod of the current scale target.',
    ),
    external: opt(obj({ metric: req(MetricIdentifier, 'The metric by name and selector.'), ...v }, 'A global metric not associated with any Kubernetes object.'), 'A global metric not associated with any Kubernetes object.'),
  };
}

const MetricSpec = named(
  'io.k8s.api.autoscaling.v2.MetricSpec',
  obj({ type: req(Str, 'The type of metric source: Object, Pods, Resource, ContainerResource or External.'), ...metricSources('target', MetricTarget, 'target') }, 'The specification for a single metric to scale on.'),
);

const MetricStatus = named(
  'io.k8s.api.autoscaling.v2.MetricStatus',
  obj({ type: req(Str, 'The type of metric source: Object, Pods, Resource, ContainerResource or External.'), ...metricSources('current', MetricValueStatus, 'current') }, 'The last read state of a single metric.'),
);

const HPAScalingRules = named(
  'io.k8s.api.autoscaling.v2.HPAScalingRules',
  obj(
    {
      stabilizationWindowSeconds: opt(Int, 'The number of seconds past recommendations are considered while scaling (0-3600).'),
      selectPolicy: opt(Str, 'Which policy is used: Max (default), Min or Disabled.'),
      policies: opt(
        list(
          obj(
            {
              type: req(Str, 'The scaling policy: Pods or Percent.'),
              value: req(Int, 'The amount of change permitted by the policy; greater than zero.'),
              periodSeconds: req(Int, 'The window of time for which the policy holds true (1-1800).'),
            },
            'A single policy which must hold true for a specified past interval.',
          ),
        ),
        'A list of potential scaling policies which can be used during scaling.',
      ),
    },
    'Scaling behavior for one direction.',
  ),
);

export const horizontalpodautoscalers = defineResource({
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: ['status'],
  hasStatus: true,
  schema: kindSchema(
    {
      spec: obj(
        {
          scaleTargetRef: req(CrossVersionObjectReference, 'Points to the target resource to scale, and is used to the pods for which metrics should be collected.'),
          minReplicas: opt(Int, 'The lower limit for the number of replicas. Defaults to 1 pod.'),
          maxReplicas: req(Int, 'The upper limit for the number of replicas. Cannot be less than minReplicas.'),
          metrics: opt(list(MetricSpec), 'The specifications for which to use to calculate the desired replica count. Defaults to 80% average CPU utilization.'),
          behavior: opt(
            obj(
              {
                scaleUp: opt(HPAScalingRules, 'Scaling policy for scaling up. Defaults to the larger of 4 pods or 100% every 15 seconds, with no stabilization.'),
                scaleDown: opt(HPAScalingRules, 'Scaling policy for scaling down. Defaults to removing up to 100% of pods, with a 300 second stabilization window.'),
              },
              'The scaling behavior of the target in both Up and Down directions.',
            ),
            'The scaling behavior of the target in both Up and Down directions.',
          ),
        },
        'HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler.',
      ),
      status: obj(
        {
          observedGeneration: opt(Int, 'The most recent generation observed by this autoscaler.'),
          lastScaleTime: opt(Time, 'The last time the autoscaler scaled the number of pods.'),
          currentReplicas: opt(Int, 'Current number of replicas of pods managed by this autoscaler, as last seen.'),
          desiredReplicas: req(Int, 'Desired number of replicas of pods managed by this autoscaler, as last calculated.'),
          currentMetrics: opt(list(MetricStatus), 'The last read state of the metrics used by this autoscaler.'),
          conditions: opt(list(conditionSchema('io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCondition', ['lastTransitionTime'])), 'The conditions needed for this autoscaler to scale its target.'),
        },
        'The current status of a horizontal pod autoscaler.',
      ),
    },
    'HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Reference', 'string', 'Reference to the target resource.'),
    col('Targets', 'string', 'The metric targets and their current values.'),
    col('MinPods', 'string', 'The lower limit for the number of pods.'),
    col('MaxPods', 'integer', 'The upper limit for the number of pods.'),
    col('Replicas', 'integer', 'Current number of replicas of pods managed by this autoscaler.'),
    AGE_COLUMN,
  ],
  printRow: (o) => {
    const h = o as H;
    const ref = h.spec?.scaleTargetRef ?? {};
    return [h.metadata.name, `${ref.kind ?? ''}/${ref.name ?? ''}`, targets(h), h.spec?.minReplicas ?? '<unset>', h.spec?.maxReplicas ?? 0, h.status?.currentReplicas ?? 0, objAge(h)];
  },
  defaults: (o) => {
    const spec = (o as H).spec;
    if (!spec) return;
    spec.minReplicas ??= 1;
    if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
      spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    if (spec.behavior && typeof spec.behavior === 'object') defaultBehavior(spec.behavior);
  },
  prepareForCreate: (o) => {
    (o as H).status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  validate,
  validateStatus: (o) => hpaStatus((o as H).status),
  generationSource: (o) => (o as H).spec,
  servedVersions: [horizontalPodAutoscalerV1],
});
