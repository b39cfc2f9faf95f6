// One service port's share of the table. Traffic is dispatched by verdict maps keyed by
// "address . protocol . port" (node ports: "protocol . port"), so a packet finds its service in one
// lookup however many Services there are. From there:
//
//   cluster IP        → the internal policy chain (service-… or, for internalTrafficPolicy Local, local-…)
//   node port, external IP, LB IP → external-… → the external policy chain
//   policy chain      → per-client affinity check, then `numgen random` over endpoint-… chains
//   endpoint-…        → hairpin masquerade, affinity record, DNAT
//
// Destinations that must not be served go into the "no endpoint" maps, read by filter chains that
// run before NAT: reject when the port has no endpoint anywhere, drop when a Local policy leaves
// this node without one (as Kubernetes does).
import { compareEndpoints, endpointsFor, hasExternalTraffic, usedEndpoints, type PlannedEndpoint, type ServicePortPlan } from '../plan/types';
import { affinitySetName, CHAIN, endpointChainName, MAP, servicePortNames, SET } from './names';
import { quote, type Ruleset } from './ruleset';

/** How the port's traffic is routed, decided once from the plan. */
export interface PortRouting {
  hasEndpoints: boolean;
  /** Cluster IP traffic has somewhere to go. */
  hasInternal: boolean;
  /** Traffic from outside the cluster to node ports / external IPs / LB IPs has somewhere to go. */
  hasExternal: boolean;
  /** The service-… chain is needed (Cluster policy somewhere, or the short-circuit of a Local one). */
  usesCluster: boolean;
  usesLocal: boolean;
  usesExternalChain: boolean;
  /** Every endpoint some chain of this port jumps to. */
  reachable: PlannedEndpoint[];
}

export function portRouting(sp: ServicePortPlan): PortRouting {
  const external = hasExternalTraffic(sp);
  const hasEndpoints = sp.clusterEndpoints.length > 0 || sp.localEndpoints.length > 0;
  // With externalTrafficPolicy Local, traffic from pods and from the node itself still goes to the
  // cluster-wide endpoints (it did not come through an external load balancer), so the Cluster
  // chain is needed even when both policies are Local.
  const usesCluster = sp.clusterEndpoints.length > 0 && (!sp.internalPolicyLocal || external);
  const usesLocal = sp.localEndpoints.length > 0 && (sp.internalPolicyLocal || (external && sp.externalPolicyLocal));
  const reachable = new Map<string, PlannedEndpoint>();
  for (const e of usedEndpoints(sp)) reachable.set(e.endpoint, e);
  if (usesCluster) for (const e of sp.clusterEndpoints) reachable.set(e.endpoint, e);
  return {
    hasEndpoints,
    hasInternal: hasEndpoints && endpointsFor(sp, 'internal').length > 0,
    hasExternal: hasEndpoints && endpointsFor(sp, 'external').length > 0,
    usesCluster,
    usesLocal,
    usesExternalChain: hasEndpoints && external,
    reachable: [...reachable.values()].sort(compareEndpoints),
  };
}

const key = (sp: ServicePortPlan, ip: string) => `${ip} . ${sp.protocol} . ${sp.port}`;

/** Adds the port's chains, rules, sets and map elements to rs. */
export function addServicePort(rs: Ruleset, sp: ServicePortPlan, clusterCIDR: string): void {
  const r = portRouting(sp);
  const names = servicePortNames(sp);
  const comment = ` comment ${quote(sp.name)}`;
  const internalChain = sp.internalPolicyLocal ? names.local : names.cluster;
  const externalPolicyChain = sp.externalPolicyLocal ? names.local : names.cluster;
  // No endpoint anywhere: reject, so clients fail fast. Endpoints elsewhere but a Local policy
  // leaves none here: drop, as Kubernetes does (the client's retry may reach another node).
  const noInternal = r.hasEndpoints ? 'drop' : `goto ${CHAIN.reject}`;
  const noExternal = r.hasEndpoints ? 'drop' : `goto ${CHAIN.reject}`;

  // Declare chains in a fixed order (policy chains, external chain, endpoints), so the text does
  // not depend on which rule happens to name a chain first.
  if (r.usesCluster) rs.chain(names.cluster);
  if (r.usesLocal) rs.chain(names.local);
  if (r.usesExternalChain) rs.chain(names.external);

  rs.element(SET.clusterIPs, sp.clusterIP);
  if (r.hasInternal) {
    rs.element(MAP.serviceIPs, `${key(sp, sp.clusterIP)} : goto ${internalChain}`);
    // Traffic to a cluster IP from outside the pod network (the node, other hosts routing the
    // service range here) is masqueraded, or the pod's reply would bypass the DNAT reversal.
    rs.rule(internalChain, `ip daddr ${sp.clusterIP} ${sp.protocol} dport ${sp.port} ip saddr != ${clusterCIDR} jump ${CHAIN.markMasq}`);
  } else {
    rs.element(MAP.noEndpointServices, `${key(sp, sp.clusterIP)}${comment} : ${noInternal}`);
  }

  for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) {
    if (r.hasEndpoints) rs.element(MAP.serviceIPs, `${key(sp, ip)} : goto ${names.external}`);
    // Without external endpoints the entry in service-ips still serves the short-circuits below;
    // whatever falls through them reaches the filter with its address unchanged and is stopped.
    if (!r.hasExternal) rs.element(MAP.noEndpointServices, `${key(sp, ip)}${comment} : ${noExternal}`);
  }
  if (sp.nodePort) {
    const np = `${sp.protocol} . ${sp.nodePort}`;
    if (r.hasEndpoints) rs.element(MAP.serviceNodePorts, `${np} : goto ${names.external}`);
    if (!r.hasExternal) rs.element(MAP.noEndpointNodePorts, `${np}${comment} : ${noExternal}`);
  }

  if (r.usesExternalChain) {
    if (!sp.externalPolicyLocal) {
      // The endpoint may be on another node: masquerade so its reply comes back through here.
      rs.rule(names.external, `jump ${CHAIN.markMasq}`);
    } else if (r.usesCluster) {
      // Local policy keeps the client's address, except for traffic that never left the cluster.
      rs.rule(names.external, `ip saddr ${clusterCIDR} goto ${names.cluster} comment "short-circuit pod traffic"`);
      rs.rule(names.external, `fib saddr type local jump ${CHAIN.markMasq} comment "masquerade local traffic"`);
      rs.rule(names.external, `fib saddr type local goto ${names.cluster} comment "short-circuit local traffic"`);
    }
    if (r.hasExternal) rs.rule(names.external, `goto ${externalPolicyChain}`);
  }

  if (r.usesCluster) addPolicyChain(rs, sp, names.cluster, sp.clusterEndpoints);
  if (r.usesLocal) addPolicyChain(rs, sp, names.local, sp.localEndpoints);

  for (const ep of r.reachable) {
    const chain = endpointChainName(sp, ep);
    // Hairpin: a pod reaching itself through the service must see the reply come from the service.
    rs.rule(chain, `ip saddr ${ep.ip} jump ${CHAIN.markMasq}`);
    if (sp.sessionAffinity) {
      const set = affinitySetName(sp, ep);
      rs.affinitySet(set, sp.sessionAffinity.timeoutSeconds);
      rs.rule(chain, `update @${set} { ip saddr }`);
    }
    rs.rule(chain, `meta l4proto ${sp.protocol} dnat to ${ep.ip}:${ep.port}`);
  }
}

/** A policy chain: a client with a live affinity record returns to its endpoint; others are spread evenly. */
function addPolicyChain(rs: Ruleset, sp: ServicePortPlan, chain: string, endpoints: PlannedEndpoint[]): void {
  if (sp.sessionAffinity) {
    for (const ep of endpoints) rs.rule(chain, `ip saddr @${affinitySetName(sp, ep)} goto ${endpointChainName(sp, ep)}`);
  }
  const arms = endpoints.map((ep, i) => `${i} : goto ${endpointChainName(sp, ep)}`).join(', ');
  rs.rule(chain, `numgen random mod ${endpoints.length} vmap { ${arms} }`);
}
