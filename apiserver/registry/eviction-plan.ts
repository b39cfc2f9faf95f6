// The Eviction API's decisions as plain values (upstream's pods/eviction REST storage): reading an
// Eviction body and its DeleteOptions, which pods skip the budget check, which budgets cover a
// pod, and whether a budget allows one more disruption (and its status after it). The I/O around
// them is eviction.ts.
import type { KObject, Pod } from '../../lib/api/types';
import { ApiError, apiError } from '../../lib/errors';
import { isPodReady } from '../../lib/api/pod-conditions';
import { pdbSelectsPod, withDisruptionAllowedCondition, type PodDisruptionBudget, type PodDisruptionBudgetStatus } from '../../lib/api/pdb';
import { invalid, invalidError, notSupported, type FieldError } from '../resources/validation';
import { conflict } from '../storage/errors';
import type { DeleteQuery } from './types';

/** Budgets whose DisruptedPods map is larger than this refuse evictions until the controller catches up. */
export const MAX_DISRUPTED_POD_SIZE = 2000;

export const EVICTION_VERSIONS = ['policy/v1', 'policy/v1beta1'];
export const BUDGET_VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";
export const MULTIPLE_BUDGETS = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';

export interface EvictionRequest {
  name: string;
  /** The DeleteOptions the pod is deleted with (dryRun merged from the request's). */
  delete: DeleteQuery;
  /** Whether the client gave a resourceVersion precondition (then conflicts are not retried). */
  pinnedResourceVersion: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const POLICIES = ['Foreground', 'Background', 'Orphan'];

/** ValidateDeleteOptions (propagation policy, the deprecated orphanDependents beside it, dryRun values). */
function deleteOptionsErrors(d: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (d.orphanDependents !== undefined && d.orphanDependents !== null && d.propagationPolicy !== undefined && d.propagationPolicy !== null)
    errs.push(invalid('propagationPolicy', d.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  if (d.propagationPolicy !== undefined && d.propagationPolicy !== null && !POLICIES.includes(d.propagationPolicy as string))
    errs.push(notSupported('propagationPolicy', d.propagationPolicy, [...POLICIES, 'nil']));
  const dry = d.dryRun;
  if (dry !== undefined && dry !== null && (!Array.isArray(dry) || dry.some((v) => v !== 'All'))) errs.push(notSupported('dryRun', dry, ['All']));
  if (d.gracePeriodSeconds !== undefined && d.gracePeriodSeconds !== null && (typeof d.gracePeriodSeconds !== 'number' || !Number.isInteger(d.gracePeriodSeconds) || d.gracePeriodSeconds < 0))
    errs.push(invalid('gracePeriodSeconds', d.gracePeriodSeconds, 'must be a non-negative integer'));
  return errs;
}

/**
 * The Eviction the client sent, checked as upstream checks it: a policy/v1 or v1beta1 Eviction
 * naming the pod of the URL, valid DeleteOptions, and a dryRun that agrees with the request's.
 */
export function readEviction(body: unknown, urlName: string, namespace: string | undefined, requestDryRun: boolean): EvictionRequest {
  if (!isObj(body)) throw apiError(400, 'BadRequest', 'the request body must be a JSON object');
  if (body.apiVersion !== undefined && !EVICTION_VERSIONS.includes(body.apiVersion as string))
    throw apiError(400, 'BadRequest', `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (policy/v1)`);
  if (body.kind !== undefined && body.kind !== 'Eviction') throw apiError(400, 'BadRequest', `not a Eviction object: ${String(body.kind)}`);
  const meta = isObj(body.metadata) ? body.metadata : {};
  if (meta.namespace !== undefined && meta.namespace !== '' && namespace !== undefined && meta.namespace !== namespace)
    throw apiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  if (meta.name !== urlName) throw apiError(400, 'BadRequest', 'name in URL does not match name in Eviction object');
  const raw = body.deleteOptions;
  if (raw !== undefined && raw !== null && !isObj(raw)) throw apiError(400, 'BadRequest', 'deleteOptions must be an object');
  const d: Obj = raw ?? {};
  const errs = deleteOptionsErrors(d);
  if (errs.length) throw invalidError('DeleteOptions', '', errs, 'meta.k8s.io');
  const bodyDry = Array.isArray(d.dryRun) && d.dryRun.length > 0;
  if (bodyDry && requestDryRun && (d.dryRun as unknown[]).length !== 1)
    throw apiError(500, 'InternalError', `Internal error occurred: Non-matching dry-run options in request and content: [All] and [${(d.dryRun as string[]).join(' ')}]`);
  const q: DeleteQuery = {};
  if (typeof d.gracePeriodSeconds === 'number') q.gracePeriodSeconds = d.gracePeriodSeconds;
  if (d.propagationPolicy) q.propagationPolicy = d.propagationPolicy as DeleteQuery['propagationPolicy'];
  else if (d.orphanDependents === true) q.propagationPolicy = 'Orphan';
  const pre = isObj(d.preconditions) ? d.preconditions : undefined;
  if (pre && (typeof pre.uid === 'string' || typeof pre.resourceVersion === 'string')) {
    q.preconditions = {};
    if (typeof pre.uid === 'string' && pre.uid) q.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string' && pre.resourceVersion) q.preconditions.resourceVersion = pre.resourceVersion;
  }
  if (bodyDry || requestDryRun) q.dryRun = true;
  return { name: urlName, delete: q, pinnedResourceVersion: !!q.preconditions?.resourceVersion };
}

/** canIgnorePDB: a pod that is not running (pending or finished) or already terminating is deleted without a budget check. */
export function canIgnorePdb(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

/** shouldEnforceResourceVersion: a delete that skips the budget is pinned to what was judged, unless the pod is finished or terminating. */
export function shouldEnforceResourceVersion(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp);
}

/** The budgets that cover the pod (getPodDisruptionBudgets). */
export const budgetsCovering = (pdbs: PodDisruptionBudget[], pod: Pod): PodDisruptionBudget[] => pdbs.filter((p) => pdbSelectsPod(p, pod));

/**
 * An unhealthy (not Ready) pod: deleted without taking from the budget when the policy is
 * AlwaysAllow, or when the budget is currently met (IfHealthyBudget, the default); otherwise the
 * budget decides as for a healthy pod.
 */
export function unhealthyPodSkipsBudget(pod: Pod, pdb: PodDisruptionBudget): boolean {
  if (isPodReady(pod)) return false;
  if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const st = pdb.status;
  return !!st && st.currentHealthy >= st.desiredHealthy && st.desiredHealthy > 0;
}

/** A 429 with the DisruptionBudget cause, as upstream's NewTooManyRequests. */
export function tooManyRequests(causeMessage: string, retryAfterSeconds: number): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: BUDGET_VIOLATION,
    reason: 'TooManyRequests',
    details: { causes: [{ reason: 'DisruptionBudget', message: causeMessage }], ...(retryAfterSeconds ? { retryAfterSeconds } : {}) },
    code: 429,
  });
}

/** createTooManyRequestsError: the budget has not been processed since it changed (or a delete lost a race). */
export const budgetInProgress = (pdbName: string): ApiError => tooManyRequests(`The disruption budget ${pdbName} is still being processed by the server.`, 10);

const budgetForbidden = (pdbName: string, why: string): ApiError =>
  apiError(403, 'Forbidden', `poddisruptionbudget.policy "${pdbName}" is forbidden: ${why}`, { name: pdbName, group: 'policy', kind: 'poddisruptionbudget' });

/** The 500 upstream answers with (a Failure Status without a reason) for a pod covered by several budgets. */
export const multipleBudgets = (): ApiError =>
  new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: MULTIPLE_BUDGETS, code: 500 });

/**
 * checkAndDecrement: the budget's status after one more disruption of podName, or the error that
 * refuses it. A dry run takes the disruption without recording the pod.
 */
export function decrementBudget(pdb: PodDisruptionBudget, podName: string, nowMs: number, dryRun: boolean): PodDisruptionBudgetStatus {
  const name = pdb.metadata.name ?? '';
  const st: PodDisruptionBudgetStatus = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw budgetInProgress(name);
  if (st.disruptionsAllowed < 0) throw budgetForbidden(name, 'pdb disruptions allowed is negative');
  if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE)
    throw budgetForbidden(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (st.disruptionsAllowed === 0)
    throw tooManyRequests(`The disruption budget ${name} needs ${st.desiredHealthy} healthy pods and has ${st.currentHealthy} currently`, 0);
  let next: PodDisruptionBudgetStatus = { ...st, disruptionsAllowed: st.disruptionsAllowed - 1 };
  if (next.disruptionsAllowed === 0) next = withDisruptionAllowedCondition(next, nowMs);
  if (dryRun) return next;
  const stamp = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { ...next, disruptedPods: { ...(st.disruptedPods ?? {}), [podName]: stamp } };
}

/**
 * The delete's preconditions checked against the pod as it is now (upstream checks them before it
 * adds the DisruptionTarget condition, so a stale eviction changes nothing).
 */
export function checkDeletePreconditions(pod: KObject, q: DeleteQuery): void {
  const name = pod.metadata.name ?? '';
  const uid = q.preconditions?.uid;
  if (uid && uid !== pod.metadata.uid)
    throw conflict({ group: '', resource: 'Pod' }, name, `the UID in the precondition (${uid}) does not match the UID in record (${pod.metadata.uid}). The object might have been deleted and then recreated`);
  const rv = q.preconditions?.resourceVersion;
  if (rv && rv !== pod.metadata.resourceVersion)
    throw conflict({ group: '', resource: 'Pod' }, name, `the ResourceVersion in the precondition (${rv}) does not match the ResourceVersion in record (${pod.metadata.resourceVersion}). The object might have been modified`);
}
