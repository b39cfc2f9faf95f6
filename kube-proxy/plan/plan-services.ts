// Services + EndpointSlices + this node → the ProxyPlan every proxy mode programs (types.ts).
// Pure and deterministic: inputs are sorted first, so equal cluster state in any order gives an
// equal plan and equal payload text. What is decided here, following upstream kube-proxy:
//  - which Services get rules at all (an IPv4 cluster IP; never headless or ExternalName);
//  - which slices belong to a Service (the kubernetes.io/service-name label, same namespace,
//    IPv4 only) and which slice port serves which service port (same name, same protocol);
//  - endpoint conditions with nil read as the API says (ready nil → true, serving nil → ready,
//    terminating nil → false), and which endpoints a port uses: the ready ones, or when none is
//    ready the serving terminating ones, chosen separately for all endpoints and for this node's
//    (pkg/proxy/topology.go CategorizeEndpoints; topology hints are not used here);
//  - node ports only for NodePort and LoadBalancer, LB IPs only for LoadBalancer (ingress ips whose
//    ipMode is not Proxy), the health check port only with externalTrafficPolicy Local on a
//    LoadBalancer, ClientIP affinity with its timeout.
import type { EndpointSlice, SliceEndpoint, SlicePort } from '../../lib/api/endpoint-slice';
import { SERVICE_NAME_LABEL } from '../../lib/api/endpoint-slice';
import type { Service } from '../../lib/api/types';
import { DEFAULT_AFFINITY_SECONDS, isIPv4, isPort, protocolOf, unprogrammable, unprogrammableSpec } from './programmable';
import { compareEndpoints, ipv4Number, type PlannedEndpoint, type Protocol, type ProxyPlan, type ServicePortPlan } from './types';

export interface PlanServicesInput {
  services: Service[];
  endpointSlices: EndpointSlice[];
  /** This node's name: endpoints whose nodeName equals it are local. */
  nodeName: string;
}

const keyOf = (ns: string | undefined, name: string | undefined) => `${ns ?? 'default'}/${name ?? ''}`;
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Services that kube-proxy programs: an IPv4 cluster IP (so not headless), not ExternalName. */
export function isProxiable(svc: Service): boolean {
  if (!svc?.spec || svc.spec.type === 'ExternalName') return false;
  return isIPv4(svc.spec.clusterIP);
}

/** Conditions with nil read as upstream does. */
export function conditionsOf(e: SliceEndpoint): { ready: boolean; serving: boolean; terminating: boolean } {
  const c = e.conditions ?? {};
  const ready = c.ready !== false;
  return { ready, serving: c.serving === null || c.serving === undefined ? ready : c.serving, terminating: c.terminating === true };
}

/** The usable endpoints among `eps`: the ready ones, else the serving terminating ones. */
export function usable(eps: PlannedEndpoint[]): PlannedEndpoint[] {
  const ready = eps.filter((e) => e.ready);
  return ready.length > 0 ? ready : eps.filter((e) => e.serving && e.terminating);
}

/** The slice port serving a service port: same name ('' for an unnamed one) and protocol. */
function matchingPort(ports: SlicePort[] | null | undefined, portName: string, protocol: Protocol): number | undefined {
  for (const p of Array.isArray(ports) ? ports : []) {
    if (!p || typeof p !== 'object') continue;
    if ((p.name ?? '') !== portName || protocolOf(p.protocol) !== protocol) continue;
    // A slice port without a number means "all ports": nothing to DNAT to.
    return isPort(p.port) ? p.port : undefined;
  }
  return undefined;
}

/**
 * Every endpoint of one service port across the Service's slices, sorted. An address found in
 * several slices (as happens while the controller moves endpoints between slices) counts once:
 * the first slice by name wins, so the choice does not depend on cache order.
 */
function portEndpoints(slices: EndpointSlice[], portName: string, protocol: Protocol, nodeName: string): PlannedEndpoint[] {
  const seen = new Map<string, PlannedEndpoint>();
  for (const slice of slices) {
    const port = matchingPort(slice.ports, portName, protocol);
    if (port === undefined) continue;
    for (const e of Array.isArray(slice.endpoints) ? slice.endpoints : []) {
      // Upstream uses the first address of an endpoint; the others are for other consumers.
      const ip = e && Array.isArray(e.addresses) ? e.addresses[0] : undefined;
      if (!isIPv4(ip)) continue;
      const endpoint = `${ip}:${port}`;
      if (seen.has(endpoint)) continue;
      seen.set(endpoint, { ip, port, endpoint, local: !!nodeName && e.nodeName === nodeName, ...conditionsOf(e) });
    }
  }
  return [...seen.values()].sort(compareEndpoints);
}

function sortedIPs(ips: unknown[]): string[] {
  return [...new Set(ips.filter(isIPv4))].sort((a, b) => ipv4Number(a) - ipv4Number(b));
}

function loadBalancerIPs(svc: Service): string[] {
  if (svc.spec.type !== 'LoadBalancer') return [];
  const ingress = svc.status?.loadBalancer?.ingress;
  // ipMode Proxy: the load balancer proxies and sends from its own address to the node port, so
  // the node must not capture traffic to that IP itself.
  return sortedIPs((Array.isArray(ingress) ? ingress : []).filter((i) => i && i.ipMode !== 'Proxy').map((i) => i.ip));
}

/** The Service's EndpointSlices, by "ns/name", each list sorted by slice name. */
function slicesByService(slices: EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svcName = s?.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svcName || s.addressType !== 'IPv4') continue;
    const key = keyOf(s.metadata.namespace, svcName);
    out.set(key, [...(out.get(key) ?? []), s]);
  }
  for (const list of out.values()) list.sort((a, b) => byText(a.metadata.name ?? '', b.metadata.name ?? ''));
  return out;
}

function planService(svc: Service, slices: EndpointSlice[], nodeName: string, skipped: string[]): ServicePortPlan[] {
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  const spec = svc.spec;
  const withNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const affinity = spec.sessionAffinity === 'ClientIP';
  const externalIPs = sortedIPs(Array.isArray(spec.externalIPs) ? spec.externalIPs : []);
  const lbIPs = loadBalancerIPs(svc);
  const eTPLocal = spec.externalTrafficPolicy === 'Local';
  const healthCheck = spec.type === 'LoadBalancer' && eTPLocal;
  const specWhy = unprogrammableSpec(spec, affinity, healthCheck);
  if (specWhy) {
    skipped.push(`${ns}/${name}: ${specWhy}`);
    return [];
  }
  const out: ServicePortPlan[] = [];
  const taken = new Set<string>();
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    const why = unprogrammable(ns, name, p);
    if (why) {
      skipped.push(`${ns}/${name}: ${why}`);
      continue;
    }
    const protocol = protocolOf(p.protocol) as Protocol;
    const portName = p.name ?? '';
    const spn = portName ? `${ns}/${name}:${portName}` : `${ns}/${name}`;
    // Two ports with one name and protocol would get one chain twice: the restore would fail.
    if (taken.has(`${spn}/${protocol}`)) {
      skipped.push(`${ns}/${name}: port name ${JSON.stringify(portName)} is used twice for ${protocol}`);
      continue;
    }
    taken.add(`${spn}/${protocol}`);
    const nodePort = withNodePorts && p.nodePort ? p.nodePort : 0;
    const externallyAccessible = nodePort > 0 || externalIPs.length > 0 || lbIPs.length > 0;
    const all = portEndpoints(slices, portName, protocol, nodeName);
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    out.push({
      name: spn,
      namespace: ns,
      service: name,
      protocol,
      clusterIP: spec.clusterIP as string,
      port: p.port,
      nodePort,
      externalIPs,
      loadBalancerIPs: lbIPs,
      ...(affinity ? { sessionAffinity: { timeoutSeconds: typeof timeout === 'number' ? timeout : DEFAULT_AFFINITY_SECONDS } } : {}),
      // As upstream: the external policy only means something for a port reachable from outside.
      externalPolicyLocal: eTPLocal && externallyAccessible,
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      healthCheckNodePort: healthCheck && typeof spec.healthCheckNodePort === 'number' ? spec.healthCheckNodePort : 0,
      clusterEndpoints: usable(all),
      localEndpoints: usable(all.filter((e) => e.local)),
      allEndpoints: all,
    });
  }
  return out;
}

/**
 * The plan for this node. Service ports that cannot be programmed are left out and listed in
 * `skipped` ("ns/name: why"); one bad Service never keeps the others from being programmed.
 */
export function planServices(input: PlanServicesInput): ProxyPlan {
  const slices = slicesByService(Array.isArray(input.endpointSlices) ? input.endpointSlices : []);
  const services = (Array.isArray(input.services) ? input.services : [])
    .filter((s) => s && s.metadata && isProxiable(s))
    .sort((a, b) => byText(keyOf(a.metadata.namespace, a.metadata.name), keyOf(b.metadata.namespace, b.metadata.name)));
  const skipped: string[] = [];
  const servicePorts: ServicePortPlan[] = [];
  for (const svc of services) {
    servicePorts.push(...planService(svc, slices.get(keyOf(svc.metadata.namespace, svc.metadata.name)) ?? [], input.nodeName, skipped));
  }
  servicePorts.sort((a, b) => byText(a.name, b.name) || byText(a.protocol, b.protocol));
  return { servicePorts, skipped };
}
