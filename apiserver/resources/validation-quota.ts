// ValidateResourceQuota and ValidateLimitRange: resource names a quota may track, quantities that
// are not negative (and whole for counts), scopes and their conflicts, scope selectors, and a
// LimitRange's ordering min ≤ default request ≤ default ≤ max per resource and type.
import { compareQuantities, formatQuantity, quantityToNumber, type Quantity } from '../../lib/api/quantity';
import { duplicate, forbidden, invalid, invalidShown, notSupported, required, type FieldError } from './field-errors';
import { containerResourceName, readQuantity, resourceName, resourceQuantityValue } from './validation-quantity';

type Obj = Record<string, any>;
const isMap = (m: unknown): m is Obj => !!m && typeof m === 'object' && !Array.isArray(m);

const STANDARD_QUOTA = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'services.nodeports', 'services.loadbalancers',
]);
export const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const POD_COUNT = ['pods', 'count/pods'];
const POD_COMPUTE = ['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'];
const SCOPE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** validateResourceQuotaResourceName: a resource name, and a standard quota one when it has no domain. */
function quotaResourceName(field: string, name: string): FieldError[] {
  const errs = resourceName(field, name).filter((e) => !e.message.endsWith('must be a standard resource type or fully qualified'));
  if (!name.includes('/') && !STANDARD_QUOTA.has(name) && !name.startsWith('requests.hugepages-'))
    errs.push(invalid(field, name, 'must be a standard resource for quota'));
  return errs;
}

function resourceList(list: unknown, field: string, nameCheck: (f: string, n: string) => FieldError[]): { errs: FieldError[]; parsed: Map<string, Quantity> } {
  const errs: FieldError[] = [];
  const parsed = new Map<string, Quantity>();
  if (!isMap(list)) return { errs, parsed };
  for (const [k, v] of Object.entries(list)) {
    const f = `${field}[${k}]`;
    errs.push(...nameCheck(f, k));
    const { q, errs: e } = readQuantity(f, v);
    errs.push(...e);
    if (!q) continue;
    errs.push(...resourceQuantityValue(k, q, f));
    parsed.set(k, q);
  }
  return { errs, parsed };
}

/** Which scopes may limit a resource (IsResourceQuotaScopeValidForResource). */
function scopeValidFor(scope: string, resource: string): boolean {
  if (scope === 'BestEffort') return POD_COUNT.includes(resource);
  if (!QUOTA_SCOPES.includes(scope)) return true; // reported as unsupported on its own
  return POD_COUNT.includes(resource) || POD_COMPUTE.includes(resource);
}

export function resourceQuotaSpecErrors(spec: Obj | undefined): FieldError[] {
  if (!isMap(spec)) return [];
  const { errs } = resourceList(spec.hard, 'spec.hard', quotaResourceName);
  const scopes: string[] = Array.isArray(spec.scopes) ? spec.scopes : [];
  const exprs: Obj[] = Array.isArray(spec.scopeSelector?.matchExpressions) ? spec.scopeSelector.matchExpressions : [];
  exprs.forEach((e, i) => {
    const f = `spec.scopeSelector.matchExpressions[${i}]`;
    if (!QUOTA_SCOPES.includes(e?.scopeName)) errs.push(invalid(`${f}.scopeName`, e?.scopeName, 'unsupported scope'));
    if (!SCOPE_OPERATORS.includes(e?.operator)) errs.push(notSupported(`${f}.operator`, e?.operator, SCOPE_OPERATORS));
    const values: unknown[] = Array.isArray(e?.values) ? e.values : [];
    if ((e?.operator === 'In' || e?.operator === 'NotIn') && values.length === 0)
      errs.push(required(`${f}.values`, 'must be at least one value when `operator` is \'In\' or \'NotIn\' for scope selector'));
    if ((e?.operator === 'Exists' || e?.operator === 'DoesNotExist') && values.length > 0)
      errs.push(invalid(`${f}.values`, values, 'must be no value when `operator` is \'Exist\' or \'DoesNotExist\' for scope selector'));
    if (e?.scopeName !== 'PriorityClass' && ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort'].includes(e?.scopeName) && e?.operator !== 'Exists')
      errs.push(invalid(`${f}.operator`, e?.operator, 'must be \'Exist\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity'));
  });
  // validateResourceQuotaScopes: spec.scopes only (the selector is checked above), the whole list
  // shown, and one error per scope and standard resource it cannot limit.
  const hardNames = isMap(spec.hard) ? Object.keys(spec.hard).sort() : [];
  for (const sc of scopes) {
    if (!QUOTA_SCOPES.includes(sc)) errs.push(invalid('spec.scopes', scopes, 'unsupported scope'));
    for (const r of hardNames) if (STANDARD_QUOTA.has(r) && !scopeValidFor(sc, r)) errs.push(invalid('spec.scopes', scopes, 'unsupported scope applied to resource'));
  }
  const set = new Set(scopes);
  for (const [a, b] of [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']])
    if (set.has(a) && set.has(b)) errs.push(invalid('spec.scopes', scopes, 'conflicting scopes'));
  return errs;
}

export function resourceQuotaStatusErrors(status: Obj | undefined): FieldError[] {
  if (!isMap(status)) return [];
  return [...resourceList(status.hard, 'status.hard', quotaResourceName).errs, ...resourceList(status.used, 'status.used', quotaResourceName).errs];
}

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];

/** The LimitRange item's defaults (SetDefaults_LimitRangeItem): a Container's default limit from max, default request from default or min. */
export function defaultLimitRangeItem(item: Obj): void {
  if (!isMap(item) || item.type !== 'Container') return;
  const d = (item.default = isMap(item.default) ? item.default : {});
  const dr = (item.defaultRequest = isMap(item.defaultRequest) ? item.defaultRequest : {});
  for (const [k, v] of Object.entries(isMap(item.max) ? item.max : {})) if (!(k in d)) d[k] = v;
  for (const [k, v] of Object.entries(d)) if (!(k in dr)) dr[k] = v;
  for (const [k, v] of Object.entries(isMap(item.min) ? item.min : {})) if (!(k in dr)) dr[k] = v;
}

export function limitRangeSpecErrors(spec: Obj | undefined): FieldError[] {
  if (!isMap(spec)) return [];
  const errs: FieldError[] = [];
  const limits: Obj[] = Array.isArray(spec.limits) ? spec.limits : [];
  const seen = new Set<string>();
  limits.forEach((it, i) => {
    const f = `spec.limits[${i}]`;
    if (!isMap(it)) return;
    const type = it.type;
    if (!type) errs.push(required(`${f}.type`));
    else if (seen.has(type)) errs.push(duplicate(`${f}.type`, type));
    else seen.add(type);
    const nameCheck = type === 'Container' || type === 'Pod' ? containerResourceName : resourceName;
    if (type && !LIMIT_TYPES.includes(type) && !String(type).includes('/')) errs.push(notSupported(`${f}.type`, type, LIMIT_TYPES));
    const read = (k: string) => resourceList(it[k], `${f}.${k}`, nameCheck);
    const max = read('max');
    const min = read('min');
    const def = read('default');
    const defReq = read('defaultRequest');
    const ratio = read('maxLimitRequestRatio');
    errs.push(...max.errs, ...min.errs, ...def.errs, ...defReq.errs, ...ratio.errs);
    if (type === 'Pod') {
      if (isMap(it.default) && Object.keys(it.default).length) errs.push(forbidden(`${f}.default`, "may not be specified when `type` is 'Pod'"));
      if (isMap(it.defaultRequest) && Object.keys(it.defaultRequest).length) errs.push(forbidden(`${f}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    }
    if (type === 'PersistentVolumeClaim' && !min.parsed.has('storage') && !max.parsed.has('storage'))
      errs.push(required(`${f}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    const show = formatQuantity;
    const gt = (a: Quantity, b: Quantity) => compareQuantities(a, b) > 0;
    for (const [k, mn] of min.parsed) {
      const mx = max.parsed.get(k);
      if (mx && gt(mn, mx)) errs.push(invalidShown(`${f}.min[${k}]`, show(mn), `min value ${show(mn)} is greater than max value ${show(mx)}`));
    }
    for (const [k, dr] of defReq.parsed) {
      const mn = min.parsed.get(k);
      const mx = max.parsed.get(k);
      const d = def.parsed.get(k);
      if (mn && gt(mn, dr)) errs.push(invalidShown(`${f}.defaultRequest[${k}]`, show(dr), `min value ${show(mn)} is greater than default request value ${show(dr)}`));
      if (mx && gt(dr, mx)) errs.push(invalidShown(`${f}.defaultRequest[${k}]`, show(dr), `default request value ${show(dr)} is greater than max value ${show(mx)}`));
      if (d && gt(dr, d)) errs.push(invalidShown(`${f}.defaultRequest[${k}]`, show(dr), `default request value ${show(dr)} is greater than default limit value ${show(d)}`));
    }
    for (const [k, d] of def.parsed) {
      const mn = min.parsed.get(k);
      const mx = max.parsed.get(k);
      if (mn && gt(mn, d)) errs.push(invalidShown(`${f}.default[${k}]`, show(d), `min value ${show(mn)} is greater than default value ${show(d)}`));
      if (mx && gt(d, mx)) errs.push(invalidShown(`${f}.default[${k}]`, show(d), `default value ${show(d)} is greater than max value ${show(mx)}`));
    }
    for (const [k, r] of ratio.parsed) {
      if (quantityToNumber(r) < 1) errs.push(invalidShown(`${f}.maxLimitRequestRatio[${k}]`, show(r), `ratio ${show(r)} is less than 1`));
      const mn = min.parsed.get(k);
      const mx = max.parsed.get(k);
      if (mn && mx && mn.sign > 0) {
        const maxRatio = quantityToNumber(mx) / quantityToNumber(mn);
        if (quantityToNumber(r) > maxRatio)
          errs.push(invalidShown(`${f}.maxLimitRequestRatio[${k}]`, show(r), `ratio ${show(r)} is greater than max/min = ${maxRatio.toFixed(6)}`));
      }
    }
  });
  return errs;
}
