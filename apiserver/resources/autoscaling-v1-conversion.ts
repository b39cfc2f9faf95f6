// autoscaling/v1 HorizontalPodAutoscaler <-> the stored autoscaling/v2 object, as kube-apiserver
// converts them. v1 speaks only of CPU utilization (spec.targetCPUUtilizationPercentage,
// status.currentCPUUtilizationPercentage); what else v2 holds travels in four annotations, so a v1
// client that reads an object and writes it back loses nothing:
//   autoscaling.alpha.kubernetes.io/metrics          the other spec metrics, as v1 MetricSpecs
//   autoscaling.alpha.kubernetes.io/current-metrics  every status metric, as v1 MetricStatuses
//   autoscaling.alpha.kubernetes.io/conditions       the status conditions
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior, keyed by Go field names
// The v1 metric shapes are the old v2beta1 ones (targetAverageUtilization, metricName, ...). The
// behavior annotation is what upstream writes by marshalling its internal type, which has no json
// tags: keys are "ScaleUp", "StabilizationWindowSeconds", ... and unset pointers are null; it is
// read back with Go's case-insensitive key matching. Pure functions on plain JSON values.
import type { KObject } from '../../lib/api/types';
import { goJson } from '../../lib/api/go-json';
import { ConversionError } from './conversion-error';

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const ROUND_TRIP = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

/** The CPU target autoscaling/v1 has always meant when none is given. */
export const DEFAULT_CPU_UTILIZATION = 80;

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj | undefined, k: string): boolean => isObj(o) && o[k] !== undefined && o[k] !== null;
const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
/** A Go non-pointer resource.Quantity: its zero value is written as "0". */
const quantity = (o: Obj | undefined, k: string): unknown => (has(o, k) ? o![k] : '0');

/** Builds an object from [key, value] pairs, leaving out undefined values (Go's omitempty on pointers). */
function fields(pairs: [string, unknown][]): Obj {
  const out: Obj = {};
  for (const [k, v] of pairs) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

const ref = (r: Obj | undefined): Obj => fields([['kind', r?.kind ?? ''], ['name', r?.name ?? ''], ['apiVersion', r?.apiVersion]]);
const opt = (o: Obj | undefined, k: string): unknown => (has(o, k) ? o![k] : undefined);

/** The annotations without the round-trip ones; undefined when nothing is left. */
function withoutRoundTrip(annotations: unknown): Obj | undefined {
  if (!isObj(annotations)) return undefined;
  const out: Obj = {};
  for (const [k, v] of Object.entries(annotations)) if (!ROUND_TRIP.includes(k)) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

function setAnnotations(obj: KObject, annotations: Obj | undefined): void {
  if (annotations && Object.keys(annotations).length) obj.metadata.annotations = annotations as Record<string, string>;
  else delete obj.metadata.annotations;
}

/** A CPU Utilization target: the one metric autoscaling/v1 expresses as a field. */
const isCpuUtilization = (m: Obj): boolean => m?.type === 'Resource' && m.resource?.name === 'cpu' && has(m.resource?.target, 'averageUtilization');

// ---- metrics: v2 -> v1 ------------------------------------------------------------------------

function metricSpecToV1(m: Obj): Obj {
  const out: Obj = { type: m?.type ?? '' };
  if (isObj(m?.object)) {
    const t = m.object.target;
    out.object = fields([
      ['target', ref(m.object.describedObject)], ['metricName', m.object.metric?.name ?? ''], ['targetValue', quantity(t, 'value')],
      ['selector', opt(m.object.metric, 'selector')], ['averageValue', opt(t, 'averageValue')],
    ]);
  }
  if (isObj(m?.pods)) {
    out.pods = fields([['metricName', m.pods.metric?.name ?? ''], ['targetAverageValue', quantity(m.pods.target, 'averageValue')], ['selector', opt(m.pods.metric, 'selector')]]);
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = m?.[key];
    if (!isObj(r)) continue;
    out[key] = fields([
      ['name', r.name ?? ''], ['targetAverageUtilization', opt(r.target, 'averageUtilization')], ['targetAverageValue', opt(r.target, 'averageValue')],
      ['container', key === 'containerResource' ? (r.container ?? '') : undefined],
    ]);
  }
  if (isObj(m?.external)) {
    const t = m.external.target;
    out.external = fields([
      ['metricName', m.external.metric?.name ?? ''], ['metricSelector', opt(m.external.metric, 'selector')],
      ['targetValue', opt(t, 'value')], ['targetAverageValue', opt(t, 'averageValue')],
    ]);
  }
  return out;
}

function metricStatusToV1(m: Obj): Obj {
  const out: Obj = { type: m?.type ?? '' };
  if (isObj(m?.object)) {
    const c = m.object.current;
    out.object = fields([
      ['target', ref(m.object.describedObject)], ['metricName', m.object.metric?.name ?? ''], ['currentValue', quantity(c, 'value')],
      ['selector', opt(m.object.metric, 'selector')], ['averageValue', opt(c, 'averageValue')],
    ]);
  }
  if (isObj(m?.pods)) {
    out.pods = fields([['metricName', m.pods.metric?.name ?? ''], ['currentAverageValue', quantity(m.pods.current, 'averageValue')], ['selector', opt(m.pods.metric, 'selector')]]);
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = m?.[key];
    if (!isObj(r)) continue;
    out[key] = fields([
      ['name', r.name ?? ''], ['currentAverageUtilization', opt(r.current, 'averageUtilization')], ['currentAverageValue', quantity(r.current, 'averageValue')],
      ['container', key === 'containerResource' ? (r.container ?? '') : undefined],
    ]);
  }
  if (isObj(m?.external)) {
    const c = m.external.current;
    out.external = fields([
      ['metricName', m.external.metric?.name ?? ''], ['metricSelector', opt(m.external.metric, 'selector')],
      ['currentValue', quantity(c, 'value')], ['currentAverageValue', opt(c, 'averageValue')],
    ]);
  }
  return out;
}

// ---- metrics: v1 -> v2 ------------------------------------------------------------------------

const identifier = (src: Obj, selectorKey: string): Obj => fields([['name', src.metricName ?? ''], ['selector', opt(src, selectorKey)]]);

function metricSpecToV2(m: Obj): Obj {
  const out: Obj = { type: m?.type ?? '' };
  if (isObj(m?.object)) {
    const o = m.object;
    out.object = {
      describedObject: ref(o.target),
      metric: identifier(o, 'selector'),
      target: fields([['type', has(o, 'averageValue') ? 'AverageValue' : 'Value'], ['value', quantity(o, 'targetValue')], ['averageValue', opt(o, 'averageValue')]]),
    };
  }
  if (isObj(m?.pods)) {
    out.pods = { metric: identifier(m.pods, 'selector'), target: { type: 'AverageValue', averageValue: quantity(m.pods, 'targetAverageValue') } };
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = m?.[key];
    if (!isObj(r)) continue;
    const target = fields([
      ['type', has(r, 'targetAverageUtilization') ? 'Utilization' : 'AverageValue'],
      ['averageUtilization', opt(r, 'targetAverageUtilization')], ['averageValue', opt(r, 'targetAverageValue')],
    ]);
    out[key] = key === 'containerResource' ? { name: r.name ?? '', container: r.container ?? '', target } : { name: r.name ?? '', target };
  }
  if (isObj(m?.external)) {
    const e = m.external;
    out.external = {
      metric: identifier(e, 'metricSelector'),
      target: fields([['type', has(e, 'targetValue') ? 'Value' : 'AverageValue'], ['value', opt(e, 'targetValue')], ['averageValue', opt(e, 'targetAverageValue')]]),
    };
  }
  return out;
}

function metricStatusToV2(m: Obj): Obj {
  const out: Obj = { type: m?.type ?? '' };
  if (isObj(m?.object)) {
    const o = m.object;
    out.object = { describedObject: ref(o.target), metric: identifier(o, 'selector'), current: fields([['value', quantity(o, 'currentValue')], ['averageValue', opt(o, 'averageValue')]]) };
  }
  if (isObj(m?.pods)) out.pods = { metric: identifier(m.pods, 'selector'), current: { averageValue: quantity(m.pods, 'currentAverageValue') } };
  for (const key of ['resource', 'containerResource'] as const) {
    const r = m?.[key];
    if (!isObj(r)) continue;
    const current = fields([['averageValue', quantity(r, 'currentAverageValue')], ['averageUtilization', opt(r, 'currentAverageUtilization')]]);
    out[key] = key === 'containerResource' ? { name: r.name ?? '', container: r.container ?? '', current } : { name: r.name ?? '', current };
  }
  if (isObj(m?.external)) {
    const e = m.external;
    out.external = { metric: identifier(e, 'metricSelector'), current: fields([['value', quantity(e, 'currentValue')], ['averageValue', opt(e, 'currentAverageValue')]]) };
  }
  return out;
}

// ---- behavior ---------------------------------------------------------------------------------

function behaviorToGo(b: Obj): Obj {
  const rules = (r: unknown) =>
    isObj(r)
      ? {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: Array.isArray(r.policies) ? r.policies.map((p: Obj) => ({ Type: p?.type ?? '', Value: p?.value ?? 0, PeriodSeconds: p?.periodSeconds ?? 0 })) : null,
        }
      : null;
  return { ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) };
}

/** encoding/json's key matching: the exact key, else the first one equal ignoring case. */
function goField(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : o[k];
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * The behavior a v1 annotation carries, or undefined when it does not decode as upstream's type
 * (Go's Unmarshal would fail: wrong JSON types) or decodes to no rules at all: as upstream, only
 * well-formed data moves from the annotation into the spec.
 */
function behaviorFromGo(raw: string): Obj | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObj(v)) return undefined;
  const rules = (r: unknown): Obj | undefined | false => {
    if (r === undefined || r === null) return undefined;
    if (!isObj(r)) return false;
    const out: Obj = {};
    const w = goField(r, 'StabilizationWindowSeconds');
    if (w !== undefined && w !== null) {
      if (!isInt(w)) return false;
      out.stabilizationWindowSeconds = w;
    }
    const s = goField(r, 'SelectPolicy');
    if (s !== undefined && s !== null) {
      if (typeof s !== 'string') return false;
      out.selectPolicy = s;
    }
    const ps = goField(r, 'Policies');
    if (ps !== undefined && ps !== null) {
      if (!Array.isArray(ps)) return false;
      const policies: Obj[] = [];
      for (const p of ps) {
        if (!isObj(p)) return false;
        const [type, value, period] = [goField(p, 'Type') ?? '', goField(p, 'Value') ?? 0, goField(p, 'PeriodSeconds') ?? 0];
        if (typeof type !== 'string' || !isInt(value) || !isInt(period)) return false;
        policies.push({ type, value, periodSeconds: period });
      }
      out.policies = policies;
    }
    return out;
  };
  const up = rules(goField(v, 'ScaleUp'));
  const down = rules(goField(v, 'ScaleDown'));
  if (up === false || down === false || (up === undefined && down === undefined)) return undefined;
  return fields([['scaleUp', up], ['scaleDown', down]]);
}

/**
 * A JSON array from an annotation, undefined when it is absent. One that does not decode fails the
 * conversion, as upstream's Unmarshal error fails the request (only the behavior is forgiven).
 */
function arrayAnnotation(annotations: Obj | undefined, key: string): Obj[] | undefined {
  const raw = annotations?.[key];
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    v = undefined;
  }
  if (v === null) return undefined; // Go reads "null" as a nil slice
  if (!Array.isArray(v) || !v.every(isObj)) throw new ConversionError(`metadata.annotations[${key}]`, raw, 'must be a JSON array of objects');
  return v;
}

// ---- whole objects ----------------------------------------------------------------------------

/** The stored autoscaling/v2 object as autoscaling/v1 shows it. The input is not changed. */
export function hpaV2ToV1(v2: KObject): KObject {
  const src = v2 as KObject & { spec?: Obj; status?: Obj };
  const spec: Obj = isObj(src.spec) ? src.spec : {};
  const status: Obj = isObj(src.status) ? src.status : {};
  const { spec: _s, status: _st, ...rest } = copy(src);
  const out = { ...rest, apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' } as KObject & { spec: Obj; status: Obj };
  out.metadata ??= {};
  const annotations = withoutRoundTrip(out.metadata.annotations) ?? {};

  const metrics: Obj[] = Array.isArray(spec.metrics) ? spec.metrics : [];
  const cpu = metrics.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu');
  out.spec = fields([
    ['scaleTargetRef', ref(spec.scaleTargetRef)], ['minReplicas', opt(spec, 'minReplicas')], ['maxReplicas', spec.maxReplicas ?? 0],
    ['targetCPUUtilizationPercentage', opt(cpu?.resource?.target, 'averageUtilization')],
  ]);

  const current: Obj[] = Array.isArray(status.currentMetrics) ? status.currentMetrics : [];
  // Upstream's loop does not stop at the first CPU metric: the last one with a utilization wins.
  let cpuNow: unknown;
  for (const m of current) if (m?.type === 'Resource' && m.resource?.name === 'cpu' && has(m.resource?.current, 'averageUtilization')) cpuNow = m.resource.current.averageUtilization;
  out.status = fields([
    ['observedGeneration', opt(status, 'observedGeneration')], ['lastScaleTime', opt(status, 'lastScaleTime')],
    ['currentReplicas', status.currentReplicas ?? 0], ['desiredReplicas', status.desiredReplicas ?? 0], ['currentCPUUtilizationPercentage', cpuNow],
  ]);

  const others = metrics.filter((m) => !isCpuUtilization(m));
  if (others.length) annotations[METRICS_ANNOTATION] = goJson(others.map(metricSpecToV1));
  if (current.length) annotations[CURRENT_METRICS_ANNOTATION] = goJson(current.map(metricStatusToV1));
  if (Array.isArray(status.conditions) && status.conditions.length) annotations[CONDITIONS_ANNOTATION] = goJson(status.conditions);
  if (isObj(spec.behavior)) annotations[BEHAVIOR_ANNOTATION] = goJson(behaviorToGo(spec.behavior));
  setAnnotations(out, annotations);
  return out;
}

/**
 * An autoscaling/v1 object as the autoscaling/v2 object it stands for (apiVersion autoscaling/v2).
 * The round-trip annotations are read and dropped; without any metric, v1's implicit 80% CPU
 * target is written out. The input is not changed. A malformed metrics, current-metrics or
 * conditions annotation throws a ConversionError.
 */
export function hpaV1ToV2(v1: KObject): KObject {
  const src = v1 as KObject & { spec?: Obj; status?: Obj };
  const spec: Obj = isObj(src.spec) ? src.spec : {};
  const status: Obj = isObj(src.status) ? src.status : {};
  const { spec: _s, status: _st, ...rest } = copy(src);
  const out = { ...rest, apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' } as KObject & { spec: Obj; status: Obj };
  out.metadata ??= {};
  const annotations: Obj | undefined = isObj(out.metadata.annotations) ? out.metadata.annotations : undefined;

  // The annotation's metrics first, then the one the CPU field makes (upstream's order).
  const metrics = (arrayAnnotation(annotations, METRICS_ANNOTATION) ?? []).map(metricSpecToV2);
  if (has(spec, 'targetCPUUtilizationPercentage')) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  if (metrics.length === 0) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } });
  const behaviorRaw = annotations?.[BEHAVIOR_ANNOTATION];
  out.spec = fields([
    ['scaleTargetRef', isObj(spec.scaleTargetRef) ? ref(spec.scaleTargetRef) : spec.scaleTargetRef], ['minReplicas', opt(spec, 'minReplicas')], ['maxReplicas', spec.maxReplicas],
    ['metrics', metrics], ['behavior', typeof behaviorRaw === 'string' ? behaviorFromGo(behaviorRaw) : undefined],
  ]);

  // The annotation's statuses hold more than the CPU field: they replace it when present.
  const fromAnnotation = arrayAnnotation(annotations, CURRENT_METRICS_ANNOTATION);
  const currentMetrics = fromAnnotation
    ? fromAnnotation.map(metricStatusToV2)
    : has(status, 'currentCPUUtilizationPercentage')
      ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }]
      : undefined;
  out.status = fields([
    ['observedGeneration', opt(status, 'observedGeneration')], ['lastScaleTime', opt(status, 'lastScaleTime')],
    ['currentReplicas', status.currentReplicas ?? 0], ['desiredReplicas', status.desiredReplicas ?? 0],
    ['currentMetrics', currentMetrics], ['conditions', arrayAnnotation(annotations, CONDITIONS_ANNOTATION)],
  ]);
  setAnnotations(out, withoutRoundTrip(annotations));
  return out;
}
