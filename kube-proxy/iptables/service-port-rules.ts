// The iptables rules of one service port, following upstream's chain layout:
//  nat  KUBE-SERVICES  cluster IP → the internal chain (KUBE-SVC, or KUBE-SVL when
//                      internalTrafficPolicy is Local); external IPs and LB IPs → KUBE-EXT
//       KUBE-NODEPORTS node port → KUBE-EXT
//       KUBE-EXT-*     external traffic: masquerade and on to KUBE-SVC (policy Cluster), or with
//                      policy Local keep the client's address and go to KUBE-SVL, except traffic
//                      from pods and from the node itself, which is sent to KUBE-SVC (as if it had
//                      gone out to a load balancer and come back)
//       KUBE-SVC-*     the usable endpoints of the whole cluster; KUBE-SVL-* this node's
//       KUBE-SEP-*     one endpoint: hairpin masquerade, ClientIP affinity bookkeeping, DNAT
//  filter              REJECT where a port has no endpoints at all, DROP where its Local policy
//                      finds none on this node, ACCEPT for the health check node port.
// Which endpoints each policy uses was decided in the plan; this file only writes it down.
import { compareEndpoints, hasExternalTraffic, type PlannedEndpoint, type ServicePortPlan } from '../plan/types';
import { endpointChainName, externalChainName, localChainName, serviceChainName } from './chain-names';

/** Rules of one port, per table, and the nat chains they need declared. */
export interface PortRules {
  nat: string[];
  filter: string[];
  chains: string[];
}

export const comment = (text: string) => `-m comment --comment ${/\s/.test(text) ? `"${text}"` : text}`;
const protoMatch = (sp: ServicePortPlan) => `-p ${sp.protocol} -m ${sp.protocol}`;

/** Kubernetes' probability text: ten decimals, so rules are stable text across syncs. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

const sepChain = (sp: ServicePortPlan, ep: PlannedEndpoint) => endpointChainName(sp.name, sp.protocol, ep.endpoint);

/** Affinity rules first (a client seen recently goes back to its endpoint), then the random pick. */
function balance(sp: ServicePortPlan, chain: string, eps: PlannedEndpoint[], out: string[]): void {
  if (sp.sessionAffinity) {
    for (const ep of eps) {
      const sep = sepChain(sp, ep);
      out.push(`-A ${chain} ${comment(`${sp.name} -> ${ep.endpoint}`)} -m recent --name ${sep} --rcheck --seconds ${sp.sessionAffinity.timeoutSeconds} --reap -j ${sep}`);
    }
  }
  // The i-th of n rules takes 1/(n-i) of what reaches it, the last takes the rest: equal shares.
  const n = eps.length;
  eps.forEach((ep, i) => {
    const pick = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    out.push(`-A ${chain} ${comment(`${sp.name} -> ${ep.endpoint}`)}${pick} -j ${sepChain(sp, ep)}`);
  });
}

function endpointRules(sp: ServicePortPlan, ep: PlannedEndpoint, out: string[]): void {
  const sep = sepChain(sp, ep);
  // Hairpin: a pod reaching itself through the service must see the reply come from the service.
  out.push(`-A ${sep} ${comment(sp.name)} -s ${ep.ip}/32 -j KUBE-MARK-MASQ`);
  const remember = sp.sessionAffinity ? ` -m recent --name ${sep} --set` : '';
  out.push(`-A ${sep} ${comment(sp.name)}${remember} ${protoMatch(sp)} -j DNAT --to-destination ${ep.endpoint}`);
}

function union(a: PlannedEndpoint[], b: PlannedEndpoint[]): PlannedEndpoint[] {
  const m = new Map<string, PlannedEndpoint>();
  for (const e of [...a, ...b]) m.set(e.endpoint, e);
  return [...m.values()].sort(compareEndpoints);
}

export function servicePortRules(sp: ServicePortPlan, clusterCIDR: string): PortRules {
  const nat: string[] = [];
  const filter: string[] = [];
  const external = hasExternalTraffic(sp);
  // Cluster endpoints are needed for Cluster policies and, with external Local, for the short cut
  // of pod and node traffic; local ones for either Local policy.
  const usesCluster = !sp.internalPolicyLocal || external;
  const usesLocal = sp.internalPolicyLocal || sp.externalPolicyLocal;
  const clusterUsed = usesCluster ? sp.clusterEndpoints : [];
  const localUsed = usesLocal ? sp.localEndpoints : [];
  // Any usable endpoint anywhere (the plan falls back to terminating ones for the cluster set).
  const hasAny = sp.clusterEndpoints.length > 0;
  const hasInternal = sp.internalPolicyLocal ? localUsed.length > 0 : hasAny;
  const hasExternal = sp.externalPolicyLocal ? localUsed.length > 0 : hasAny;

  const svc = serviceChainName(sp.name, sp.protocol);
  const svl = localChainName(sp.name, sp.protocol);
  const ext = externalChainName(sp.name, sp.protocol);
  const internalChain = sp.internalPolicyLocal ? svl : svc;
  const externalPolicyChain = sp.externalPolicyLocal ? svl : svc;

  // What filter does with traffic the nat rules leave alone: nothing anywhere → REJECT (the
  // client learns at once), nothing on this node under a Local policy → DROP, as upstream.
  const noEndpoints = (match: string) => `${comment(`${sp.name} has no endpoints`)} ${match} -j REJECT --reject-with icmp-port-unreachable`;
  const noLocal = (match: string) => `${comment(`${sp.name} has no local endpoints`)} ${match} -j DROP`;
  const unreachable = hasAny ? noLocal : noEndpoints;

  // Cluster IP.
  const dst = `-d ${sp.clusterIP}/32 ${protoMatch(sp)} --dport ${sp.port}`;
  if (hasInternal) {
    // Traffic to the cluster IP from outside the pod network (the node itself, other hosts) is
    // masqueraded, or replies from the pod would bypass the DNAT reversal.
    nat.push(`-A ${internalChain} ${comment(`${sp.name} cluster IP`)} ${dst} ! -s ${clusterCIDR} -j KUBE-MARK-MASQ`);
    nat.push(`-A KUBE-SERVICES ${comment(`${sp.name} cluster IP`)} ${dst} -j ${internalChain}`);
  } else {
    filter.push(`-A KUBE-SERVICES ${unreachable(dst)}`);
  }

  // External IPs and load balancer IPs: reachable from anywhere, the node itself included.
  const externalDsts: [string, string][] = [...sp.externalIPs.map((ip) => [ip, 'external IP'] as [string, string]), ...sp.loadBalancerIPs.map((ip) => [ip, 'loadbalancer IP'] as [string, string])];
  for (const [ip, kind] of externalDsts) {
    const m = `-d ${ip}/32 ${protoMatch(sp)} --dport ${sp.port}`;
    if (hasAny) nat.push(`-A KUBE-SERVICES ${comment(`${sp.name} ${kind}`)} ${m} -j ${ext}`);
    if (!hasExternal) filter.push(`-A KUBE-EXTERNAL-SERVICES ${unreachable(m)}`);
  }

  // Node port: every local address (KUBE-SERVICES sends only those to KUBE-NODEPORTS).
  if (sp.nodePort) {
    const m = `${protoMatch(sp)} --dport ${sp.nodePort}`;
    if (hasAny) nat.push(`-A KUBE-NODEPORTS ${comment(sp.name)} ${m} -j ${ext}`);
    if (!hasExternal) filter.push(`-A KUBE-EXTERNAL-SERVICES ${unreachable(`-m addrtype --dst-type LOCAL ${m}`)}`);
  }
  if (sp.healthCheckNodePort) {
    filter.push(`-A KUBE-NODEPORTS ${comment(`${sp.name} health check node port`)} -p tcp -m tcp --dport ${sp.healthCheckNodePort} -j ACCEPT`);
  }

  const chains: string[] = [];
  // The external chain exists whenever there is any endpoint, even with none local: the short
  // cut for pods and the node must keep working.
  if (external && hasAny) {
    chains.push(ext);
    if (!sp.externalPolicyLocal) {
      // Endpoints may be on other nodes: masquerade, so replies come back through this node.
      nat.push(`-A ${ext} ${comment(`masquerade traffic for ${sp.name} external destinations`)} -j KUBE-MARK-MASQ`);
    } else {
      nat.push(`-A ${ext} ${comment(`pod traffic for ${sp.name} external destinations`)} -s ${clusterCIDR} -j ${svc}`);
      // From the node itself the source is a local address (the LB IP may be one): masquerade it.
      nat.push(`-A ${ext} ${comment(`masquerade LOCAL traffic for ${sp.name} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
      nat.push(`-A ${ext} ${comment(`route LOCAL traffic for ${sp.name} external destinations`)} -m addrtype --src-type LOCAL -j ${svc}`);
    }
    if (hasExternal) nat.push(`-A ${ext} -j ${externalPolicyChain}`);
  }

  if (clusterUsed.length > 0) {
    chains.push(svc);
    balance(sp, svc, clusterUsed, nat);
  }
  if (localUsed.length > 0) {
    chains.push(svl);
    balance(sp, svl, localUsed, nat);
  }
  for (const ep of union(clusterUsed, localUsed)) {
    chains.push(sepChain(sp, ep));
    endpointRules(sp, ep, nat);
  }
  return { nat, filter, chains };
}
