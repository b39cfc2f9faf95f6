// ResourceQuota admission's decision for a create, as upstream's CheckRequest makes it: the quotas
// of the namespace that match the object (a tracked resource it consumes, every scope matching),
// the pod rule that cpu/memory quotas need every container to state them, quotas whose usage is
// not known yet, and the new usage of each quota, or the first one exceeded. Pure: returns the
// quotas to write back (status.used) or the reason for a 403, in upstream's words.
import type { KObject } from '../../lib/api/types';
import {
  addLists, countQuantity, exceeded, formatResourceList, maskList, negativeNames, parseResourceList, prettyPrint, removeZeros, subtractLists, type QuantityList,
} from '../../lib/api/quota-math';

/** The difference limited to a's keys, negatives as zero. */
function nonNegative(diff: QuantityList, a: QuantityList): QuantityList {
  const out: QuantityList = {};
  for (const k of Object.keys(a)) out[k] = diff[k].sign < 0 ? countQuantity(0) : diff[k];
  return out;
}
import { matchingResources, podConstraintError, quotaMatches, usageOf, type GroupResource, type ResourceQuotaLike } from '../../lib/api/quota-usage';

export type QuotaDecision =
  | { allowed: true; updates: { quota: ResourceQuotaLike; used: Record<string, string> }[] }
  | { allowed: false; message: string };

const isPods = (gr: GroupResource) => !gr.group && gr.resource === 'pods';

/**
 * old: the stored object of an update; the charge is then what grew (SubtractWithNonNegativeResult)
 * for quotas that already counted the old object, all of it for quotas that did not.
 */
export function checkQuotas(quotas: ResourceQuotaLike[], gr: GroupResource, obj: KObject, now: Date, old?: KObject): QuotaDecision {
  const interesting: ResourceQuotaLike[] = [];
  for (const q of quotas) {
    if (!quotaMatches(q, gr, obj)) continue;
    const restricted = matchingResources(gr, Object.keys(q.status?.hard ?? {}));
    if (isPods(gr)) {
      const err = podConstraintError(restricted, obj);
      if (err) return { allowed: false, message: `failed quota: ${q.metadata.name}: ${err}` };
    }
    const used = q.status?.used ?? {};
    if (restricted.some((r) => !(r in used)))
      return { allowed: false, message: `status unknown for quota: ${q.metadata.name}, resources: ${[...restricted].sort().join(',')}` };
    interesting.push(q);
  }
  if (interesting.length === 0) return { allowed: true, updates: [] };

  const usage = usageOf(gr, obj, now);
  const negative = negativeNames(usage);
  if (negative.length) return { allowed: false, message: `quota usage is negative for resource(s): ${negative.join(',')}` };
  const grown = old ? nonNegative(subtractLists(usage, usageOf(gr, old, now)), usage) : usage;

  const updates: { quota: ResourceQuotaLike; used: Record<string, string> }[] = [];
  for (const q of interesting) {
    const delta = removeZeros(old && quotaMatches(q, gr, old) ? grown : usage);
    if (Object.keys(delta).length === 0) continue;
    const hard = parseResourceList(q.status?.hard);
    const used = parseResourceList(q.status?.used);
    const requested = maskList(delta, Object.keys(hard));
    if (Object.keys(requested).length === 0) continue;
    const next: QuantityList = addLists(used, requested);
    const over = exceeded(maskList(next, Object.keys(requested)), hard);
    if (over.length) {
      return {
        allowed: false,
        message: `exceeded quota: ${q.metadata.name}, requested: ${prettyPrint(maskList(requested, over))}, used: ${prettyPrint(maskList(used, over))}, limited: ${prettyPrint(maskList(hard, over))}`,
      };
    }
    updates.push({ quota: q, used: formatResourceList(next) });
  }
  return { allowed: true, updates };
}
