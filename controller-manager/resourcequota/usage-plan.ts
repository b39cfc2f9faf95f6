// Pure decisions of the resource quota controller: which kinds a quota's resource names count,
// and the status (hard copied from spec, used recalculated from the objects) it should have.
import type { KObject } from '../../lib/api/types';
import { listsEqual, parseResourceList, formatResourceList, type QuantityList, countQuantity, addLists } from '../../lib/api/quota-math';
import { matchingResources, totalUsage, type GroupResource, type ResourceQuotaLike } from '../../lib/api/quota-usage';

export const grKey = (gr: GroupResource): string => `${gr.group}/${gr.resource}`;

/** The kinds (among those the cluster serves) whose objects some of the names count. */
export function trackedKinds(names: string[], known: GroupResource[]): GroupResource[] {
  return known.filter((gr) => matchingResources(gr, names).length > 0);
}

export interface QuotaStatus {
  /** spec.hard verbatim, so that status writes are told apart from spec changes by plain equality. */
  hard: Record<string, unknown>;
  used: Record<string, string>;
}

/**
 * The status the quota should have: status.hard is spec.hard; status.used has an entry for every
 * hard name (zero when nothing counts it, so admission never waits on a name it cannot measure).
 */
export function desiredQuotaStatus(quota: ResourceQuotaLike, objects: Map<string, KObject[]>, known: GroupResource[], now: Date): QuotaStatus {
  const hard = parseResourceList(quota.spec?.hard);
  const names = Object.keys(hard);
  // Matching is judged against the hard limits being enforced now: the spec's.
  const judged: ResourceQuotaLike = { ...quota, status: { ...(quota.status ?? {}), hard: quota.spec?.hard ?? {} } };
  let used: QuantityList = {};
  for (const n of names) used[n] = countQuantity(0);
  for (const gr of trackedKinds(names, known)) {
    const tracked = matchingResources(gr, names);
    used = addLists(used, totalUsage(gr, objects.get(grKey(gr)) ?? [], judged, tracked, now));
  }
  return { hard: { ...(quota.spec?.hard ?? {}) }, used: formatResourceList(used) };
}

/** True when the stored status differs (by value: "1000m" equals "1") from the desired one. */
export function quotaStatusDiffers(quota: ResourceQuotaLike, next: QuotaStatus): boolean {
  const cur = quota.status ?? {};
  if (!cur.hard || !cur.used) return true;
  return !listsEqual(parseResourceList(cur.hard), parseResourceList(next.hard)) || !listsEqual(parseResourceList(cur.used), parseResourceList(next.used));
}
