// policy/v1 PodDisruptionBudget rules (ValidatePodDisruptionBudgetSpec and the v1 status update
// rules) and metav1.Condition's (ValidateConditions), worded and placed as upstream places them.
import { duplicate, invalid, notSupported, required, tooLong, type FieldError } from './field-errors';
import { nonNegativeInt } from './validation';
import { qualifiedName, regexError } from './validation-names';
import { labelSelector } from './validation-selectors';
import { intOrPercent, notOver100 } from './validation-workloads';

type Obj = Record<string, any>;
const present = (v: unknown): boolean => v !== undefined && v !== null;

export const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** ValidatePodDisruptionBudgetSpec. */
export function pdbSpecErrors(spec: Obj | undefined): FieldError[] {
  if (!spec || typeof spec !== 'object') return [];
  const errs: FieldError[] = [];
  // Upstream prints the Go struct here; the JSON of the spec says the same thing.
  if (present(spec.minAvailable) && present(spec.maxUnavailable)) errs.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (!present(spec[f])) continue;
    errs.push(...intOrPercent(spec[f], `spec.${f}`), ...notOver100(spec[f], `spec.${f}`));
  }
  errs.push(...labelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (present(policy) && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy)) errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, UNHEALTHY_POD_EVICTION_POLICIES));
  return errs;
}

const REASON_FMT = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const REASON = new RegExp(`^${REASON_FMT}$`);
const REASON_MSG = regexError(
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'",
  REASON_FMT, 'my_name', 'MY_NAME', 'MyName', 'ReasonA,ReasonB', 'ReasonA:ReasonB',
);
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

/** ValidateCondition: one metav1.Condition. */
function conditionErrors(c: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [...qualifiedName(`${field}.type`, typeof c?.type === 'string' ? c.type : '')];
  if (!CONDITION_STATUSES.includes(c?.status)) errs.push(notSupported(`${field}.status`, c?.status ?? '', CONDITION_STATUSES));
  if (typeof c?.observedGeneration === 'number' && c.observedGeneration < 0) errs.push(invalid(`${field}.observedGeneration`, c.observedGeneration, 'must be greater than or equal to zero'));
  if (!c?.lastTransitionTime) errs.push(required(`${field}.lastTransitionTime`, 'must be set'));
  const reason = typeof c?.reason === 'string' ? c.reason : '';
  if (!reason) errs.push(required(`${field}.reason`, 'must be set'));
  else {
    if (!REASON.test(reason)) errs.push(invalid(`${field}.reason`, reason, REASON_MSG));
    if (Buffer.byteLength(reason) > 1024) errs.push(tooLong(`${field}.reason`, 1024));
  }
  if (typeof c?.message === 'string' && Buffer.byteLength(c.message) > 32768) errs.push(tooLong(`${field}.message`, 32768));
  return errs;
}

/** ValidateConditions: each condition, and no type twice. */
export function metaConditionsErrors(list: unknown, field: string): FieldError[] {
  if (!Array.isArray(list)) return [];
  const seen = new Set<string>();
  return list.flatMap((c: Obj, i) => {
    const errs: FieldError[] = [];
    if (seen.has(c?.type)) errs.push(duplicate(`${field}[${i}].type`, c?.type));
    else seen.add(c?.type);
    return [...errs, ...conditionErrors(c, `${field}[${i}]`)];
  });
}

/** ValidatePodDisruptionBudgetStatusUpdate as policy/v1 runs it. */
export function pdbStatusErrors(status: unknown): FieldError[] {
  if (!status || typeof status !== 'object') return [];
  const st = status as Obj;
  return [
    ...metaConditionsErrors(st.conditions, 'status.conditions'),
    ...['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'].flatMap((k) => nonNegativeInt(`status.${k}`, st[k])),
  ];
}
