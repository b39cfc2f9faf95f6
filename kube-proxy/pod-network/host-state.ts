// Reading the host's network state from `ip -j` / `bridge -j` output: which networks are directly
// connected, the underlay link's MTU, and what our VXLAN device holds (its settings, addresses,
// neighbour and forwarding entries). Pure text parsing; the commands run in vxlan-device.ts.
import { cidrContains, parseCidr, parseIPv4 } from '../cidr';
import type { HostRoute } from '../route-plan';
import { canonicalMac } from './vtep';

const parseJson = <T>(text: string): T[] => (text.trim() ? (JSON.parse(text) as T[]) : []);

/**
 * True when ip is reached without a gateway: the most specific unicast route covering it (of
 * routes that are not ours) goes straight out of a device. Host-gateway routing needs exactly
 * this — the other node must answer ARP on one of our links.
 */
export function isOnLink(ip: string, routes: HostRoute[]): boolean {
  const target = parseCidr(ip);
  if (!target || target.bits !== 32) return false;
  let best: HostRoute | undefined;
  let bestBits = -1;
  for (const r of routes) {
    const c = parseCidr(r.dst);
    if (!c || r.type !== 'unicast' || !cidrContains(c, target)) continue;
    if (c.bits > bestBits) {
      best = r;
      bestBits = c.bits;
    }
  }
  return best !== undefined && !best.gateway && best.dev !== undefined && best.dev !== 'lo';
}

interface IpJsonAddrLink {
  ifname?: string;
  mtu?: number;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

/** MTU of the link (not loopback) holding ip, from `ip -j -4 addr show`; undefined when none does. */
export function linkMtuOf(addrJson: string, ip: string): number | undefined {
  for (const l of parseJson<IpJsonAddrLink>(addrJson)) {
    if (l.ifname === 'lo') continue;
    if ((l.addr_info ?? []).some((a) => a.family === 'inet' && a.local === ip)) return l.mtu;
  }
  return undefined;
}

/** What `ip -j -d link show dev X` and `ip -j -4 addr show dev X` say about a VXLAN device. */
export interface VxlanLinkState {
  kind: string;
  mac?: string;
  mtu?: number;
  alias?: string;
  up: boolean;
  vni?: number;
  port?: number;
  local?: string;
  learning?: boolean;
  /** IPv4 addresses as "a.b.c.d/len". */
  addresses: string[];
}

interface IpJsonLinkDetail {
  ifname?: string;
  flags?: string[];
  mtu?: number;
  address?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number; local?: string; learning?: boolean } };
}

/** Parses the device's details; undefined when the output names no device. */
export function parseVxlanLink(linkJson: string, addrJson: string): VxlanLinkState | undefined {
  const link = parseJson<IpJsonLinkDetail>(linkJson)[0];
  if (!link) return undefined;
  const data = link.linkinfo?.info_data ?? {};
  const addresses: string[] = [];
  for (const l of parseJson<IpJsonAddrLink>(addrJson)) {
    for (const a of l.addr_info ?? []) {
      if (a.family === 'inet' && a.local && parseIPv4(a.local) !== undefined && a.prefixlen !== undefined) addresses.push(`${a.local}/${a.prefixlen}`);
    }
  }
  const state: VxlanLinkState = { kind: link.linkinfo?.info_kind ?? 'unknown', up: (link.flags ?? []).includes('UP'), addresses };
  const mac = canonicalMac(link.address);
  if (mac) state.mac = mac;
  if (link.mtu !== undefined) state.mtu = link.mtu;
  if (link.ifalias) state.alias = link.ifalias;
  if (data.id !== undefined) state.vni = data.id;
  if (data.port !== undefined) state.port = data.port;
  if (data.local) state.local = data.local;
  if (data.learning !== undefined) state.learning = data.learning;
  return state;
}

/** A permanent neighbour entry: the inner gateway address of a remote node → its VXLAN MAC. */
export interface NeighbourSpec {
  ip: string;
  mac: string;
}

/** A forwarding entry: a remote VXLAN MAC → the remote node's address (where to tunnel to). */
export interface FdbSpec {
  mac: string;
  dst: string;
}

interface IpJsonNeigh {
  dst?: string;
  lladdr?: string;
  state?: string[];
}

/** `ip -j neigh show dev X`: the entries with an IPv4 address and a MAC. */
export function parseNeighbours(json: string): NeighbourSpec[] {
  const out: NeighbourSpec[] = [];
  for (const n of parseJson<IpJsonNeigh>(json)) {
    const mac = canonicalMac(n.lladdr);
    if (n.dst && parseIPv4(n.dst) !== undefined && mac) out.push({ ip: n.dst, mac });
  }
  return out;
}

interface BridgeJsonFdb {
  mac?: string;
  dst?: string;
}

/** `bridge -j fdb show dev X`: the entries that tunnel a MAC to an IPv4 address. */
export function parseFdb(json: string): FdbSpec[] {
  const out: FdbSpec[] = [];
  for (const f of parseJson<BridgeJsonFdb>(json)) {
    if (f.mac && f.dst && parseIPv4(f.dst) !== undefined) out.push({ mac: f.mac.toLowerCase(), dst: f.dst });
  }
  return out;
}
