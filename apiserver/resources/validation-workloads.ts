// Workload specifics: int-or-percent fields (maxSurge, maxUnavailable), update strategies of
// Deployments, DaemonSets and StatefulSets, deadlines and history limits, and the counters their
// statuses carry — as apps validation words them. IntOrString values print unquoted upstream.
import { forbidden, invalid, invalidShown, notSupported, required, type FieldError } from './field-errors';
import { nonNegativeInt } from './validation';
import { percentErrors } from './validation-names';

type Obj = Record<string, any>;
const present = (v: unknown): boolean => v !== undefined && v !== null;
const shown = (v: unknown) => (typeof v === 'string' ? v : String(v ?? 0));

/** ValidatePositiveIntOrPercent: a non-negative integer or a "N%" string. */
export function intOrPercent(v: unknown, field: string): FieldError[] {
  if (typeof v === 'string') return percentErrors(v).map((m) => invalidShown(field, v, m));
  if (typeof v === 'number') return nonNegativeInt(field, v);
  if (!present(v)) return [];
  return [invalidShown(field, shown(v), "must be an integer or percentage (e.g '5%')")];
}

/** getIntOrPercentValue: the number of a percent, the number of an integer (or numeric string). */
function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return percentErrors(v).length === 0 ? Number(v.slice(0, -1)) : /^[+-]?\d+$/.test(v) ? Number(v) : 0;
  return 0;
}

export function notOver100(v: unknown, field: string): FieldError[] {
  return typeof v === 'string' && percentErrors(v).length === 0 && Number(v.slice(0, -1)) > 100 ? [invalidShown(field, v, 'must not be greater than 100%')] : [];
}

/** ValidateDeploymentStrategy and the deadlines and limits of a DeploymentSpec. */
export function deploymentRules(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const st = spec.strategy ?? {};
  const f = 'spec.strategy';
  if (st.type === 'Recreate') {
    if (present(st.rollingUpdate)) errs.push(forbidden(`${f}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
  } else if (st.type === 'RollingUpdate' || st.type === undefined) {
    const ru = st.rollingUpdate;
    if (!ru) {
      if (st.type === 'RollingUpdate') errs.push(required(`${f}.rollingUpdate`, 'this should be defaulted and never be nil'));
    } else {
      errs.push(...intOrPercent(ru.maxUnavailable, `${f}.rollingUpdate.maxUnavailable`), ...intOrPercent(ru.maxSurge, `${f}.rollingUpdate.maxSurge`));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0)
        errs.push(invalidShown(`${f}.rollingUpdate.maxUnavailable`, shown(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      errs.push(...notOver100(ru.maxUnavailable, `${f}.rollingUpdate.maxUnavailable`));
    }
  } else errs.push(notSupported(f, st, ['Recreate', 'RollingUpdate']));
  errs.push(...nonNegativeInt('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  const pds = spec.progressDeadlineSeconds;
  if (present(pds)) {
    errs.push(...nonNegativeInt('spec.progressDeadlineSeconds', pds));
    if (typeof pds === 'number' && pds <= (spec.minReadySeconds ?? 0)) errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** ValidateDaemonSetUpdateStrategy and the DaemonSetSpec counters. */
export function daemonSetRules(spec: Obj): FieldError[] {
  const errs: FieldError[] = [...nonNegativeInt('spec.templateGeneration', spec.templateGeneration), ...nonNegativeInt('spec.revisionHistoryLimit', spec.revisionHistoryLimit)];
  const st = spec.updateStrategy ?? {};
  const f = 'spec.updateStrategy';
  if (st.type === 'RollingUpdate') {
    const ru = st.rollingUpdate;
    if (!ru) return [...errs, required(`${f}.rollingUpdate`)];
    const p = `${f}.rollingUpdate`;
    errs.push(...intOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...intOrPercent(ru.maxSurge, `${p}.maxSurge`));
    errs.push(...notOver100(ru.maxUnavailable, `${p}.maxUnavailable`), ...notOver100(ru.maxSurge, `${p}.maxSurge`));
    const unavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
    const surge = intOrPercentValue(ru.maxSurge) !== 0;
    if (unavailable && surge) errs.push(invalidShown(`${p}.maxSurge`, shown(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
    if (!unavailable && !surge) errs.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  } else if (st.type !== 'OnDelete' && st.type !== undefined) errs.push(notSupported(f, st, ['RollingUpdate', 'OnDelete']));
  return errs;
}

/** ValidateStatefulSetSpec's own rules (policies, strategy, ordinals, retention). */
export function statefulSetRules(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (pmp === '') errs.push(required('spec.podManagementPolicy'));
  else if (present(pmp) && !['OrderedReady', 'Parallel'].includes(pmp)) errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const st = spec.updateStrategy ?? {};
  if (st.type === 'OnDelete') {
    if (present(st.rollingUpdate)) errs.push(invalid('spec.updateStrategy.rollingUpdate', st.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (st.type === 'RollingUpdate' || st.type === undefined) {
    const ru = st.rollingUpdate;
    if (ru) {
      const p = 'spec.updateStrategy.rollingUpdate';
      errs.push(...nonNegativeInt(`${p}.partition`, ru.partition));
      if (present(ru.maxUnavailable)) {
        errs.push(...intOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
        if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalidShown(`${p}.maxUnavailable`, shown(ru.maxUnavailable), 'cannot be 0'));
        errs.push(...notOver100(ru.maxUnavailable, `${p}.maxUnavailable`));
      }
    }
  } else errs.push(invalid('spec.updateStrategy', st, "must be 'RollingUpdate' or 'OnDelete'"));
  for (const k of ['whenDeleted', 'whenScaled']) {
    const v = spec.persistentVolumeClaimRetentionPolicy?.[k];
    if (present(v) && !['Retain', 'Delete'].includes(v)) errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v, ['Retain', 'Delete']));
  }
  errs.push(...nonNegativeInt('spec.ordinals.start', spec.ordinals?.start), ...nonNegativeInt('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  return errs;
}

/**
 * Status counters are not negative. (Upstream also bounds them by status.replicas; that relation is
 * the controllers' business and is not enforced here, so a controller mid-update is never refused.)
 */
export function statusCounters(status: unknown, counters: string[]): FieldError[] {
  if (!status || typeof status !== 'object') return [];
  const st = status as Obj;
  return counters.flatMap((k) => nonNegativeInt(`status.${k}`, st[k]));
}
