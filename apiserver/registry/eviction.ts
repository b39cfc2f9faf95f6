// POST pods/<name>/eviction: deletes a pod unless that would break its PodDisruptionBudget. A pod
// that is not running or already terminating goes at once; otherwise the one budget covering it
// must allow a disruption, which the eviction takes (compare-and-swap on the budget's status,
// recording the pod in disruptedPods) before it marks the pod DisruptionTarget and deletes it.
// Both doors reach this through the registry's create of the `eviction` subresource.
import type { KObject, Pod } from '../../lib/api/types';
import { apiError, isConflict } from '../../lib/errors';
import { DISRUPTION_TARGET, withPodCondition } from '../../lib/api/pod-conditions';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import {
  budgetInProgress, budgetsCovering, canIgnorePdb, checkDeletePreconditions, decrementBudget, multipleBudgets, readEviction,
  shouldEnforceResourceVersion, unhealthyPodSkipsBudget,
} from './eviction-plan';
import type { DeleteQuery } from './types';

/** What the eviction reads and writes, through the registry (fresh reads, compare-and-swap writes). */
export interface EvictionStore {
  getPod(namespace: string, name: string): Promise<Pod>;
  listBudgets(namespace: string): Promise<PodDisruptionBudget[]>;
  getBudget(namespace: string, name: string): Promise<PodDisruptionBudget>;
  /** Writes the status subresource; 409 when the budget changed since it was read. */
  updateBudgetStatus(pdb: PodDisruptionBudget): Promise<void>;
  /** Writes the status subresource; 409 when the pod changed since it was read. */
  updatePodStatus(pod: Pod): Promise<Pod>;
  deletePod(namespace: string, name: string, q: DeleteQuery): Promise<void>;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Upstream's EvictionsRetry: 20 attempts, 500 ms apart (10% jitter). */
export const EVICTION_ATTEMPTS = 20;
const RETRY_MS = 500;

const SUCCESS: KObject = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 } as unknown as KObject;

async function retrying<T>(s: EvictionStore, shouldRetry: (e: unknown) => boolean, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!shouldRetry(e) || attempt >= EVICTION_ATTEMPTS) throw e;
      await s.sleep(RETRY_MS * (1 + Math.random() * 0.1));
    }
  }
}

/**
 * Marks the pod DisruptionTarget (reason EvictionByEvictionAPI) and deletes it. The preconditions
 * are judged on the pod as it is; a resourceVersion precondition then follows our own status write.
 */
async function markAndDelete(s: EvictionStore, namespace: string, name: string, q: DeleteQuery): Promise<void> {
  let opts = q;
  if (!q.dryRun) {
    for (let attempt = 1; ; attempt++) {
      const pod = await s.getPod(namespace, name);
      checkDeletePreconditions(pod, q);
      const { status, changed } = withPodCondition(pod.status, { type: DISRUPTION_TARGET, status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }, s.now());
      let saved = pod;
      try {
        if (changed) saved = await s.updatePodStatus({ ...pod, status });
      } catch (e) {
        if (isConflict(e) && attempt < EVICTION_ATTEMPTS) continue; // someone else wrote the pod: judge it again
        throw e;
      }
      if (q.preconditions?.resourceVersion) opts = { ...q, preconditions: { ...q.preconditions, resourceVersion: saved.metadata.resourceVersion } };
      break;
    }
  }
  await s.deletePod(namespace, name, opts);
}

export async function evictPod(s: EvictionStore, namespace: string, urlName: string, body: unknown, requestDryRun: boolean): Promise<KObject> {
  const req = readEviction(body, urlName, namespace, requestDryRun);
  const name = req.name;
  const shouldRetry = (e: unknown) => !req.pinnedResourceVersion && isConflict(e);

  // A pod that is not running or already going needs no budget: it is deleted straight away.
  let pod!: Pod;
  const deleted = await retrying(s, shouldRetry, async () => {
    pod = await s.getPod(namespace, name);
    if (!canIgnorePdb(pod)) return false;
    let q = req.delete;
    if (shouldEnforceResourceVersion(pod) && !req.pinnedResourceVersion) q = { ...q, preconditions: { ...q.preconditions, resourceVersion: pod.metadata.resourceVersion } };
    await markAndDelete(s, namespace, name, q);
    return true;
  });
  if (deleted) return SUCCESS;

  const budgets = budgetsCovering(await s.listBudgets(namespace), pod);
  if (budgets.length > 1) throw multipleBudgets();
  let pinToPod = false;
  const budget = budgets[0];
  if (budget) {
    if (unhealthyPodSkipsBudget(pod, budget)) pinToPod = true;
    else {
      let current = budget;
      let refresh = false;
      try {
        await retrying(s, isConflict, async () => {
          if (refresh) current = await s.getBudget(namespace, budget.metadata.name!);
          refresh = true;
          // Refused (429) as soon as the budget allows nothing, also after a lost race.
          const status = decrementBudget(current, name, s.now(), !!req.delete.dryRun);
          if (!req.delete.dryRun) await s.updateBudgetStatus({ ...current, status });
        });
      } catch (e) {
        if (isConflict(e)) throw apiError(504, 'Timeout', `Timeout: couldn't update PodDisruptionBudget "${budget.metadata.name}" due to conflicts`, { retryAfterSeconds: 10 });
        throw e;
      }
    }
  }

  // An unhealthy pod deleted without taking from the budget must still be the pod that was judged.
  let q = req.delete;
  if (pinToPod) q = { ...q, preconditions: { ...q.preconditions, resourceVersion: pod.metadata.resourceVersion } };
  try {
    await markAndDelete(s, namespace, name, q);
  } catch (e) {
    if (isConflict(e) && pinToPod && !req.pinnedResourceVersion) throw budgetInProgress(budget!.metadata.name!);
    throw e;
  }
  return SUCCESS;
}

