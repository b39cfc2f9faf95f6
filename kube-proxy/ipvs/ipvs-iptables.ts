// The IPVS mode's iptables payload. IPVS forwards but does not masquerade by itself, so a few
// rules keyed on the ipsets (ipsets.ts) mark what must be SNATed — traffic to a cluster IP from
// outside the pod network, hairpin traffic, node ports and load-balancer IPs under the Cluster
// policy, external IPs — and accept what IPVS will handle. The rule count does not grow with the
// number of Services: only set contents do. Rules for an empty set are left out, as upstream does.
import { IPSETS, type IpsetDef, type IpsetEntries, type IpsetKey } from './ipsets';

/** The masquerade mark: the same bit (14) as the iptables and nftables modes. */
export const IPVS_MASQ_MARK = '0x4000';

/** The fixed chains the IPVS mode owns, per table (each fully rewritten by the payload). */
export const IPVS_CHAINS = {
  nat: ['KUBE-SERVICES', 'KUBE-POSTROUTING', 'KUBE-NODE-PORT', 'KUBE-LOAD-BALANCER', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-FORWARD', 'KUBE-NODE-PORT'],
} as const;

const comment = (text: string) => `-m comment --comment ${/\s/.test(text) ? `"${text}"` : text}`;
const matchSet = (def: IpsetDef, dirs: string) => `${comment(def.comment)} -m set --match-set ${def.name} ${dirs}`;

export function ipvsIptablesRules(sets: IpsetEntries, clusterCIDR: string): string {
  const has = (k: IpsetKey) => sets[k].length > 0;
  const nat: string[] = [];
  const filter: string[] = [];

  if (has('loopBack')) nat.push(`-A KUBE-POSTROUTING ${matchSet(IPSETS.loopBack, 'dst,dst,src')} -j MASQUERADE`);
  if (has('loadBalancer')) nat.push(`-A KUBE-SERVICES ${matchSet(IPSETS.loadBalancer, 'dst,dst')} -j KUBE-LOAD-BALANCER`);
  // Local-policy front ends keep the client address: they return before the masquerade mark.
  if (has('loadBalancerLocal')) nat.push(`-A KUBE-LOAD-BALANCER ${matchSet(IPSETS.loadBalancerLocal, 'dst,dst')} -j RETURN`);
  const nodePortSets: [IpsetKey, IpsetKey, string, string][] = [
    ['nodePortLocalTCP', 'nodePortTCP', 'tcp', 'dst'],
    ['nodePortLocalUDP', 'nodePortUDP', 'udp', 'dst'],
    ['nodePortLocalSCTP', 'nodePortSCTP', 'sctp', 'dst,dst'],
  ];
  for (const [local, all, proto, dirs] of nodePortSets) {
    if (has(local)) nat.push(`-A KUBE-NODE-PORT -p ${proto} ${matchSet(IPSETS[local], dirs)} -j RETURN`);
    if (has(all)) nat.push(`-A KUBE-NODE-PORT -p ${proto} ${matchSet(IPSETS[all], dirs)} -j KUBE-MARK-MASQ`);
  }
  // Replies from a pod to a client outside the pod network would bypass IPVS's reverse NAT.
  if (has('clusterIP')) nat.push(`-A KUBE-SERVICES ${matchSet(IPSETS.clusterIP, 'dst,dst')} ! -s ${clusterCIDR} -j KUBE-MARK-MASQ`);
  const externalAccepts = (def: IpsetDef) => [
    // From off the machine (not bridged from a pod, not from a local address) ...
    `-A KUBE-SERVICES ${matchSet(def, 'dst,dst')} -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT`,
    // ... or to an external IP that also is one of this node's addresses.
    `-A KUBE-SERVICES ${matchSet(def, 'dst,dst')} -m addrtype --dst-type LOCAL -j ACCEPT`,
  ];
  if (has('externalIP')) {
    nat.push(`-A KUBE-SERVICES ${matchSet(IPSETS.externalIP, 'dst,dst')} -j KUBE-MARK-MASQ`);
    nat.push(...externalAccepts(IPSETS.externalIP));
  }
  if (has('externalIPLocal')) nat.push(...externalAccepts(IPSETS.externalIPLocal));
  nat.push('-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT');
  nat.push('-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ');
  // Last in KUBE-SERVICES: what IPVS will take must not fall through to someone else's rules.
  if (has('clusterIP')) nat.push(`-A KUBE-SERVICES -m set --match-set ${IPSETS.clusterIP.name} dst,dst -j ACCEPT`);
  if (has('loadBalancer')) nat.push(`-A KUBE-SERVICES -m set --match-set ${IPSETS.loadBalancer.name} dst,dst -j ACCEPT`);
  nat.push(
    `-A KUBE-POSTROUTING -m mark ! --mark ${IPVS_MASQ_MARK}/${IPVS_MASQ_MARK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${IPVS_MASQ_MARK}`,
    `-A KUBE-POSTROUTING ${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${IPVS_MASQ_MARK}`,
  );

  filter.push(
    `-A KUBE-FORWARD ${comment('kubernetes forwarding rules')} -m mark --mark ${IPVS_MASQ_MARK}/${IPVS_MASQ_MARK} -j ACCEPT`,
    `-A KUBE-FORWARD ${comment('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );
  if (has('healthCheckNodePort')) filter.push(`-A KUBE-NODE-PORT ${matchSet(IPSETS.healthCheckNodePort, 'dst')} -j ACCEPT`);

  const declare = (c: string) => `:${c} - [0:0]`;
  return ['*filter', ...IPVS_CHAINS.filter.map(declare), ...filter, 'COMMIT', '*nat', ...IPVS_CHAINS.nat.map(declare), ...nat, 'COMMIT', ''].join('\n');
}
