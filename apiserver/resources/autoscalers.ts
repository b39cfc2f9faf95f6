// autoscaling/v2 HorizontalPodAutoscaler: stored and served; defaults (minReplicas 1, 80% CPU when
// no metric is given), bounds checks and the TARGETS column kubectl prints.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Open, Str, Int, opt, req } from './schemas';
import { joinWithMore } from './printing';
import { invalid, notSupported, required, type FieldError } from './validation';

type Obj = Record<string, any>;
type H = KObject & { spec?: Obj; status?: Obj };

const METRIC_TYPES = ['Object', 'Pods', 'Resource', 'ContainerResource', 'External'];

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
  (spec.metrics ?? []).forEach((m: Obj, i: number) => {
    if (!METRIC_TYPES.includes(m?.type)) errs.push(notSupported(`spec.metrics[${i}].type`, m?.type, METRIC_TYPES));
  });
  return errs;
}

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
      spec: Type.Object(
        {
          scaleTargetRef: req(
            Type.Object({ apiVersion: opt(Str, 'API version of the referent.'), kind: req(Str, 'Kind of the referent.'), name: req(Str, 'Name of the referent.') }, Open),
            'Points to the target resource to scale, and is used to the pods for which metrics should be collected.',
          ),
          minReplicas: opt(Int, 'The lower limit for the number of replicas. Defaults to 1 pod.'),
          maxReplicas: req(Int, 'The upper limit for the number of replicas. Cannot be less than minReplicas.'),
          metrics: opt(Type.Array(Type.Object({ type: req(Str, 'The type of metric source: Object, Pods, Resource, ContainerResource or External.') }, Open)), 'The specifications for which to use to calculate the desired replica count. Defaults to 80% average CPU utilization.'),
          behavior: opt(Type.Object({}, Open), 'The scaling behavior of the target in both Up and Down directions.'),
        },
        { ...Open, description: 'HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler.' },
      ),
      status: Type.Object({}, Open),
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
  },
  prepareForCreate: (o) => {
    (o as H).status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  validate,
  generationSource: (o) => (o as H).spec,
});
