// Lease-backed endpoints, the deciding half: a selector-less Service whose endpoints are the
// processes that hold a live coordination.k8s.io/v1 Lease for it (as kube-apiserver's lease
// endpoint reconciler keeps the `kubernetes` Service). Each member renews `<service>-<identity>`;
// every member, on every renewal, writes the Service's EndpointSlice and Endpoints from the live
// leases. Pure: which leases are live at a given time, what the member's Lease, the slice and the
// Endpoints should be, and whether a stored object needs an update.
import type { Endpoints, EndpointPort, KObject, Lease, OwnerReference } from '../api/types';
import { SERVICE_NAME_LABEL, type EndpointSlice } from '../api/endpoint-slice';

/** On a member's Lease: which Service it serves (name and namespace, a label value cannot hold '/'). */
export const LEASE_SERVICE_LABEL = 'k8ts.io/lease-endpoints-service';
export const LEASE_SERVICE_NAMESPACE_LABEL = 'k8ts.io/lease-endpoints-namespace';
/** On a member's Lease: the address it is reached at. */
export const LEASE_ADDRESS_ANNOTATION = 'k8ts.io/lease-endpoints-address';
/** On a member's Lease: the node it runs on, when it runs on one. */
export const LEASE_NODE_ANNOTATION = 'k8ts.io/lease-endpoints-node';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'k8ts-lease-endpoints';
/** We write the slice ourselves: a mirroring controller must not derive another from the Endpoints. */
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';

export interface ServiceRef {
  namespace: string;
  name: string;
}

export interface Member {
  address: string;
  nodeName?: string;
}

export interface MemberLeaseInput {
  service: ServiceRef;
  leaseNamespace: string;
  /** Unique among the members (a node name): the Lease's holder and the tail of its name. */
  identity: string;
  address: string;
  nodeName?: string;
  leaseDurationSeconds: number;
}

export function leaseName(service: string, identity: string): string {
  return `${service}-${identity}`;
}

export function sliceName(service: string): string {
  return `${service}-leases`;
}

/** Selects every member Lease of one Service. */
export function leaseSelector(s: ServiceRef): string {
  return `${LEASE_SERVICE_LABEL}=${s.name},${LEASE_SERVICE_NAMESPACE_LABEL}=${s.namespace}`;
}

/** MicroTime, as the Lease API writes it (microsecond precision). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** The member's Lease after a renewal at `now`: created, or `current` with a fresh renewTime and this member's address. */
export function memberLease(i: MemberLeaseInput, now: number, current?: Lease): Lease {
  const ts = microTime(now);
  const labels = { ...(current?.metadata.labels ?? {}), [LEASE_SERVICE_LABEL]: i.service.name, [LEASE_SERVICE_NAMESPACE_LABEL]: i.service.namespace };
  const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}), [LEASE_ADDRESS_ANNOTATION]: i.address };
  if (i.nodeName) annotations[LEASE_NODE_ANNOTATION] = i.nodeName;
  else delete annotations[LEASE_NODE_ANNOTATION];
  const spec: Lease['spec'] = current
    ? { ...current.spec, holderIdentity: i.identity, leaseDurationSeconds: i.leaseDurationSeconds, renewTime: ts }
    : { holderIdentity: i.identity, leaseDurationSeconds: i.leaseDurationSeconds, acquireTime: ts, renewTime: ts };
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { ...(current?.metadata ?? {}), name: leaseName(i.service.name, i.identity), namespace: i.leaseNamespace, labels, annotations },
    spec,
  };
}

/** When the Lease runs out (ms since the epoch); undefined for one that cannot count as live. */
export function leaseExpiry(l: Lease): number | undefined {
  const renewed = Date.parse(l.spec?.renewTime ?? '');
  const seconds = l.spec?.leaseDurationSeconds;
  if (!Number.isFinite(renewed) || typeof seconds !== 'number' || !(seconds > 0)) return undefined;
  return renewed + seconds * 1000;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function ipKey(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/**
 * The members behind the unexpired Leases at `now`, one per address, sorted by address. A Lease
 * without a valid IPv4 address, renewal time or duration is not a member (anyone may write a
 * Lease; a bad one must not break the Service). `exclude` drops a member's own Lease: a member
 * that stops reconciles once without itself, whatever the Lease list still says.
 */
export function liveMembers(leases: Lease[], now: number, exclude?: string): Member[] {
  const byAddress = new Map<string, Member>();
  for (const l of leases) {
    if (exclude !== undefined && l.spec?.holderIdentity === exclude) continue;
    const expiry = leaseExpiry(l);
    if (expiry === undefined || expiry <= now) continue;
    const address = l.metadata.annotations?.[LEASE_ADDRESS_ANNOTATION] ?? '';
    if (!IPV4.test(address) || byAddress.has(address)) continue;
    const nodeName = l.metadata.annotations?.[LEASE_NODE_ANNOTATION];
    byAddress.set(address, nodeName ? { address, nodeName } : { address });
  }
  return [...byAddress.values()].sort((a, b) => ipKey(a.address) - ipKey(b.address));
}

/** Leases that ran out more than `graceMs` ago: a member that died without deleting its own. */
export function staleLeases(leases: Lease[], now: number, graceMs: number): Lease[] {
  return leases.filter((l) => {
    const expiry = leaseExpiry(l);
    return expiry === undefined ? true : expiry + graceMs <= now;
  });
}

export interface ServiceOwner extends ServiceRef {
  uid: string;
}

function ownerOf(svc: ServiceOwner): OwnerReference {
  return { apiVersion: 'v1', kind: 'Service', name: svc.name, uid: svc.uid, controller: true, blockOwnerDeletion: true };
}

/** The Service's one EndpointSlice: every live member, ready, with the members' ports. Owned by the Service (the garbage collector removes it with it). */
export function desiredSlice(svc: ServiceOwner, ports: EndpointPort[], members: Member[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName(svc.name),
      namespace: svc.namespace,
      labels: { [SERVICE_NAME_LABEL]: svc.name, [MANAGED_BY_LABEL]: MANAGED_BY },
      ownerReferences: [ownerOf(svc)],
    },
    addressType: 'IPv4',
    endpoints: members.map((m) => ({
      addresses: [m.address],
      conditions: { ready: true, serving: true, terminating: false },
      ...(m.nodeName ? { nodeName: m.nodeName } : {}),
    })),
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

/** The Service's Endpoints: one subset with every live member, none when there is none. */
export function desiredEndpoints(svc: ServiceRef, ports: EndpointPort[], members: Member[]): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.name, namespace: svc.namespace, labels: { [SKIP_MIRROR_LABEL]: 'true' } },
    subsets:
      members.length === 0
        ? []
        : [{ addresses: members.map((m) => (m.nodeName ? { ip: m.address, nodeName: m.nodeName } : { ip: m.address })), ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' })) }],
  };
}

/** JSON with sorted keys, so comparisons ignore key order (the apiserver may reorder). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Our labels are present with our values (others' extra labels are left alone). */
function labelsHeld(cur: KObject, want: KObject): boolean {
  const have = cur.metadata.labels ?? {};
  return Object.entries(want.metadata.labels ?? {}).every(([k, v]) => have[k] === v);
}

/** The stored slice with our fields set, or undefined when it already says what we want. */
export function sliceUpdate(cur: EndpointSlice, want: EndpointSlice): EndpointSlice | undefined {
  const same =
    labelsHeld(cur, want) &&
    cur.addressType === want.addressType &&
    canonical(cur.endpoints ?? []) === canonical(want.endpoints) &&
    canonical(cur.ports ?? []) === canonical(want.ports) &&
    canonical(cur.metadata.ownerReferences ?? []) === canonical(want.metadata.ownerReferences);
  if (same) return undefined;
  return {
    ...cur,
    metadata: { ...cur.metadata, labels: { ...(cur.metadata.labels ?? {}), ...want.metadata.labels }, ownerReferences: want.metadata.ownerReferences },
    addressType: want.addressType,
    endpoints: want.endpoints,
    ports: want.ports,
  };
}

/** The stored Endpoints with our subsets and labels, or undefined when nothing differs. */
export function endpointsUpdate(cur: Endpoints, want: Endpoints): Endpoints | undefined {
  if (labelsHeld(cur, want) && canonical(cur.subsets ?? []) === canonical(want.subsets ?? [])) return undefined;
  return { ...cur, metadata: { ...cur.metadata, labels: { ...(cur.metadata.labels ?? {}), ...want.metadata.labels } }, subsets: want.subsets };
}
