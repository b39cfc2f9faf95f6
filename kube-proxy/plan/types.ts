// The proxy plan: what every proxy mode (iptables, nftables, IPVS) must make true on this node,
// as plain values. `planServices` (plan-services.ts) computes it from Services, EndpointSlices and
// the node; each mode's pure builder turns it into its own payload text (iptables-restore,
// `nft -f`, ipvsadm-restore plus ipset/iptables). Decisions that are the same for every mode —
// which endpoints a port uses under each traffic policy, the terminating-endpoint fallback, which
// Services get no rules at all — are made once here, so the modes cannot drift apart.

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface PlannedEndpoint {
  ip: string;
  /** The resolved target port. */
  port: number;
  /** "ip:port", the DNAT destination. */
  endpoint: string;
  /** On this node (slice endpoint's nodeName is this node's name). */
  local: boolean;
  /** EndpointSlice conditions, nil read as upstream does (ready/serving nil → true, terminating nil → false). */
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface SessionAffinity {
  /** sessionAffinityConfig.clientIP.timeoutSeconds (default 10800, at most 86400). */
  timeoutSeconds: number;
}

/** One Service port: the unit that gets its own chain (KUBE-SVC-*, a virtual server in IPVS). */
export interface ServicePortPlan {
  /** "ns/name:portName", or "ns/name" for an unnamed port. */
  name: string;
  namespace: string;
  service: string;
  protocol: Protocol;
  /** The IPv4 cluster IP. */
  clusterIP: string;
  port: number;
  /** 0 when the Service has no node port (ClusterIP, or LoadBalancer with allocateLoadBalancerNodePorts false). */
  nodePort: number;
  /** spec.externalIPs that are IPv4 addresses, sorted. */
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip that are IPv4 addresses, sorted (type LoadBalancer only). */
  loadBalancerIPs: string[];
  /** Absent unless spec.sessionAffinity is ClientIP. */
  sessionAffinity?: SessionAffinity;
  /** externalTrafficPolicy: Local (only meaningful with node ports, external IPs or LB IPs). */
  externalPolicyLocal: boolean;
  /** internalTrafficPolicy: Local (cluster IP traffic goes only to this node's endpoints). */
  internalPolicyLocal: boolean;
  /** spec.healthCheckNodePort when externalTrafficPolicy is Local on a LoadBalancer; 0 otherwise. */
  healthCheckNodePort: number;
  /**
   * Endpoints for traffic under the Cluster policy: the ready ones; when none is ready, the ones
   * that are serving and terminating (upstream's terminating fallback). Sorted by address.
   */
  clusterEndpoints: PlannedEndpoint[];
  /** The same choice made among this node's endpoints only, for the Local policies. */
  localEndpoints: PlannedEndpoint[];
  /** Every endpoint of the port in the slices, whatever its conditions (for conntrack clean-up). Sorted. */
  allEndpoints: PlannedEndpoint[];
}

export interface ProxyPlan {
  /** Sorted by name, then protocol: equal cluster state gives equal plans and equal payload text. */
  servicePorts: ServicePortPlan[];
  /** Service ports left out because they cannot be programmed ("ns/name: why"). */
  skipped: string[];
}

/**
 * Which endpoints a given traffic source reaches. Builders call this rather than re-deciding:
 * cluster IP traffic follows internalTrafficPolicy, external traffic (node ports, external IPs, LB
 * IPs) follows externalTrafficPolicy.
 */
export function endpointsFor(sp: ServicePortPlan, traffic: 'internal' | 'external'): PlannedEndpoint[] {
  const local = traffic === 'internal' ? sp.internalPolicyLocal : sp.externalPolicyLocal;
  return local ? sp.localEndpoints : sp.clusterEndpoints;
}

/**
 * Every endpoint some traffic of this port can reach (each needs its own chain / real server):
 * the internal policy's, the external policy's, and — when the external policy is Local — the
 * cluster-wide ones too, because pods and the node itself reaching an external address are
 * short-circuited to them (upstream's UsesClusterEndpoints).
 */
export function usedEndpoints(sp: ServicePortPlan): PlannedEndpoint[] {
  const seen = new Map<string, PlannedEndpoint>();
  const external = hasExternalTraffic(sp);
  const sets = [endpointsFor(sp, 'internal'), external ? endpointsFor(sp, 'external') : [], external && sp.externalPolicyLocal ? sp.clusterEndpoints : []];
  for (const e of sets.flat()) seen.set(e.endpoint, e);
  return [...seen.values()].sort(compareEndpoints);
}

/** Whether anything but the cluster IP reaches this port. */
export function hasExternalTraffic(sp: ServicePortPlan): boolean {
  return sp.nodePort > 0 || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
}

export function ipv4Number(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function compareEndpoints(a: PlannedEndpoint, b: PlannedEndpoint): number {
  return ipv4Number(a.ip) - ipv4Number(b.ip) || a.port - b.port;
}
