// HorizontalPodAutoscaler metrics and behavior: target types and their quantities (positive
// values, utilization ≥ 1), metric selectors, scaling policies and windows — as autoscaling
// validation words them. Quantities upstream prints through String(): unquoted.
import { formatQuantity } from '../../lib/api/quantity';
import { forbidden, invalid, invalidShown, notSupported, required, type FieldError } from './field-errors';
import { readQuantity } from './validation-quantity';
import { labelSelector } from './validation-selectors';

type Obj = Record<string, any>;
const present = (v: unknown): boolean => v !== undefined && v !== null;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);

function positiveQuantity(v: unknown, field: string): FieldError[] {
  if (!present(v)) return [];
  const { q, errs } = readQuantity(field, v);
  if (!q) return errs;
  return q.sign === 1 ? [] : [invalidShown(field, formatQuantity(q), 'must be positive')];
}

/** validateMetricTarget. */
function target(t: Obj | undefined, field: string): FieldError[] {
  const tt = t ?? {};
  const errs: FieldError[] = [];
  if (!tt.type) errs.push(required(`${field}.type`, 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(tt.type)) errs.push(invalid(`${field}.type`, tt.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  errs.push(...positiveQuantity(tt.value, `${field}.value`), ...positiveQuantity(tt.averageValue, `${field}.averageValue`));
  if (present(tt.averageUtilization) && tt.averageUtilization < 1) errs.push(invalid(`${field}.averageUtilization`, tt.averageUtilization, 'must be greater than 0'));
  return errs;
}

function resourceTarget(src: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!src.name) errs.push(required(`${field}.name`, 'must specify a resource name'));
  errs.push(...target(src.target, `${field}.target`));
  if (!present(src.target?.averageUtilization) && !present(src.target?.averageValue))
    errs.push(required(`${field}.target.averageUtilization`, 'must set either a target raw value or a target utilization'));
  if (present(src.target?.averageUtilization) && present(src.target?.averageValue))
    errs.push(forbidden(`${field}.target.averageValue`, 'may not set both a target raw value and a target utilization'));
  return errs;
}

const SOURCE_KEY: Record<string, string> = { Resource: 'resource', ContainerResource: 'containerResource', Pods: 'pods', Object: 'object', External: 'external' };

/** The metric specs of an HPA. */
export function metrics(ms: unknown, field: string): FieldError[] {
  return list(ms).flatMap((m, i) => {
    const f = `${field}[${i}]`;
    const key = SOURCE_KEY[m?.type];
    if (!key) return [notSupported(`${f}.type`, m?.type ?? '', Object.keys(SOURCE_KEY).sort())];
    const src = m[key];
    if (!src || typeof src !== 'object') return [required(`${f}.${key}`, 'must populate information for the given metric source')];
    const p = `${f}.${key}`;
    if (key === 'resource' || key === 'containerResource') {
      const errs = resourceTarget(src, p);
      if (key === 'containerResource' && !src.container) errs.push(required(`${p}.container`, 'must specify a container'));
      return errs;
    }
    const errs = target(src.target, `${p}.target`);
    if (!src.metric?.name) errs.push(required(`${p}.metric.name`, 'must specify a metric name'));
    if (src.metric?.selector) errs.push(...labelSelector(src.metric.selector, `${p}.metric.selector`));
    return errs;
  });
}

/** validateBehavior: scaling rules' windows, select policy and policies. */
export function behavior(b: unknown, field: string): FieldError[] {
  if (!b || typeof b !== 'object') return [];
  const errs: FieldError[] = [];
  for (const dir of ['scaleUp', 'scaleDown']) {
    const r = (b as Obj)[dir];
    if (!r || typeof r !== 'object') continue;
    const f = `${field}.${dir}`;
    const w = r.stabilizationWindowSeconds;
    if (present(w) && w < 0) errs.push(invalid(`${f}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'));
    if (present(w) && w > 3600) errs.push(invalid(`${f}.stabilizationWindowSeconds`, w, 'must be less than or equal to 3600'));
    if (present(r.selectPolicy) && !['Disabled', 'Max', 'Min'].includes(r.selectPolicy)) errs.push(notSupported(`${f}.selectPolicy`, r.selectPolicy, ['Disabled', 'Max', 'Min']));
    list(r.policies).forEach((p, i) => {
      const pf = `${f}.policies[${i}]`;
      if (!['Pods', 'Percent'].includes(p?.type)) errs.push(notSupported(`${pf}.type`, p?.type ?? '', ['Pods', 'Percent']));
      if (!(p?.value > 0)) errs.push(invalid(`${pf}.value`, p?.value ?? 0, 'must be greater than zero'));
      if (!(p?.periodSeconds > 0)) errs.push(invalid(`${pf}.periodSeconds`, p?.periodSeconds ?? 0, 'must be greater than zero'));
      if (p?.periodSeconds > 1800) errs.push(invalid(`${pf}.periodSeconds`, p.periodSeconds, 'must be less than or equal to 1800'));
    });
  }
  return errs;
}

/** The quantities an HPA status reports must parse. */
export function hpaStatus(status: unknown): FieldError[] {
  return list((status as Obj)?.currentMetrics).flatMap((m, i) => {
    const key = SOURCE_KEY[m?.type];
    const cur = key ? m?.[key]?.current : undefined;
    if (!cur) return [];
    const f = `status.currentMetrics[${i}].${key}.current`;
    return [...(present(cur.value) ? readQuantity(`${f}.value`, cur.value).errs : []), ...(present(cur.averageValue) ? readQuantity(`${f}.averageValue`, cur.averageValue).errs : [])];
  });
}
