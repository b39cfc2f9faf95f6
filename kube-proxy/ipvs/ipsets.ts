// The ipsets of the IPVS mode: which addresses/ports belong to which set, decided from the plan, and
// the `ipset restore` text that installs them. IPVS itself only load-balances; the sets let a
// handful of iptables rules (ipvs-iptables.ts) masquerade and accept the right traffic whatever
// the number of Services, as upstream's IPVS proxier does. Names, types and comments follow
// upstream so that tools and people reading `ipset list` on a node see what they expect.
import { usedEndpoints, type ProxyPlan, type ServicePortPlan } from '../plan/types';

export type IpsetType = 'hash:ip,port' | 'hash:ip,port,ip' | 'bitmap:port';

export interface IpsetDef {
  name: string;
  type: IpsetType;
  comment: string;
}

/** Every set the mode owns, in the order they are restored (and shown in golden files). */
export const IPSETS = {
  loopBack: { name: 'KUBE-LOOP-BACK', type: 'hash:ip,port,ip', comment: 'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose' },
  clusterIP: { name: 'KUBE-CLUSTER-IP', type: 'hash:ip,port', comment: 'Kubernetes service cluster ip + port for masquerade purpose' },
  externalIP: { name: 'KUBE-EXTERNAL-IP', type: 'hash:ip,port', comment: 'Kubernetes service external ip + port for masquerade and filter purpose' },
  externalIPLocal: { name: 'KUBE-EXTERNAL-IP-LOCAL', type: 'hash:ip,port', comment: 'Kubernetes service external ip + port with externalTrafficPolicy=local' },
  loadBalancer: { name: 'KUBE-LOAD-BALANCER', type: 'hash:ip,port', comment: 'Kubernetes service lb portal' },
  loadBalancerLocal: { name: 'KUBE-LOAD-BALANCER-LOCAL', type: 'hash:ip,port', comment: 'Kubernetes service load balancer ip + port with externalTrafficPolicy=local' },
  nodePortTCP: { name: 'KUBE-NODE-PORT-TCP', type: 'bitmap:port', comment: 'Kubernetes nodeport TCP port for masquerade purpose' },
  nodePortLocalTCP: { name: 'KUBE-NODE-PORT-LOCAL-TCP', type: 'bitmap:port', comment: 'Kubernetes nodeport TCP port with externalTrafficPolicy=local' },
  nodePortUDP: { name: 'KUBE-NODE-PORT-UDP', type: 'bitmap:port', comment: 'Kubernetes nodeport UDP port for masquerade purpose' },
  nodePortLocalUDP: { name: 'KUBE-NODE-PORT-LOCAL-UDP', type: 'bitmap:port', comment: 'Kubernetes nodeport UDP port with externalTrafficPolicy=local' },
  // bitmap:port has no protocol, so SCTP node ports are kept as nodeIP,sctp:port pairs.
  nodePortSCTP: { name: 'KUBE-NODE-PORT-SCTP-HASH', type: 'hash:ip,port', comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'" },
  nodePortLocalSCTP: { name: 'KUBE-NODE-PORT-LOCAL-SCTP-HASH', type: 'hash:ip,port', comment: "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'" },
  healthCheckNodePort: { name: 'KUBE-HEALTH-CHECK-NODE-PORT', type: 'bitmap:port', comment: 'Kubernetes health check node port' },
} as const satisfies Record<string, IpsetDef>;

export type IpsetKey = keyof typeof IPSETS;

/**
 * The scratch set each set is rebuilt in before being swapped in: numbered by the set's place in
 * IPSETS, because upstream's longer names leave no room for a suffix.
 */
export function scratchName(key: IpsetKey): string {
  return `KUBE-IPVS-NEW-${Object.keys(IPSETS).indexOf(key)}`;
}
/** The kernel's limit on set names (IPSET_MAXNAMELEN 32, with the terminating NUL). */
export const MAX_IPSET_NAME = 31;

/** Entries per set, sorted and unique. Every set is present, empty ones too. */
export type IpsetEntries = Record<IpsetKey, string[]>;

const ipPort = (ip: string, protocol: string, port: number) => `${ip},${protocol}:${port}`;

export function ipsetEntries(plan: ProxyPlan, nodeIPs: string[]): IpsetEntries {
  const sets = Object.fromEntries(Object.keys(IPSETS).map((k) => [k, new Set<string>()])) as Record<IpsetKey, Set<string>>;
  for (const sp of plan.servicePorts) addServicePort(sp, nodeIPs, sets);
  return Object.fromEntries(Object.entries(sets).map(([k, s]) => [k, sortEntries([...s])])) as IpsetEntries;
}

function addServicePort(sp: ServicePortPlan, nodeIPs: string[], sets: Record<IpsetKey, Set<string>>): void {
  const proto = sp.protocol;
  // A pod reaching itself through a Service must be masqueraded, or it would answer itself directly.
  for (const ep of usedEndpoints(sp)) sets.loopBack.add(`${ep.ip},${proto}:${ep.port},${ep.ip}`);
  sets.clusterIP.add(ipPort(sp.clusterIP, proto, sp.port));
  const local = sp.externalPolicyLocal;
  for (const ip of sp.externalIPs) (local ? sets.externalIPLocal : sets.externalIP).add(ipPort(ip, proto, sp.port));
  for (const ip of sp.loadBalancerIPs) {
    sets.loadBalancer.add(ipPort(ip, proto, sp.port));
    if (local) sets.loadBalancerLocal.add(ipPort(ip, proto, sp.port));
  }
  if (sp.nodePort > 0) {
    if (proto === 'sctp') {
      for (const ip of nodeIPs) {
        sets.nodePortSCTP.add(ipPort(ip, proto, sp.nodePort));
        if (local) sets.nodePortLocalSCTP.add(ipPort(ip, proto, sp.nodePort));
      }
    } else {
      const [all, loc] = proto === 'tcp' ? [sets.nodePortTCP, sets.nodePortLocalTCP] : [sets.nodePortUDP, sets.nodePortLocalUDP];
      all.add(String(sp.nodePort));
      if (local) loc.add(String(sp.nodePort));
    }
  }
  if (sp.healthCheckNodePort > 0) sets.healthCheckNodePort.add(String(sp.healthCheckNodePort));
}

/** Numeric order where entries are ports, address order otherwise; stable text across syncs. */
function sortEntries(entries: string[]): string[] {
  const key = (e: string) =>
    e
      .split(/[.,:]/)
      .map((p) => (/^\d+$/.test(p) ? p.padStart(5, '0') : p))
      .join('.');
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function createLine(name: string, type: IpsetType): string {
  return type === 'bitmap:port'
    ? `create ${name} bitmap:port range 0-65535`
    : `create ${name} ${type} family inet hashsize 1024 maxelem 65536`;
}

/**
 * `ipset -exist restore` input. Each set is rebuilt in a scratch set and swapped in, so iptables
 * rules matching it never see a half-filled set; the scratch set (holding the old contents after
 * the swap) is then destroyed. `-exist` makes the create lines no-ops for sets that exist.
 */
export function ipsetRestoreText(entries: IpsetEntries): string {
  const lines: string[] = [];
  for (const [key, def] of Object.entries(IPSETS) as [IpsetKey, IpsetDef][]) {
    const scratch = scratchName(key);
    lines.push(createLine(def.name, def.type), createLine(scratch, def.type), `flush ${scratch}`);
    for (const e of entries[key]) lines.push(`add ${scratch} ${e}`);
    lines.push(`swap ${scratch} ${def.name}`, `destroy ${scratch}`);
  }
  return lines.join('\n') + '\n';
}
