// What may be written into an `nft -f` transaction. Every value of a service port lands in the
// text (addresses, ports, and names inside chain names and comments): one bad value would fail the
// transaction for every Service, so a port that does not pass is left out and reported instead.
// The planner refuses such ports already; this keeps the payload safe whatever reaches it.
import { isIPv4 } from '../plan/programmable';
import type { PlannedEndpoint, ServicePortPlan } from '../plan/types';

export class NftablesOptionError extends Error {
  readonly code = 'NFTABLES_OPTION_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'NftablesOptionError';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** nft identifiers: a letter first, then letters, digits, "-", "_", "." (no quoting needed). */
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
/** Kubernetes caps sessionAffinityConfig.clientIP.timeoutSeconds at one day. */
export const MAX_AFFINITY_TIMEOUT = 86400;

const isPort = (n: unknown, min = 1): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= 65535;

function badEndpoint(e: PlannedEndpoint): string | undefined {
  if (!isIPv4(e?.ip)) return `endpoint address ${JSON.stringify(e?.ip)} is not IPv4`;
  if (!isPort(e.port)) return `endpoint port ${JSON.stringify(e.port)} is not a port number`;
  return undefined;
}

/** Why this service port cannot be written into the payload, or undefined. */
export function unprogrammable(sp: ServicePortPlan): string | undefined {
  if (!OBJECT_NAME.test(String(sp.namespace)) || !OBJECT_NAME.test(String(sp.service))) return 'namespace or name is not a DNS name';
  const colon = String(sp.name).indexOf(':');
  const portName = colon < 0 ? '' : String(sp.name).slice(colon + 1);
  if (portName !== '' && !DNS_LABEL.test(portName)) return `port name ${JSON.stringify(portName)} is not a DNS label`;
  if (!PROTOCOLS.has(sp.protocol)) return `protocol ${JSON.stringify(sp.protocol)} is not tcp, udp or sctp`;
  if (!isIPv4(sp.clusterIP)) return `cluster IP ${JSON.stringify(sp.clusterIP)} is not IPv4`;
  if (!isPort(sp.port)) return `port ${JSON.stringify(sp.port)} is not a port number`;
  if (!isPort(sp.nodePort, 0)) return `nodePort ${JSON.stringify(sp.nodePort)} is not a port number`;
  for (const ip of [...(sp.externalIPs ?? []), ...(sp.loadBalancerIPs ?? [])]) {
    if (!isIPv4(ip)) return `external or load-balancer address ${JSON.stringify(ip)} is not IPv4`;
  }
  const t = sp.sessionAffinity?.timeoutSeconds;
  if (sp.sessionAffinity && !(Number.isInteger(t) && (t as number) >= 1 && (t as number) <= MAX_AFFINITY_TIMEOUT)) {
    return `session affinity timeout ${JSON.stringify(t)} is not 1..${MAX_AFFINITY_TIMEOUT} seconds`;
  }
  for (const e of [...(sp.clusterEndpoints ?? []), ...(sp.localEndpoints ?? [])]) {
    const why = badEndpoint(e);
    if (why) return why;
  }
  return undefined;
}

/** An IPv4 CIDR "a.b.c.d/n" (the cluster's pod network). */
export function checkCIDR(cidr: string): void {
  const [ip, bits, extra] = String(cidr).split('/');
  const n = Number(bits);
  if (extra !== undefined || !isIPv4(ip) || bits === undefined || !/^\d{1,2}$/.test(bits) || n > 32) {
    throw new NftablesOptionError(`clusterCIDR ${JSON.stringify(cidr)} is not an IPv4 CIDR`);
  }
}

export function checkNodeIPs(ips: string[]): void {
  for (const ip of ips) if (!isIPv4(ip)) throw new NftablesOptionError(`node IP ${JSON.stringify(ip)} is not IPv4`);
}

export function checkTableName(name: string): void {
  if (!TABLE_NAME.test(String(name))) throw new NftablesOptionError(`table name ${JSON.stringify(name)} is not an nft identifier`);
}
