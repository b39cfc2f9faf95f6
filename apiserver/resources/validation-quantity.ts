// Resource quantities and resource names wherever they appear: container and pod requirements
// (requests ≤ limits, extended resources whole and requests == limits, hugepages multiples of
// their page size), pod overhead, node capacity, volume capacities and sizes. kube-apiserver
// refuses a quantity that does not parse while decoding (400); here it is a 422 cause on the field,
// as issue 8 asks, worded with resource.ParseQuantity's own error.
import {
  compareQuantities, decodeQuantity, formatQuantity, isWholeQuantity, parseQuantityExact, QuantityParseError, quantityValue, type Quantity,
} from '../../lib/api/quantity';
import { duplicate, forbidden, invalid, invalidShown, notFound, notSupported, required, type FieldError } from './field-errors';
import { dns1123Label } from './validation';
import { qualifiedNameErrors } from './validation-names';

type Obj = Record<string, any>;
const isMap = (m: unknown): m is Obj => !!m && typeof m === 'object' && !Array.isArray(m);

/** The quantity at `field`, or the field error saying why it does not parse. */
export function readQuantity(field: string, v: unknown): { q?: Quantity; errs: FieldError[] } {
  try {
    return { q: decodeQuantity(v), errs: [] };
  } catch (e) {
    if (e instanceof QuantityParseError) return { errs: [invalid(field, v, e.reason)] };
    throw e;
  }
}

/** Just the parse check, for quantities upstream only decodes (statuses, claim limits). */
export function quantityField(field: string, v: unknown): FieldError[] {
  return v === undefined || v === null ? [] : readQuantity(field, v).errs;
}

/** Every value of a resource map parses; `keyPath` chooses `[k]` or `.k` as upstream spells the path. */
export function parsedResourceList(field: string, list: unknown, keyPath: (f: string, k: string) => string = (f, k) => `${f}[${k}]`): FieldError[] {
  if (!isMap(list)) return [];
  return Object.entries(list).flatMap(([k, v]) => quantityField(keyPath(field, k), v));
}

export function nonNegativeQuantity(field: string, q: Quantity): FieldError[] {
  return q.sign < 0 ? [invalid(field, formatQuantity(q), 'must be greater than or equal to 0')] : [];
}

export function positiveQuantity(field: string, q: Quantity): FieldError[] {
  return q.sign <= 0 ? [invalid(field, formatQuantity(q), 'must be greater than zero')] : [];
}

const HUGEPAGES = 'hugepages-';
const STANDARD_CONTAINER = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const INTEGER = new Set(['pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

const isHugePages = (name: string) => name.startsWith(HUGEPAGES);
/** Unprefixed names and names under kubernetes.io/ are Kubernetes' own. */
export const isNativeResource = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
export const isExtendedResource = (name: string) =>
  !isNativeResource(name) && !name.startsWith('requests.') && qualifiedNameErrors(`requests.${name}`).length === 0;
const isOvercommitAllowed = (name: string) => isNativeResource(name) && !isHugePages(name);
const isStandardResource = (name: string) => STANDARD.has(name) || isHugePages(name) || name.startsWith(`requests.${HUGEPAGES}`);
const isIntegerResource = (name: string) => INTEGER.has(name) || isExtendedResource(name);

/** validateResourceName: a qualified name, and a standard one when it has no domain. */
export function resourceName(field: string, name: string): FieldError[] {
  const errs = qualifiedNameErrors(name).map((m) => invalid(field, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResource(name)) return [invalid(field, name, 'must be a standard resource type or fully qualified')];
  return [];
}

/** validateContainerResourceName: cpu, memory, ephemeral-storage, hugepages-*, or an extended resource. */
export function containerResourceName(field: string, name: string): FieldError[] {
  const errs = resourceName(field, name);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER.has(name) && !isHugePages(name)) return [...errs, invalid(field, name, 'must be a standard resource for containers')];
  } else if (!isNativeResource(name) && !isExtendedResource(name)) return [...errs, invalid(field, name, "doesn't follow extended resource name standard")];
  return errs;
}

/** validatePodResourceName (pod-level resources): cpu and memory. */
export function podResourceName(field: string, name: string): FieldError[] {
  const errs = resourceName(field, name);
  if (errs.length) return errs;
  return ['cpu', 'memory'].includes(name) ? [] : [notSupported(field, name, ['cpu', 'memory'])];
}

/** ValidateResourceQuantityValue: not negative, and whole for the integer (counted and extended) resources. */
export function resourceQuantityValue(name: string, q: Quantity, field: string): FieldError[] {
  const errs = nonNegativeQuantity(field, q);
  if (isIntegerResource(name) && !isWholeQuantity(q)) errs.push(invalidShown(field, formatQuantity(q), 'must be an integer'));
  return errs;
}

/** The page size of hugepages-<size> must divide the amount (IsHugePageResourceValueDivisible). */
function hugePageErrors(name: string, q: Quantity, field: string): FieldError[] {
  let ok = false;
  try {
    const page = parseQuantityExact(name.slice(HUGEPAGES.length));
    const size = quantityValue(page);
    ok = page.sign > 0 && isWholeQuantity(page) && size !== 0n && quantityValue(q) % size === 0n;
  } catch (e) {
    if (!(e instanceof QuantityParseError)) throw e;
  }
  return ok ? [] : [invalid(field, formatQuantity(q), `${formatQuantity(q)} is not positive integer multiple of ${name}`)];
}

type NameCheck = (field: string, name: string) => FieldError[];

/** validateResourceRequirements for a container (or pod-level / overhead resources with another name check). */
export function resourceRequirements(res: unknown, field: string, nameCheck: NameCheck, claimNames?: Set<string>): FieldError[] {
  if (!isMap(res)) return [];
  const errs: FieldError[] = [];
  const limPath = `${field}.limits`;
  const reqPath = `${field}.requests`;
  const limits = new Map<string, Quantity>();
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, v] of Object.entries(isMap(res.limits) ? res.limits : {})) {
    const f = `${limPath}[${name}]`;
    errs.push(...nameCheck(f, name));
    const { q, errs: parse } = readQuantity(f, v);
    errs.push(...parse);
    if (!q) continue;
    limits.set(name, q);
    errs.push(...resourceQuantityValue(name, q, f));
    if (isHugePages(name)) {
      hugePages = true;
      errs.push(...hugePageErrors(name, q, f));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, v] of Object.entries(isMap(res.requests) ? res.requests : {})) {
    const f = `${reqPath}[${name}]`;
    errs.push(...nameCheck(f, name));
    const { q, errs: parse } = readQuantity(f, v);
    errs.push(...parse);
    if (!q) continue;
    errs.push(...resourceQuantityValue(name, q, f));
    const limit = limits.get(name);
    const limitGiven = isMap(res.limits) && name in res.limits;
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) errs.push(invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      else if (cmp > 0) errs.push(invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
    } else if (!limitGiven && !isOvercommitAllowed(name)) errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    if (isHugePages(name)) {
      hugePages = true;
      errs.push(...hugePageErrors(name, q, f));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (hugePages && !cpuOrMemory) errs.push(forbidden(field, 'HugePages require cpu or memory'));
  if (claimNames) errs.push(...resourceClaimNames(res.claims, claimNames, `${field}.claims`));
  return errs;
}

/** validateResourceClaimNames: each claim names an entry of pod.spec.resourceClaims, once. */
function resourceClaimNames(claims: unknown, podClaims: Set<string>, field: string): FieldError[] {
  if (!Array.isArray(claims)) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  claims.forEach((c: Obj, i) => {
    const f = `${field}[${i}]`;
    const name = typeof c?.name === 'string' ? c.name : '';
    if (!name) {
      errs.push(required(f));
      return;
    }
    if (seen.has(name)) errs.push(duplicate(f, name));
    else {
      let key = name;
      if (c.request) {
        errs.push(...dns1123Label(`${f}.request`, String(c.request)));
        key += `/${c.request}`;
      }
      if (seen.has(key)) errs.push(duplicate(f, key));
      else if (!c.request) for (const k of seen) if (k.startsWith(`${name}/`)) errs.push(duplicate(f, name));
      seen.add(key);
    }
    if (!podClaims.has(name)) {
      const names = [...podClaims].sort();
      errs.push(notFound(f, name, `must be one of the names in pod.spec.resourceClaims${names.length ? `: ${names.join(', ')}` : ' which is empty'}`));
    }
  });
  return errs;
}

/** Node capacity and allocatable: ValidateResourceQuantityValue at status.capacity.<name>. */
export function nodeResources(field: string, list: unknown): FieldError[] {
  if (!isMap(list)) return [];
  return Object.entries(list).flatMap(([name, v]) => {
    const f = `${field}.${name}`;
    const { q, errs } = readQuantity(f, v);
    return q ? resourceQuantityValue(name, q, f) : errs;
  });
}

/** validateBasicResource: Value() not negative (the bad value printed as a number). */
export function basicResource(field: string, q: Quantity): FieldError[] {
  const v = quantityValue(q);
  return v < 0n ? [invalid(field, v, 'must be a valid resource quantity')] : [];
}

/** validateContainerResourceDivisor: the canonical divisor among the supported ones for the resource. */
export function resourceDivisor(resource: string, divisor: unknown, field: string): FieldError[] {
  if (divisor === undefined || divisor === null) return [];
  const { q, errs } = readQuantity(`${field}.divisor`, divisor);
  if (!q) return errs;
  if (q.sign === 0) return [];
  const shown = formatQuantity(q);
  const sizes = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];
  const rule = (allowed: string[], what: string) =>
    allowed.includes(shown) ? [] : [invalid(`${field}.divisor`, resource, `only divisor's values ${allowed.join(', ')} are supported with the ${what}`)];
  switch (resource) {
    case 'limits.cpu':
    case 'requests.cpu':
      return ['1m', '1'].includes(shown) ? [] : [invalid(`${field}.divisor`, resource, "only divisor's values 1m and 1 are supported with the cpu resource")];
    case 'limits.memory':
    case 'requests.memory':
      return rule(sizes, 'memory resource');
    case 'limits.ephemeral-storage':
    case 'requests.ephemeral-storage':
      return rule(sizes, 'local ephemeral storage resource');
  }
  if (resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) return rule(sizes, 'hugepages resource');
  return [];
}
