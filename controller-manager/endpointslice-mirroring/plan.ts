// The EndpointSlice mirroring decision, pure: which EndpointSlices a hand-written Endpoints
// object (of a Service without a selector) stands for, and what to create, update and delete to
// get there from the mirrored slices that exist. Consumers that read only slices (kube-proxy,
// cluster DNS) then see selector-less Services too, as in Kubernetes.
//
// Upstream's rules: mirror only while the Service exists without a selector and the Endpoints
// carries neither the skip-mirror label nor the leader-election annotation; one group of slices
// per (port set, address type), subsets with the same ports sharing it; at most 1000 addresses
// of each subset are mirrored, ready ones first; an Endpoints with no address at all still has
// one empty IPv4 slice, so that "no endpoints" is said rather than unknown. Slices are named by
// the server from `<endpoints-name>-` (generateName) and found again by their labels.
import { isIPv4, isIPv6 } from 'node:net';
import type { EndpointAddress, EndpointPort, Endpoints, KObject, Service } from '../../lib/api/types';
import { canonicalJson, ownerRefFor } from '../common/pod-utils';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../endpoints/slices';

export const MIRRORING_MANAGED_BY = 'endpointslicemirroring-controller.k8s.io';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
/** Endpoints used as a lock by old leader election are not service backends. */
export const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
/** Annotations that describe the Endpoints object itself, not its backends: never copied. */
const UNCOPIED_ANNOTATIONS = new Set(['endpoints.kubernetes.io/last-change-trigger-time', 'kubectl.kubernetes.io/last-applied-configuration']);
/** Upstream's --mirroring-max-endpoints-per-subset default, also the size of a mirrored slice. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;

export type AddressType = 'IPv4' | 'IPv6';

export interface MirrorEndpoint {
  addresses: string[];
  /** Endpoints only know ready or not: serving and terminating stay unset, as upstream. */
  conditions: { ready: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef?: EndpointAddress['targetRef'];
}

export interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface MirroredSlice extends KObject {
  addressType: AddressType;
  endpoints: MirrorEndpoint[];
  ports?: SlicePort[];
}

export interface MirrorPlan {
  /** New slices (metadata.generateName set, no name). */
  create: MirroredSlice[];
  /** Existing slices with their new content (name, uid and resourceVersion kept). */
  update: MirroredSlice[];
  delete: MirroredSlice[];
}

const hasSelector = (svc: Service) => !!svc.spec.selector && Object.keys(svc.spec.selector).length > 0;

/** Why this Endpoints is not mirrored, or undefined when it is. */
export function notMirroredBecause(svc: Service | undefined, ep: Endpoints | undefined): string | undefined {
  if (!ep) return 'no endpoints';
  if (!svc) return 'no service';
  if (hasSelector(svc)) return 'service has a selector';
  if (ep.metadata.labels?.[SKIP_MIRROR_LABEL] === 'true') return 'skip-mirror label';
  if (ep.metadata.annotations?.[LEADER_ANNOTATION] !== undefined) return 'leader-election lock';
  return undefined;
}

function addressType(ip: string): AddressType | undefined {
  if (isIPv4(ip)) return 'IPv4';
  if (isIPv6(ip)) return 'IPv6';
  return undefined;
}

function toEndpoint(a: EndpointAddress, ready: boolean): MirrorEndpoint {
  const e: MirrorEndpoint = { addresses: [a.ip], conditions: { ready } };
  if (a.hostname) e.hostname = a.hostname;
  if (a.nodeName) e.nodeName = a.nodeName;
  if (a.targetRef) e.targetRef = a.targetRef;
  return e;
}

function toSlicePorts(ports: EndpointPort[] | undefined): SlicePort[] {
  return (ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
}

/** A port set's identity: order and defaults do not matter. */
function portsKey(ports: SlicePort[] | undefined): string {
  const norm = (ports ?? []).map((p) => canonicalJson({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol }));
  return JSON.stringify(norm.sort());
}

const groupKey = (type: AddressType, ports: SlicePort[] | undefined) => `${type}|${portsKey(ports)}`;

interface Group {
  addressType: AddressType;
  ports: SlicePort[];
  /** Endpoint key (its canonical JSON) → endpoint, in the order the subsets list them. */
  endpoints: Map<string, MirrorEndpoint>;
}

/** The mirrored endpoints by (address type, port set). Addresses that are not IPs are skipped. */
export function desiredGroups(ep: Endpoints, maxPerSubset = MAX_ENDPOINTS_PER_SUBSET): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const subset of ep.subsets ?? []) {
    const ports = toSlicePorts(subset.ports);
    let added = 0;
    const candidates: [EndpointAddress, boolean][] = [
      ...(subset.addresses ?? []).map((a) => [a, true] as [EndpointAddress, boolean]),
      ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as [EndpointAddress, boolean]),
    ];
    for (const [a, ready] of candidates) {
      if (added >= maxPerSubset) break;
      const type = addressType(a.ip);
      if (!type) continue;
      const k = groupKey(type, ports);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { addressType: type, ports, endpoints: new Map() }));
      const e = toEndpoint(a, ready);
      g.endpoints.set(canonicalJson(e), e);
      added++;
    }
  }
  return groups;
}

/** Labels, annotations and owner of every slice mirrored from this Endpoints. */
export function sliceMeta(ep: Endpoints): Pick<KObject['metadata'], 'labels' | 'annotations' | 'ownerReferences'> {
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(ep.metadata.annotations ?? {})) if (!UNCOPIED_ANNOTATIONS.has(k)) annotations[k] = v;
  return {
    labels: { ...ep.metadata.labels, [SERVICE_NAME_LABEL]: ep.metadata.name!, [MANAGED_BY_LABEL]: MIRRORING_MANAGED_BY },
    annotations,
    ownerReferences: [ownerRefFor(ep, 'v1', 'Endpoints')],
  };
}

/** generateName for a mirrored slice: the Endpoints' name and a dash, as upstream. */
export function slicePrefix(name: string): string {
  return `${name}-`;
}

function metaSame(cur: KObject, meta: ReturnType<typeof sliceMeta>): boolean {
  return (
    canonicalJson(cur.metadata.labels ?? {}) === canonicalJson(meta.labels) &&
    canonicalJson(cur.metadata.annotations ?? {}) === canonicalJson(meta.annotations) &&
    canonicalJson(cur.metadata.ownerReferences ?? []) === canonicalJson(meta.ownerReferences)
  );
}

const byName = (a: KObject, b: KObject) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);

/**
 * What to do so that the mirrored slices `existing` (this Endpoints' slices, found by label)
 * say what `ep` says. Endpoints stay in the slice that already holds them; new ones fill the
 * slices with room, then new slices; a slice left empty is deleted, or reused (updated) for a new
 * one of its address type rather than deleted and created.
 */
export function planMirroring(svc: Service | undefined, ep: Endpoints | undefined, existing: MirroredSlice[], maxPerSlice = MAX_ENDPOINTS_PER_SUBSET): MirrorPlan {
  if (notMirroredBecause(svc, ep) !== undefined) return { create: [], update: [], delete: [...existing].sort(byName) };
  const endpoints = ep!;
  const meta = sliceMeta(endpoints);
  const groups = desiredGroups(endpoints, maxPerSlice);
  // Nothing to list: one empty IPv4 slice without ports says so.
  if (groups.size === 0) groups.set(groupKey('IPv4', []), { addressType: 'IPv4', ports: [], endpoints: new Map() });

  const plan: MirrorPlan = { create: [], update: [], delete: [] };
  const fresh: { addressType: AddressType; ports: SlicePort[]; endpoints: MirrorEndpoint[] }[] = [];
  const seen = new Set<MirroredSlice>();
  for (const [k, g] of groups) {
    const mine = existing.filter((s) => groupKey(s.addressType, s.ports) === k).sort(byName);
    for (const s of mine) seen.add(s);
    const remaining = new Map(g.endpoints);
    // Keep what each slice already holds and is still wanted.
    const kept = mine.map((s) => {
      const keep: MirrorEndpoint[] = [];
      for (const e of s.endpoints ?? []) {
        const ek = canonicalJson(e);
        const want = remaining.get(ek);
        if (want && keep.length < maxPerSlice) {
          keep.push(want);
          remaining.delete(ek);
        }
      }
      return keep;
    });
    // New endpoints fill the slices with room, then new slices.
    const rest = [...remaining.values()];
    for (const keep of kept) while (keep.length < maxPerSlice && rest.length) keep.push(rest.shift()!);
    for (let i = 0; i < rest.length; i += maxPerSlice) fresh.push({ addressType: g.addressType, ports: g.ports, endpoints: rest.slice(i, i + maxPerSlice) });
    mine.forEach((s, i) => {
      // The placeholder group keeps its first slice although it lists nothing.
      const placeholder = g.endpoints.size === 0 && i === 0;
      if (kept[i].length === 0 && !placeholder) {
        plan.delete.push(s);
        return;
      }
      const same = metaSame(s, meta) && canonicalJson(s.endpoints ?? []) === canonicalJson(kept[i]);
      if (!same) plan.update.push({ ...s, metadata: { ...s.metadata, ...meta }, endpoints: kept[i], ports: g.ports });
    });
    if (g.endpoints.size === 0 && mine.length === 0) fresh.push({ addressType: g.addressType, ports: g.ports, endpoints: [] });
  }
  // Slices of port sets or address types no longer wanted.
  for (const s of [...existing].sort(byName)) if (!seen.has(s)) plan.delete.push(s);

  for (const f of fresh) {
    // addressType is immutable, so only a slice of the same type can be reused.
    const i = plan.delete.findIndex((d) => d.addressType === f.addressType);
    if (i >= 0) {
      const [reuse] = plan.delete.splice(i, 1);
      plan.update.push({ ...reuse, metadata: { ...reuse.metadata, ...meta }, endpoints: f.endpoints, ports: f.ports });
      continue;
    }
    plan.create.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { generateName: slicePrefix(endpoints.metadata.name!), namespace: endpoints.metadata.namespace, ...meta },
      addressType: f.addressType,
      endpoints: f.endpoints,
      ports: f.ports,
    });
  }
  return plan;
}
