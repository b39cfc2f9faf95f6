// What an object costs against a ResourceQuota, as upstream's quota evaluators measure it: pods
// (compute requests and limits, "pods", scopes Terminating/NotTerminating/BestEffort/NotBestEffort/
// PriorityClass), services (node ports, load balancers), persistentvolumeclaims (storage, per
// storage class) and a plain object count (`count/<resource>[.<group>]`, plus the legacy names
// configmaps, secrets, resourcequotas, replicationcontrollers) for every other kind. Quota admission
// and the resource quota controller both measure through here. Pure.
import type { KObject } from './types';
import { computePodQos } from './qos';
import { addLists, countQuantity, maxLists, parseResourceList, type QuantityList } from './quota-math';
import { aggregatePodAmounts } from './pod-resources';

export interface GroupResource {
  group: string;
  resource: string;
}

export interface ScopeRequirement {
  scopeName: string;
  operator?: string;
  values?: string[];
}

export interface ResourceQuotaLike extends KObject {
  spec?: { hard?: Record<string, unknown>; scopes?: string[]; scopeSelector?: { matchExpressions?: ScopeRequirement[] } | null };
  status?: { hard?: Record<string, unknown>; used?: Record<string, unknown> };
}

export const POD_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

/** The object-count name of a group-resource: count/pods, count/deployments.apps. */
export const objectCountName = (gr: GroupResource): string => (gr.group ? `count/${gr.resource}.${gr.group}` : `count/${gr.resource}`);

/** Legacy names that count objects like count/<resource> does (core kinds only). */
const LEGACY_COUNT = new Set(['configmaps', 'secrets', 'resourcequotas', 'replicationcontrollers']);

const POD_RESOURCES = new Set([
  'count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods',
]);
const SERVICE_RESOURCES = new Set(['count/services', 'services', 'services.nodeports', 'services.loadbalancers']);
const PVC_RESOURCES = new Set(['count/persistentvolumeclaims', 'persistentvolumeclaims', 'requests.storage']);
const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

/** The quota-tracked cpu and memory names whose presence forces every container to state them (upstream's compatibility rule). */
const VALIDATION_SET = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

const isNative = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
const isExtendedResource = (name: string) => !isNative(name) && !name.startsWith('requests.');
const isQuotaExtended = (name: string) => !isNative(name) && name.startsWith('requests.');

/** Which of the quota's resource names this kind's objects can consume. */
export function matchingResources(gr: GroupResource, names: string[]): string[] {
  if (!gr.group && gr.resource === 'pods')
    return names.filter((n) => POD_RESOURCES.has(n) || n.startsWith('hugepages-') || n.startsWith('requests.hugepages-') || isQuotaExtended(n));
  if (!gr.group && gr.resource === 'services') return names.filter((n) => SERVICE_RESOURCES.has(n));
  if (!gr.group && gr.resource === 'persistentvolumeclaims')
    return names.filter((n) => PVC_RESOURCES.has(n) || (n.includes(STORAGE_CLASS_SUFFIX) && /\/(requests\.storage|persistentvolumeclaims)$/.test(n)));
  const count = objectCountName(gr);
  return names.filter((n) => n === count || (!gr.group && LEGACY_COUNT.has(gr.resource) && n === gr.resource));
}

type Obj = Record<string, any>;

function podRequirements(pod: Obj, which: 'requests' | 'limits'): QuantityList {
  const of = (c: Obj) => parseResourceList(c?.resources?.[which]);
  const total = aggregatePodAmounts<Obj, QuantityList>(pod.spec ?? {}, of, { zero: () => ({}), add: addLists, max: maxLists });
  const overhead = parseResourceList(pod.spec?.overhead);
  return Object.keys(overhead).length ? addLists(total, overhead) : total;
}

/** podComputeUsageHelper: what a container's (or the pod's summed) requests and limits charge. */
function computeUsage(requests: QuantityList, limits: QuantityList): QuantityList {
  const out: QuantityList = { pods: countQuantity(1) };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    if (r in requests) {
      out[r] = requests[r];
      out[`requests.${r}`] = requests[r];
    }
    if (r in limits) out[`limits.${r}`] = limits[r];
  }
  for (const [k, v] of Object.entries(requests)) {
    if (k.startsWith('hugepages-')) {
      out[k] = v;
      out[`requests.${k}`] = v;
    } else if (isExtendedResource(k)) out[`requests.${k}`] = v;
  }
  return out;
}

/** QuotaV1Pod: a pod in a terminal phase, or past its deletion grace period, no longer uses compute quota. */
export function podChargesCompute(pod: Obj, now: Date): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deleted = pod.metadata?.deletionTimestamp;
  if (deleted && typeof pod.metadata?.deletionGracePeriodSeconds === 'number') {
    const end = Date.parse(deleted) + pod.metadata.deletionGracePeriodSeconds * 1000;
    if (now.getTime() > end) return false;
  }
  return true;
}

/** What one object of the kind charges (before masking to a quota's names). */
export function usageOf(gr: GroupResource, obj: KObject, now: Date): QuantityList {
  const o = obj as Obj;
  const out: QuantityList = { [objectCountName(gr)]: countQuantity(1) };
  if (gr.group) return out;
  switch (gr.resource) {
    case 'pods':
      return podChargesCompute(o, now) ? addLists(out, computeUsage(podRequirements(o, 'requests'), podRequirements(o, 'limits'))) : out;
    case 'services': {
      out.services = countQuantity(1);
      const ports = Array.isArray(o.spec?.ports) ? o.spec.ports.length : 0;
      if (o.spec?.type === 'NodePort') out['services.nodeports'] = countQuantity(ports);
      if (o.spec?.type === 'LoadBalancer') {
        out['services.nodeports'] = countQuantity(o.spec?.allocateLoadBalancerNodePorts === false ? 0 : ports);
        out['services.loadbalancers'] = countQuantity(1);
      }
      return out;
    }
    case 'persistentvolumeclaims': {
      out.persistentvolumeclaims = countQuantity(1);
      const storage = parseResourceList(o.spec?.resources?.requests).storage;
      const cls: string | undefined = o.spec?.storageClassName ?? o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'];
      if (cls) out[`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`] = countQuantity(1);
      if (storage) {
        out['requests.storage'] = storage;
        if (cls) out[`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`] = storage;
      }
      return out;
    }
    default:
      if (LEGACY_COUNT.has(gr.resource)) out[gr.resource] = countQuantity(1);
      return out;
  }
}

function podMatchesScope(pod: Obj, s: ScopeRequirement): boolean {
  const terminating = typeof pod.spec?.activeDeadlineSeconds === 'number' && pod.spec.activeDeadlineSeconds >= 0;
  switch (s.scopeName) {
    case 'Terminating':
      return terminating;
    case 'NotTerminating':
      return !terminating;
    case 'BestEffort':
      return computePodQos(pod) === 'BestEffort';
    case 'NotBestEffort':
      return computePodQos(pod) !== 'BestEffort';
    case 'PriorityClass': {
      const pc: string = pod.spec?.priorityClassName ?? '';
      const op = s.operator ?? 'Exists';
      if (op === 'Exists') return pc !== '';
      if (op === 'DoesNotExist') return pc === '';
      if (op === 'In') return pc !== '' && (s.values ?? []).includes(pc);
      if (op === 'NotIn') return pc === '' || !(s.values ?? []).includes(pc);
      return false;
    }
    case 'CrossNamespacePodAffinity': {
      const terms = (a: Obj | undefined) => [...(a?.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: Obj) => w?.podAffinityTerm)];
      return [...terms(pod.spec?.affinity?.podAffinity), ...terms(pod.spec?.affinity?.podAntiAffinity)].some((t: Obj) => (t?.namespaces?.length ?? 0) > 0 || !!t?.namespaceSelector);
    }
    default:
      return false;
  }
}

/** The quota's scopes as selector requirements (spec.scopes are Exists requirements). */
export function scopeSelectorsOf(q: ResourceQuotaLike): ScopeRequirement[] {
  return [...(q.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })), ...(q.spec?.scopeSelector?.matchExpressions ?? [])];
}

/** generic.Matches: the quota tracks something this kind consumes and every scope matches (only pods have scopes). */
export function quotaMatches(q: ResourceQuotaLike, gr: GroupResource, obj: KObject): boolean {
  if (matchingResources(gr, Object.keys(q.status?.hard ?? {})).length === 0) return false;
  const isPod = !gr.group && gr.resource === 'pods';
  return scopeSelectorsOf(q).every((s) => isPod && podMatchesScope(obj as Obj, s));
}

/**
 * The pod evaluator's Constraints: when a quota tracks cpu or memory, every container must state
 * them. Undefined when satisfied, else upstream's "must specify ..." text.
 */
export function podConstraintError(required: string[], pod: KObject): string | undefined {
  const needed = required.filter((r) => VALIDATION_SET.has(r));
  if (needed.length === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  const spec = (pod as Obj).spec ?? {};
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as Obj[]) {
    const has = computeUsage(parseResourceList(c?.resources?.requests), parseResourceList(c?.resources?.limits));
    for (const r of needed) if (!(r in has)) (missing.get(r) ?? missing.set(r, new Set()).get(r)!).add(String(c?.name ?? ''));
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

/** Total usage of the given objects, masked to the quota's names (the controller's recalculation). */
export function totalUsage(gr: GroupResource, objects: KObject[], q: ResourceQuotaLike, names: string[], now: Date): QuantityList {
  let total: QuantityList = {};
  for (const n of names) total[n] = countQuantity(0);
  for (const o of objects) {
    if (!quotaMatches(q, gr, o)) continue;
    const u = usageOf(gr, o, now);
    const masked: QuantityList = {};
    for (const n of names) if (n in u) masked[n] = u[n];
    total = addLists(total, masked);
  }
  return total;
}
