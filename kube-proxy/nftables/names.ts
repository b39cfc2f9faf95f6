// Names of the nftables objects kube-proxy's nftables mode owns. Everything lives in one table of
// its own (`ip k8ts-proxy`), so the fixed chains and maps need no prefix. Per-service and
// per-endpoint chains and affinity sets follow Kubernetes' nftables scheme: a readable
// "ns/name/proto/port" (plus "__ip/port" for endpoints) behind 8 base32 characters of its sha256,
// so names are stable across restarts and nodes, and near-identical endpoints (10.0.0.1 and
// 10.0.0.11) stay visually distinct. A "/" never appears in a fixed name, which is how a sync
// tells per-service chains from the skeleton.
import { createHash } from 'node:crypto';
import { base32 } from '../iptables/chain-names';
import type { PlannedEndpoint, ServicePortPlan } from '../plan/types';

export const DEFAULT_TABLE = 'k8ts-proxy';

/** The fixed regular chains (base chains are listed with their hooks in build-ruleset.ts). */
export const CHAIN = {
  services: 'services',
  masquerading: 'masquerading',
  markMasq: 'mark-for-masquerade',
  serviceEndpointsCheck: 'service-endpoints-check',
  nodePortEndpointsCheck: 'nodeport-endpoints-check',
  clusterIPsCheck: 'cluster-ips-check',
  reject: 'reject-chain',
} as const;

export const MAP = {
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
} as const;

export const SET = {
  clusterIPs: 'cluster-ips',
} as const;

/** The kernel's limit for chain and set names is 256 bytes; keep room for the longest prefix. */
const NAME_BASE_MAX = 256 - 16;

// Every sync names every chain and set again (a partial sync builds the whole desired table to
// diff it): with 1,000 Services × 10 endpoints that is ~20,000 sha256 digests a sync, so names are
// remembered. Bounded: cleared when it outgrows any plausible cluster (names come back on demand).
const NAME_CACHE_MAX = 200_000;
const nameCache = new Map<string, string>();

function hashAndTruncate(name: string): string {
  let hashed = nameCache.get(name);
  if (hashed === undefined) {
    if (nameCache.size >= NAME_CACHE_MAX) nameCache.clear();
    hashed = hashUncached(name);
    nameCache.set(name, hashed);
  }
  return hashed;
}

function hashUncached(name: string): string {
  const full = base32(createHash('sha256').update(name).digest()).slice(0, 8) + '-' + name;
  // The hash in front keeps a truncated name unique.
  return full.length > NAME_BASE_MAX ? full.slice(0, NAME_BASE_MAX - 3) + '...' : full;
}

/** The port's name inside "ns/name:port" ('' for an unnamed port). */
export function portNameOf(sp: ServicePortPlan): string {
  const colon = sp.name.indexOf(':');
  return colon < 0 ? '' : sp.name.slice(colon + 1);
}

function serviceBase(sp: ServicePortPlan): string {
  return hashAndTruncate(`${sp.namespace}/${sp.service}/${sp.protocol}/${portNameOf(sp)}`);
}

function endpointBase(sp: ServicePortPlan, ep: PlannedEndpoint): string {
  return hashAndTruncate(`${sp.namespace}/${sp.service}/${sp.protocol}/${portNameOf(sp)}__${ep.ip}/${ep.port}`);
}

/** The chains and sets one service port may use. */
export interface ServicePortNames {
  /** Endpoints under the Cluster traffic policy. */
  cluster: string;
  /** Endpoints under the Local traffic policy. */
  local: string;
  /** Where node ports, external IPs and LB IPs land before a policy chain is chosen. */
  external: string;
}

export function servicePortNames(sp: ServicePortPlan): ServicePortNames {
  const base = serviceBase(sp);
  return { cluster: `service-${base}`, local: `local-${base}`, external: `external-${base}` };
}

export function endpointChainName(sp: ServicePortPlan, ep: PlannedEndpoint): string {
  return `endpoint-${endpointBase(sp, ep)}`;
}

export function affinitySetName(sp: ServicePortPlan, ep: PlannedEndpoint): string {
  return `affinity-${endpointBase(sp, ep)}`;
}

/** Per-service chains (as opposed to the fixed skeleton) have a "/" in their names. */
export function isServiceChainName(name: string): boolean {
  return name.includes('/');
}
