// Arithmetic over resource lists ({"requests.cpu": "500m", "pods": "2"}) with exact quantities, as
// apiserver/pkg/quota/v1's helpers do it: add, subtract, mask to a set of names, compare against
// hard limits, drop zeros. Quota admission and the resource quota controller share it, so the
// numbers the apiserver charges are the ones the controller recalculates. Pure.
import { compareQuantities, decodeQuantity, formatQuantity, type Quantity } from './quantity';

export type QuantityList = Record<string, Quantity>;
/** A resource list as it is in JSON (status.used, spec.hard). */
export type JsonResourceList = Record<string, string | number>;

const ZERO: Quantity = { sign: 0, mantissa: 0n, exponent: 0, format: 'DecimalSI' };

const signedMantissa = (q: Quantity): bigint => (q.sign < 0 ? -q.mantissa : q.mantissa);

function fromSigned(m: bigint, exponent: number, format: Quantity['format']): Quantity {
  if (m === 0n) return { ...ZERO, format };
  return { sign: m < 0n ? -1 : 1, mantissa: m < 0n ? -m : m, exponent, format };
}

/** a + b exactly, in a's format (b's when a is zero-valued and formatless, as Quantity.Add does). */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  const e = Math.min(a.exponent, b.exponent);
  const ma = signedMantissa(a) * 10n ** BigInt(a.exponent - e);
  const mb = signedMantissa(b) * 10n ** BigInt(b.exponent - e);
  return fromSigned(ma + mb, e, a.format);
}

export const negateQuantity = (q: Quantity): Quantity => fromSigned(-signedMantissa(q), q.exponent, q.format);
export const subtractQuantity = (a: Quantity, b: Quantity): Quantity => addQuantity(a, negateQuantity(b));

/** A whole count (pods: 1) as a DecimalSI quantity. */
export const countQuantity = (n: number): Quantity => fromSigned(BigInt(n), 0, 'DecimalSI');

/** Parses a JSON resource list; entries that do not parse are left out (validation refuses them). */
export function parseResourceList(list: unknown): QuantityList {
  const out: QuantityList = {};
  if (!list || typeof list !== 'object' || Array.isArray(list)) return out;
  for (const [k, v] of Object.entries(list as Record<string, unknown>)) {
    try {
      out[k] = decodeQuantity(v);
    } catch {
      /* refused on write; a corrupt stored value must not stop the sum */
    }
  }
  return out;
}

export function formatResourceList(list: QuantityList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(list).sort()) out[k] = formatQuantity(list[k]);
  return out;
}

/** quota.Add: every key of either list, summed where both have it. */
export function addLists(a: QuantityList, b: QuantityList): QuantityList {
  const out: QuantityList = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? addQuantity(a[k], v) : v;
  return out;
}

/** quota.Subtract: a's keys minus b's where present (b's own keys negated). */
export function subtractLists(a: QuantityList, b: QuantityList): QuantityList {
  const out: QuantityList = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? subtractQuantity(a[k], v) : negateQuantity(v);
  return out;
}

/** quota.Max: per key, the larger (keys of either). */
export function maxLists(a: QuantityList, b: QuantityList): QuantityList {
  const out: QuantityList = { ...a };
  for (const [k, v] of Object.entries(b)) if (!(k in a) || compareQuantities(v, a[k]) > 0) out[k] = v;
  return out;
}

/** quota.Mask: only the named keys. */
export function maskList(list: QuantityList, names: Iterable<string>): QuantityList {
  const out: QuantityList = {};
  for (const n of names) if (n in list) out[n] = list[n];
  return out;
}

export const removeZeros = (list: QuantityList): QuantityList => Object.fromEntries(Object.entries(list).filter(([, v]) => v.sign !== 0));
export const negativeNames = (list: QuantityList): string[] => Object.keys(list).filter((k) => list[k].sign < 0).sort();

/** quota.LessThanOrEqual: every key of a within b (a key b lacks is not limited); the names that are not. */
export function exceeded(a: QuantityList, b: QuantityList): string[] {
  return Object.keys(a).filter((k) => k in b && compareQuantities(a[k], b[k]) > 0).sort();
}

export function listsEqual(a: QuantityList, b: QuantityList): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && compareQuantities(a[k], b[k]) === 0);
}

/** prettyPrint: "k=v,k2=v2", keys sorted, values in their canonical form. */
export function prettyPrint(list: QuantityList): string {
  return Object.keys(list)
    .sort()
    .map((k) => `${k}=${formatQuantity(list[k])}`)
    .join(',');
}
