// An Ingress backend resolved to the addresses requests go to: the Service in the Ingress'
// namespace, its port by number or by name, and the ready endpoints of that port from the
// Service's EndpointSlices. The controller proxies to endpoints directly (as upstream ingress
// controllers do) rather than to the ClusterIP: round robin and 503-when-empty happen here, and
// the controller works without kube-proxy on its node.
import { SERVICE_NAME_LABEL, type EndpointSlice } from '../../lib/api/endpoint-slice';
import type { Service, ServicePort } from '../../lib/api/types';
import type { IngressBackend } from './api-types';

export interface Upstream {
  /** An IPv4 or IPv6 address (no brackets). */
  address: string;
  port: number;
}

export interface ResolvedBackend {
  /** `namespace/service:port` (the port as the Ingress names it): round-robin state and logs. */
  key: string;
  /** Ready endpoints, sorted; empty means every request gets 503. */
  endpoints: Upstream[];
  /** Why there are no endpoints, when something other than "none ready" is the reason. */
  problem?: string;
}

/** Services by `namespace/name` and EndpointSlices by `namespace/service`, built once per table. */
export interface BackendIndex {
  services: Map<string, Service>;
  slices: Map<string, EndpointSlice[]>;
}

export function backendIndex(services: readonly Service[], slices: readonly EndpointSlice[]): BackendIndex {
  const byService = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const k = `${s.metadata.namespace ?? ''}/${svc}`;
    byService.set(k, [...(byService.get(k) ?? []), s]);
  }
  return { services: new Map(services.map((s) => [`${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`, s])), slices: byService };
}

export function backendKey(namespace: string, b: IngressBackend): string {
  if (!b.service) return `${namespace}/<${b.resource?.kind ?? 'none'}:${b.resource?.name ?? ''}>`;
  const p = b.service.port;
  return `${namespace}/${b.service.name ?? ''}:${p?.number ?? p?.name ?? ''}`;
}

function servicePort(svc: Service, b: NonNullable<IngressBackend['service']>): ServicePort | undefined {
  const want = b.port ?? {};
  return (svc.spec?.ports ?? []).find((p) => (want.number !== undefined ? p.port === want.number : want.name !== undefined && p.name === want.name));
}

/**
 * The ready endpoints of one Service port. A slice's port is the Service port of the same name
 * (unnamed: ''); an endpoint whose ready condition is unset counts as ready (EndpointSlice API);
 * the first address is the endpoint's (the others are for the same backend). Duplicates across
 * slices, which the endpoints controller may leave for a moment while it moves endpoints, are
 * dropped.
 */
export function readyEndpoints(slices: readonly EndpointSlice[], portName: string): Upstream[] {
  const seen = new Map<string, Upstream>();
  for (const s of slices) {
    if (s.addressType !== 'IPv4' && s.addressType !== 'IPv6') continue;
    const p = (s.ports ?? []).find((sp) => (sp.name ?? '') === portName && (sp.protocol ?? 'TCP') === 'TCP');
    if (!p || typeof p.port !== 'number') continue;
    for (const e of s.endpoints ?? []) {
      if (e.conditions?.ready === false) continue;
      const address = e.addresses?.[0];
      if (!address) continue;
      seen.set(`${address}|${p.port}`, { address, port: p.port });
    }
  }
  return [...seen.values()].sort((a, b) => (a.address === b.address ? a.port - b.port : a.address < b.address ? -1 : 1));
}

export function resolveBackend(index: BackendIndex, namespace: string, b: IngressBackend): ResolvedBackend {
  const key = backendKey(namespace, b);
  const none = (problem: string): ResolvedBackend => ({ key, endpoints: [], problem });
  if (!b.service) return none(b.resource ? `resource backends (${b.resource.kind ?? '?'}) are not supported` : 'the backend names no service');
  const name = b.service.name ?? '';
  const svc = index.services.get(`${namespace}/${name}`);
  if (!svc) return none(`service ${namespace}/${name} not found`);
  if (svc.spec?.type === 'ExternalName') return none(`service ${namespace}/${name} is of type ExternalName, which is not supported`);
  const sp = servicePort(svc, b.service);
  if (!sp) return none(`service ${namespace}/${name} has no port ${b.service.port?.number ?? b.service.port?.name ?? '(none given)'}`);
  if ((sp.protocol ?? 'TCP') !== 'TCP') return none(`service port ${sp.name || sp.port} of ${namespace}/${name} is not TCP`);
  const endpoints = readyEndpoints(index.slices.get(`${namespace}/${name}`) ?? [], sp.name ?? '');
  return endpoints.length ? { key, endpoints } : { key, endpoints, problem: 'no ready endpoints' };
}
