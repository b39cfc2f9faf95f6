// Flattens Services and their Endpoints into one record per service port: the unit that gets a
// KUBE-SVC chain. Pure and deterministic (sorted), so equal cluster state yields equal rules.
import type { Endpoints, Service } from '../../lib/api/types';
import { endpointChainName, serviceChainName, servicePortName } from './chain-names';

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface EndpointInfo {
  ip: string;
  port: number;
  /** "ip:port", the DNAT destination. */
  endpoint: string;
  chain: string;
}

export interface ServicePortInfo {
  /** "ns/name:port" (or "ns/name" for an unnamed port). */
  name: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  /** 0 when the service has no node port. */
  nodePort: number;
  chain: string;
  /** Ready endpoints only, sorted by address. */
  endpoints: EndpointInfo[];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(s: string | undefined): s is string {
  const m = s ? IPV4.exec(s) : null;
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

function proto(p: string | undefined): Protocol {
  const lower = (p ?? 'TCP').toLowerCase();
  return lower === 'udp' || lower === 'sctp' ? lower : 'tcp';
}

function endpointsKey(ns: string | undefined, name: string | undefined): string {
  return `${ns ?? 'default'}/${name ?? ''}`;
}

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const isPort = (n: unknown, min = 1): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= 65535;

/**
 * Why a service port cannot be written into the payload, or undefined. Every value here lands in
 * iptables-restore text (numbers, and names inside rule comments): one bad value would fail the
 * restore for every Service, so it is skipped instead. The informer's check refuses such objects
 * already; this keeps the payload safe whatever reaches it.
 */
export function unprogrammable(ns: string, name: string, p: unknown): string | undefined {
  if (!OBJECT_NAME.test(ns) || !OBJECT_NAME.test(name)) return 'namespace or name is not a DNS name';
  if (!p || typeof p !== 'object') return 'port is not an object';
  const port = p as { port?: unknown; nodePort?: unknown; name?: unknown; protocol?: unknown };
  if (!isPort(port.port)) return `port ${JSON.stringify(port.port)} is not a port number`;
  if (port.nodePort !== undefined && port.nodePort !== null && !isPort(port.nodePort, 0)) return `nodePort ${JSON.stringify(port.nodePort)} is not a port number`;
  if (port.name !== undefined && port.name !== null && port.name !== '' && (typeof port.name !== 'string' || !PORT_NAME.test(port.name))) return `port name ${JSON.stringify(port.name)} is not a DNS label`;
  if (port.protocol !== undefined && port.protocol !== null && typeof port.protocol !== 'string') return 'protocol is not a string';
  return undefined;
}

/** Ready endpoint addresses for one service port. Endpoints ports carry the service port's name,
 *  and their number is the resolved targetPort (named container ports included). */
function readyEndpoints(ep: Endpoints | undefined, portName: string, protocol: Protocol, spn: string): EndpointInfo[] {
  const seen = new Map<string, EndpointInfo>();
  for (const subset of ep?.subsets ?? []) {
    const match = (subset.ports ?? []).find((p) => (p.name ?? '') === portName && proto(p.protocol) === protocol);
    if (!match) continue;
    if (!isPort(match.port)) continue;
    for (const addr of subset.addresses ?? []) {
      if (!isIPv4(addr.ip)) continue;
      const endpoint = `${addr.ip}:${match.port}`;
      seen.set(endpoint, { ip: addr.ip, port: match.port, endpoint, chain: endpointChainName(spn, protocol, endpoint) });
    }
  }
  return [...seen.values()].sort((a, b) => compareEndpoints(a, b));
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function compareEndpoints(a: EndpointInfo, b: EndpointInfo): number {
  return ipNumber(a.ip) - ipNumber(b.ip) || a.port - b.port;
}

/** Services that kube-proxy programs: an IPv4 cluster IP, not headless, not ExternalName. */
export function isProxiable(svc: Service): boolean {
  if (svc.spec?.type === 'ExternalName') return false;
  return isIPv4(svc.spec?.clusterIP);
}

/**
 * One record per programmable service port. Ports that cannot be written into a payload are left
 * out and described in `skipped` ("ns/name: why"), so one bad Service never stops the others.
 */
export function servicePorts(services: Service[], endpoints: Endpoints[], skipped: string[] = []): ServicePortInfo[] {
  const byKey = new Map<string, Endpoints>();
  for (const ep of endpoints) byKey.set(endpointsKey(ep.metadata.namespace, ep.metadata.name), ep);
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    if (!isProxiable(svc)) continue;
    const ns = svc.metadata.namespace ?? 'default';
    const name = svc.metadata.name ?? '';
    const ep = byKey.get(endpointsKey(ns, name));
    const withNodePorts = svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer';
    const ports = Array.isArray(svc.spec.ports) ? svc.spec.ports : [];
    for (const p of ports) {
      const why = unprogrammable(ns, name, p);
      if (why) {
        skipped.push(`${ns}/${name}: ${why}`);
        continue;
      }
      const protocol = proto(p.protocol);
      const spn = servicePortName(ns, name, p.name);
      out.push({
        name: spn,
        protocol,
        clusterIP: svc.spec.clusterIP as string,
        port: p.port,
        nodePort: withNodePorts && p.nodePort ? p.nodePort : 0,
        chain: serviceChainName(spn, protocol),
        endpoints: readyEndpoints(ep, p.name ?? '', protocol, spn),
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
}
