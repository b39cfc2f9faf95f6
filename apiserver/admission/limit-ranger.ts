// LimitRanger admission, as upstream's plugin does it: a new pod's containers (and init containers)
// get the LimitRanges' default limits and default requests for whatever they leave unset, with the
// kubernetes.io/limit-ranger annotation saying what was set; then min, max and
// maxLimitRequestRatio are enforced per Container, per Pod (sums, init containers as the peak) and
// per PersistentVolumeClaim (storage requests). Pure: the caller lists the LimitRanges and turns
// the returned messages into a 403 with upstream's wording.
import type { KObject } from '../../lib/api/types';
import { compareQuantities, formatQuantity, quantityValue, type Quantity } from '../../lib/api/quantity';
import { addQuantity, parseResourceList, type QuantityList } from '../../lib/api/quota-math';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

export interface LimitRangeItem {
  type?: string;
  max?: Record<string, unknown>;
  min?: Record<string, unknown>;
  default?: Record<string, unknown>;
  defaultRequest?: Record<string, unknown>;
  maxLimitRequestRatio?: Record<string, unknown>;
}

export interface LimitRangeLike extends KObject {
  spec?: { limits?: LimitRangeItem[] };
}

type Obj = Record<string, any>;
const items = (lr: LimitRangeLike): LimitRangeItem[] => (Array.isArray(lr.spec?.limits) ? lr.spec!.limits! : []);

/** Merges one LimitRange's Container defaults into every container that lacks them; the annotation parts. */
function mergeDefaults(pod: Obj, lr: LimitRangeLike): string[] {
  const limits: Record<string, unknown> = {};
  const requests: Record<string, unknown> = {};
  for (const it of items(lr)) {
    if (it?.type !== 'Container') continue;
    Object.assign(requests, it.defaultRequest ?? {});
    Object.assign(limits, it.default ?? {});
  }
  const notes: string[] = [];
  const each = (list: unknown, what: string) => {
    if (!Array.isArray(list)) return;
    for (const c of list as Obj[]) {
      if (!c || typeof c !== 'object') continue;
      const r = (c.resources ??= {});
      const lim = (r.limits ??= {});
      const req = (r.requests ??= {});
      const setLimits = Object.keys(limits).filter((k) => !(k in lim)).sort();
      const setRequests = Object.keys(requests).filter((k) => !(k in req)).sort();
      for (const k of setLimits) lim[k] = limits[k];
      for (const k of setRequests) req[k] = requests[k];
      if (setRequests.length) notes.push(`${setRequests.join(', ')} request for ${what} ${c.name}`);
      if (setLimits.length) notes.push(`${setLimits.join(', ')} limit for ${what} ${c.name}`);
    }
  };
  each(pod.spec?.containers, 'container');
  each(pod.spec?.initContainers, 'init container');
  return notes;
}

/** The mutating half: defaults from every LimitRange of the namespace, in place. */
export function applyLimitRangeDefaults(pod: KObject, ranges: LimitRangeLike[]): void {
  for (const lr of ranges) {
    const notes = mergeDefaults(pod as Obj, lr);
    if (notes.length) {
      pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
    }
  }
}

/** MilliValue (rounded up), or Value where a milli value would overflow, as upstream compares. */
const milli = (q: Quantity): bigint => quantityValue({ ...q, text: undefined, exponent: q.exponent + 3 });
const show = formatQuantity;

function minConstraint(type: string, name: string, enforced: Quantity, req: QuantityList, lim: QuantityList): string | undefined {
  const r = req[name];
  const l = lim[name];
  if (!r) return `minimum ${name} usage per ${type} is ${show(enforced)}.  No request is specified.`;
  if (milli(r) < milli(enforced)) return `minimum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(r)}.`;
  if (l && milli(l) < milli(enforced)) return `minimum ${name} usage per ${type} is ${show(enforced)}, but limit is ${show(l)}.`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, req: QuantityList, lim: QuantityList): string | undefined {
  const r = req[name];
  const l = lim[name];
  if (!l) return `maximum ${name} usage per ${type} is ${show(enforced)}.  No limit is specified.`;
  if (milli(l) > milli(enforced)) return `maximum ${name} usage per ${type} is ${show(enforced)}, but limit is ${show(l)}.`;
  if (r && milli(r) > milli(enforced)) return `maximum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(r)}.`;
  return undefined;
}

function maxRequestConstraint(type: string, name: string, enforced: Quantity, req: QuantityList): string | undefined {
  const r = req[name];
  if (!r) return `maximum ${name} usage per ${type} is ${show(enforced)}.  No request is specified.`;
  if (milli(r) > milli(enforced)) return `maximum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(r)}.`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: Quantity, req: QuantityList, lim: QuantityList): string | undefined {
  const r = req[name] ? milli(req[name]) : 0n;
  const l = lim[name] ? milli(lim[name]) : 0n;
  if (r === 0n) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but no request is specified or request is 0.`;
  if (l === 0n) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but no limit is specified or limit is 0.`;
  const ratio = Number(l) / Number(r);
  if (ratio * 1000 > Number(milli(enforced))) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but provided ratio is ${ratio.toFixed(6)}.`;
  return undefined;
}

function checkItem(it: LimitRangeItem, type: string, req: QuantityList, lim: QuantityList): string[] {
  const out: (string | undefined)[] = [];
  const each = (m: Record<string, unknown> | undefined, f: (name: string, q: Quantity) => string | undefined) => {
    const parsed = parseResourceList(m);
    for (const k of Object.keys(parsed).sort()) out.push(f(k, parsed[k]));
  };
  each(it.min, (k, q) => minConstraint(type, k, q, req, lim));
  each(it.max, (k, q) => maxConstraint(type, k, q, req, lim));
  each(it.maxLimitRequestRatio, (k, q) => ratioConstraint(type, k, q, req, lim));
  return out.filter((m): m is string => !!m);
}

/** Sums of the app containers, raised to any single init container's value (the pod's peak). */
function podTotals(pod: Obj, which: 'requests' | 'limits'): QuantityList {
  const lists = ((pod.spec?.containers ?? []) as Obj[]).map((c) => parseResourceList(c?.resources?.[which]));
  // upstream's sum keeps only resources that every container states
  const keys = new Set(lists.flatMap((l) => Object.keys(l)));
  const total: QuantityList = {};
  for (const k of keys) if (lists.every((l) => k in l)) total[k] = lists.map((l) => l[k]).reduce((a, b) => addQuantity(a, b));
  for (const c of (pod.spec?.initContainers ?? []) as Obj[]) {
    for (const [k, v] of Object.entries(parseResourceList(c?.resources?.[which]))) if (!(k in total) || compareQuantities(v, total[k]) > 0) total[k] = v;
  }
  return total;
}

/** The validating half for a pod: every violated constraint's message. */
export function podLimitViolations(pod: KObject, ranges: LimitRangeLike[]): string[] {
  const p = pod as Obj;
  const errs: string[] = [];
  for (const lr of ranges) {
    for (const it of items(lr)) {
      if (it?.type === 'Container') {
        for (const c of [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])] as Obj[])
          errs.push(...checkItem(it, 'Container', parseResourceList(c?.resources?.requests), parseResourceList(c?.resources?.limits)));
      } else if (it?.type === 'Pod') errs.push(...checkItem(it, 'Pod', podTotals(p, 'requests'), podTotals(p, 'limits')));
    }
  }
  return errs;
}

/** The validating half for a PersistentVolumeClaim: storage requests against min and max. */
export function claimLimitViolations(pvc: KObject, ranges: LimitRangeLike[]): string[] {
  const req = parseResourceList((pvc as Obj).spec?.resources?.requests);
  const errs: (string | undefined)[] = [];
  for (const lr of ranges) {
    for (const it of items(lr)) {
      if (it?.type !== 'PersistentVolumeClaim') continue;
      const min = parseResourceList(it.min);
      const max = parseResourceList(it.max);
      for (const k of Object.keys(min).sort()) errs.push(minConstraint('PersistentVolumeClaim', k, min[k], req, {}));
      for (const k of Object.keys(max).sort()) errs.push(maxRequestConstraint('PersistentVolumeClaim', k, max[k], req));
    }
  }
  return errs.filter((m): m is string => !!m);
}

/** utilerrors.NewAggregate's text: one message alone, several in brackets. */
export const aggregate = (msgs: string[]): string => (msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`);
