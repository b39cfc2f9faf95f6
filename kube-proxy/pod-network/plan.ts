// The pod network, the deciding half: how this node reaches every other node's pod subnet, as a
// plain value from (nodes, this node, mode, the host's routes). Two ways, as flannel has them:
//  - host-gw: a route to each subnet via the other node's InternalIP, which must sit on one of our
//    links (it answers ARP there);
//  - vxlan: one `vxlan` device per node (learning off, no flooding), and for every other node a
//    route to its subnet via the device onlink through the subnet's network address, a permanent
//    neighbour entry (that address → the node's VXLAN MAC, from its Node annotation) and a
//    forwarding entry (that MAC → the node's InternalIP, where the kernel tunnels to).
// `auto` is host-gw when every other node's InternalIP is directly connected, vxlan otherwise.
// A subnet that no plan can route stays inside the pod-CIDR blackhole (route-plan.ts): nothing
// ever goes to the default gateway.
import type { Node } from '../../lib/api/types';
import { cidrContains, formatCidr, parseCidr, parseIPv4 } from '../cidr';
import type { HostRoute, RouteSpec } from '../route-plan';
import { isOnLink, type FdbSpec, type NeighbourSpec } from './host-state';
import { canonicalMac, subnetAddress, VTEP_MAC_ANNOTATION, vtepMacFor } from './vtep';

export const POD_NETWORK_MODES = ['auto', 'host-gw', 'vxlan'] as const;
export type PodNetworkMode = (typeof POD_NETWORK_MODES)[number];
export type ResolvedMode = Exclude<PodNetworkMode, 'auto'>;

/** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) headers. */
export const VXLAN_OVERHEAD = 50;
export const DEFAULT_VXLAN_PORT = 8472;

export interface VxlanOptions {
  device: string;
  vni: number;
  port: number;
}

export interface VxlanDeviceSpec {
  name: string;
  vni: number;
  port: number;
  /** Outer source address: the node's InternalIP. */
  local: string;
  mac: string;
  mtu: number;
  /** The network address of this node's pod subnet as a /32: the gateway the other nodes name
   *  for us, and the source of what the node itself sends through the tunnel. Absent until the
   *  node has a pod CIDR. */
  address?: string;
}

export interface SkippedPeer {
  node: string;
  reason: string;
}

export interface PodNetworkPlan {
  mode: ResolvedMode;
  /** Routes to the other nodes' pod subnets. */
  routes: RouteSpec[];
  /** Present in vxlan mode only: otherwise our device must not exist. */
  device?: VxlanDeviceSpec;
  neighbours: NeighbourSpec[];
  fdb: FdbSpec[];
  /** What our Node's VXLAN MAC annotation must say; undefined: it must be absent. */
  vtepMac?: string;
  /** Nodes (or some of their subnets) left unrouted, and why. */
  skipped: SkippedPeer[];
}

export interface PodNetworkInput {
  mode: PodNetworkMode;
  nodes: Node[];
  nodeName: string;
  nodeIP: string;
  clusterCIDR: string;
  vxlan: VxlanOptions;
  /** The main table's routes that are not ours: which networks are directly connected. */
  hostRoutes: HostRoute[];
  /** MTU of the link holding nodeIP; the VXLAN device is that minus the encapsulation. */
  underlayMtu: number;
}

export class PodNetworkPlanError extends Error {
  readonly code = 'POD_NETWORK_PLAN_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'PodNetworkPlanError';
  }
}

/** Another node this node can route to: its address, its subnets, its published VXLAN MAC. */
export interface Peer {
  name: string;
  ip: string;
  podCIDRs: string[];
  mac?: string;
}

function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP' && parseIPv4(a.address) !== undefined)?.address;
}

function podCIDRsOf(node: Node): string[] {
  const list = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
  return [...new Set(list)];
}

const byName = (a: Node, b: Node) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1);

/**
 * Our own subnets and the peers: other nodes with an IPv4 InternalIP that is not ours and IPv4 pod
 * subnets strictly inside the cluster CIDR (a node must never steer other traffic, or the whole pod
 * CIDR, off this machine). A subnet claimed twice goes to us, then to the first node by name.
 * Nodes without an address or subnet yet are passed over silently: that is how nodes start.
 */
export function peersOf(input: Pick<PodNetworkInput, 'nodes' | 'nodeName' | 'nodeIP' | 'clusterCIDR'>): {
  ownCIDRs: string[];
  peers: Peer[];
  skipped: SkippedPeer[];
} {
  const cluster = parseCidr(input.clusterCIDR);
  if (!cluster) throw new PodNetworkPlanError(`cluster CIDR "${input.clusterCIDR}" is not an IPv4 CIDR`);
  const skipped: SkippedPeer[] = [];
  const taken = new Map<string, string>();
  // complaints are about peers: our own bad subnet is the kubelet's and the allocator's business
  const claim = (node: Node, text: string, report = true): string | undefined => {
    const c = parseCidr(text);
    if (!c || text.includes(':')) return undefined; // not IPv4: another family's business
    const name = node.metadata.name ?? '';
    if (c.bits <= cluster.bits || !cidrContains(cluster, c)) {
      if (report) skipped.push({ node: name, reason: `pod CIDR ${text} is not a subnet of the cluster CIDR ${formatCidr(cluster)}` });
      return undefined;
    }
    const dst = formatCidr(c);
    const owner = taken.get(dst);
    if (owner !== undefined) {
      if (owner !== name && report) skipped.push({ node: name, reason: `pod CIDR ${dst} is already ${owner === input.nodeName ? 'this node' : `node ${owner}`}'s` });
      return undefined;
    }
    taken.set(dst, name);
    return dst;
  };
  const own = input.nodes.find((n) => n.metadata.name === input.nodeName);
  const ownCIDRs = own ? podCIDRsOf(own).flatMap((t) => claim(own, t, false) ?? []) : [];
  const peers: Peer[] = [];
  for (const node of input.nodes.filter((n) => n.metadata.name !== input.nodeName).sort(byName)) {
    const name = node.metadata.name ?? '';
    const ip = internalIP(node);
    if (!ip) continue;
    const cidrs = podCIDRsOf(node);
    if (ip === input.nodeIP) {
      if (cidrs.length) skipped.push({ node: name, reason: `its InternalIP ${ip} is this node's` });
      continue;
    }
    const podCIDRs = cidrs.flatMap((t) => claim(node, t) ?? []);
    if (podCIDRs.length === 0) continue;
    const peer: Peer = { name, ip, podCIDRs };
    const mac = canonicalMac(node.metadata.annotations?.[VTEP_MAC_ANNOTATION]);
    if (mac) peer.mac = mac;
    peers.push(peer);
  }
  return { ownCIDRs, peers, skipped };
}

/** auto → host-gw when every peer's InternalIP is directly connected (no peers: host-gw). */
export function resolveMode(mode: PodNetworkMode, peers: Peer[], hostRoutes: HostRoute[]): ResolvedMode {
  if (mode !== 'auto') return mode;
  return peers.every((p) => isOnLink(p.ip, hostRoutes)) ? 'host-gw' : 'vxlan';
}

export function podNetworkPlan(input: PodNetworkInput): PodNetworkPlan {
  const { ownCIDRs, peers, skipped } = peersOf(input);
  const mode = resolveMode(input.mode, peers, input.hostRoutes);
  const routes: RouteSpec[] = [];
  if (mode === 'host-gw') {
    for (const p of peers) {
      if (!isOnLink(p.ip, input.hostRoutes)) {
        skipped.push({ node: p.name, reason: `its InternalIP ${p.ip} is not on a directly connected network, which host-gw needs (use --pod-network-mode=vxlan or auto)` });
        continue;
      }
      for (const dst of p.podCIDRs) routes.push({ type: 'unicast', dst, via: p.ip });
    }
    return { mode, routes, neighbours: [], fdb: [], skipped };
  }

  const mac = vtepMacFor(input.nodeIP);
  const device: VxlanDeviceSpec = {
    name: input.vxlan.device,
    vni: input.vxlan.vni,
    port: input.vxlan.port,
    local: input.nodeIP,
    mac,
    mtu: Math.max(68, input.underlayMtu - VXLAN_OVERHEAD),
  };
  if (ownCIDRs.length) device.address = `${subnetAddress(ownCIDRs[0])}/32`;
  const neighbours: NeighbourSpec[] = [];
  const fdb: FdbSpec[] = [];
  const macOwners = new Map([[mac, input.nodeName]]);
  for (const p of peers) {
    if (!p.mac) {
      skipped.push({ node: p.name, reason: `it has not published its VXLAN MAC (annotation ${VTEP_MAC_ANNOTATION}) yet` });
      continue;
    }
    const owner = macOwners.get(p.mac);
    if (owner !== undefined) {
      skipped.push({ node: p.name, reason: `its VXLAN MAC ${p.mac} is also ${owner === input.nodeName ? 'this node' : `node ${owner}`}'s` });
      continue;
    }
    macOwners.set(p.mac, p.name);
    const gateway = subnetAddress(p.podCIDRs[0]) as string;
    neighbours.push({ ip: gateway, mac: p.mac });
    fdb.push({ mac: p.mac, dst: p.ip });
    for (const dst of p.podCIDRs) routes.push({ type: 'unicast', dst, via: gateway, dev: device.name, onlink: true });
  }
  return { mode, routes, device, neighbours, fdb, vtepMac: mac, skipped };
}
