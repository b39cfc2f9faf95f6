// The IPVS mode's brain: ProxyPlan → everything IPVS mode must make true on this node, as plain
// values and payload text. One virtual server per front end (cluster IP, each external IP, each
// load-balancer IP, and each node IP for a node port), its real servers chosen by the plan's
// traffic-policy helpers, the addresses to bind to the kube-ipvs0 device (so the kernel accepts
// packets for them as local, where IPVS catches them), the ipsets and the small iptables payload.
// Nothing here touches the machine; an applier runs the texts.
import { endpointsFor, ipv4Number, type PlannedEndpoint, type Protocol, type ProxyPlan } from '../plan/types';
import { ipsetEntries, ipsetRestoreText, type IpsetEntries } from './ipsets';
import { ipvsIptablesRules } from './ipvs-iptables';

/** The device upstream binds service addresses to; a dummy link where the kernel has one. */
export const IPVS_DEVICE = 'kube-ipvs0';

export interface IpvsOptions {
  /** Pod CIDR of the whole cluster: traffic to a cluster IP from outside it gets masqueraded. */
  clusterCIDR: string;
  /** This node's addresses: node ports get one virtual server on each. */
  nodeIPs: string[];
  /** IPVS scheduler; only round robin is offered, as upstream's default. */
  schedulerName?: 'rr';
}

export interface RealServer {
  address: string;
  port: number;
  weight: number;
}

export type FrontEnd = 'cluster-ip' | 'external-ip' | 'load-balancer' | 'node-port';

export interface VirtualServer {
  /** The service port ("ns/name:port") it serves. */
  service: string;
  frontEnd: FrontEnd;
  protocol: Protocol;
  address: string;
  port: number;
  scheduler: 'rr';
  /** ClientIP session affinity: IPVS persistence, in seconds. */
  persistenceSeconds?: number;
  realServers: RealServer[];
}

export interface IpvsState {
  virtualServers: VirtualServer[];
  /** Cluster, external and load-balancer IPs to bind to kube-ipvs0; sorted, unique. */
  boundAddresses: string[];
  ipsets: IpsetEntries;
  /** `ipvsadm-restore` input that adds every virtual and real server. */
  ipvsadmRestore: string;
  /** `ipset -exist restore` input. */
  ipsetRestore: string;
  /** `iptables-restore --noflush` input: the mode's own chains only. */
  iptablesRestore: string;
}

export function buildIpvsState(plan: ProxyPlan, opts: IpvsOptions): IpvsState {
  const scheduler = opts.schedulerName ?? 'rr';
  const nodeIPs = [...new Set(opts.nodeIPs)].sort(byAddress);
  const virtualServers: VirtualServer[] = [];
  const bound = new Set<string>();
  for (const sp of plan.servicePorts) {
    const vs = (frontEnd: FrontEnd, address: string, port: number, eps: PlannedEndpoint[]): VirtualServer => ({
      service: sp.name,
      frontEnd,
      protocol: sp.protocol,
      address,
      port,
      scheduler,
      ...(sp.sessionAffinity ? { persistenceSeconds: sp.sessionAffinity.timeoutSeconds } : {}),
      realServers: eps.map((e) => ({ address: e.ip, port: e.port, weight: 1 })),
    });
    const internal = endpointsFor(sp, 'internal');
    const external = endpointsFor(sp, 'external');
    virtualServers.push(vs('cluster-ip', sp.clusterIP, sp.port, internal));
    bound.add(sp.clusterIP);
    for (const ip of sp.externalIPs) {
      virtualServers.push(vs('external-ip', ip, sp.port, external));
      bound.add(ip);
    }
    for (const ip of sp.loadBalancerIPs) {
      virtualServers.push(vs('load-balancer', ip, sp.port, external));
      bound.add(ip);
    }
    // Node IPs are already local addresses: node ports need a virtual server on each, no binding.
    if (sp.nodePort > 0) for (const ip of nodeIPs) virtualServers.push(vs('node-port', ip, sp.nodePort, external));
  }
  const sorted = dedupeVirtualServers(virtualServers);
  const ipsets = ipsetEntries(plan, nodeIPs);
  return {
    virtualServers: sorted,
    boundAddresses: [...bound].sort(byAddress),
    ipsets,
    ipvsadmRestore: ipvsadmRestoreText(sorted),
    ipsetRestore: ipsetRestoreText(ipsets),
    iptablesRestore: ipvsIptablesRules(ipsets, opts.clusterCIDR),
  };
}

export function virtualServerKey(vs: Pick<VirtualServer, 'protocol' | 'address' | 'port'>): string {
  return `${vs.protocol}/${vs.address}:${vs.port}`;
}

/**
 * Sorted by address, port, protocol. Two service ports cannot own the same front end (the
 * apiserver allocates cluster IPs and node ports uniquely), but external IPs are user-chosen:
 * the first service port in plan order keeps a contested address:port, as a restore would fail
 * on a duplicate virtual server.
 */
function dedupeVirtualServers(list: VirtualServer[]): VirtualServer[] {
  const seen = new Map<string, VirtualServer>();
  for (const vs of list) if (!seen.has(virtualServerKey(vs))) seen.set(virtualServerKey(vs), vs);
  return [...seen.values()].sort(
    (a, b) => byAddress(a.address, b.address) || a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0),
  );
}

function byAddress(a: string, b: string): number {
  return ipv4Number(a) - ipv4Number(b);
}

/** ipvsadm's service option for a protocol (`-t`, `-u`, `--sctp-service`). */
export function serviceFlag(protocol: Protocol): string {
  return protocol === 'tcp' ? '-t' : protocol === 'udp' ? '-u' : '--sctp-service';
}

export function addVirtualServerLine(vs: VirtualServer): string {
  const persistence = vs.persistenceSeconds !== undefined ? ` -p ${vs.persistenceSeconds}` : '';
  return `-A ${serviceFlag(vs.protocol)} ${vs.address}:${vs.port} -s ${vs.scheduler}${persistence}`;
}

export function addRealServerLine(vs: VirtualServer, rs: RealServer): string {
  // -m: masquerading (NAT) forwarding, the only method that reaches pods on other nodes unchanged.
  return `-a ${serviceFlag(vs.protocol)} ${vs.address}:${vs.port} -r ${rs.address}:${rs.port} -m -w ${rs.weight}`;
}

export function ipvsadmRestoreText(list: VirtualServer[]): string {
  const lines: string[] = [];
  for (const vs of list) {
    lines.push(addVirtualServerLine(vs));
    for (const rs of vs.realServers) lines.push(addRealServerLine(vs, rs));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
