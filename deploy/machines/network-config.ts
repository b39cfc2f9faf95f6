// The machines' network, as pure values: names, the subnet (inside 198.18.0.0/15, reserved for
// benchmark networks and never routed), addresses, the Docker network definition, and the one
// iptables rule the project adds beside dockerd's.
import * as crypto from 'node:crypto';
import type { NetworkCreateOptions } from 'dockerode';

export class MachineConfigError extends Error {
  readonly code = 'MACHINE_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'MachineConfigError';
  }
}

/** RFC 2544's benchmarking range: every machine subnet lies inside it. */
export const MACHINE_RANGE = '198.18.0.0/15';
/** Machines get addresses from .11 on (index 0 → .11): .1 is the host's side of the bridge. */
export const FIRST_MACHINE_HOST = 11;

export const LABEL_CLUSTER = 'io.k8ts.cluster';
export const LABEL_MACHINE = 'io.k8ts.machine';
export const LABEL_ADDRESS = 'io.k8ts.address';
export const LABEL_MANAGED = 'io.k8ts.managed-by';
export const MANAGED_BY = 'k8ts-machines';

export interface Ipv4Net {
  base: number;
  prefix: number;
}

const IP = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIp(s: string): number {
  const m = IP.exec(s);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new MachineConfigError(`invalid IPv4 address "${s}"`);
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const mask = (prefix: number): number => (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);

export function parseCidr(s: string): Ipv4Net {
  const [ip, p, ...rest] = s.split('/');
  const prefix = Number(p);
  if (rest.length || p === undefined || !/^\d{1,2}$/.test(p) || prefix > 32) throw new MachineConfigError(`invalid CIDR "${s}"`);
  const base = parseIp(ip);
  if ((base & mask(prefix)) >>> 0 !== base) throw new MachineConfigError(`CIDR "${s}" has host bits set (did you mean ${formatIp((base & mask(prefix)) >>> 0)}/${prefix}?)`);
  return { base, prefix };
}

export const formatCidr = (n: Ipv4Net): string => `${formatIp(n.base)}/${n.prefix}`;
const size = (n: Ipv4Net): number => 2 ** (32 - n.prefix);
const contains = (outer: Ipv4Net, ip: number): boolean => ((ip & mask(outer.prefix)) >>> 0) === outer.base;
export const overlaps = (a: Ipv4Net, b: Ipv4Net): boolean => contains(a, b.base) || contains(b, a.base);

/** A machine subnet: inside 198.18.0.0/15, room for at least a few machines (/16 to /28). */
export function validateMachineSubnet(cidr: string): Ipv4Net {
  const n = parseCidr(cidr);
  const range = parseCidr(MACHINE_RANGE);
  if (!contains(range, n.base) || n.prefix < range.prefix) {
    throw new MachineConfigError(`machine subnet ${cidr} must lie inside ${MACHINE_RANGE} (reserved for benchmark networks, never routed)`);
  }
  if (n.prefix < 16 || n.prefix > 28) throw new MachineConfigError(`machine subnet ${cidr}: prefix must be between /16 and /28`);
  return n;
}

/** The host's address on the machines' bridge (Docker's "gateway"; machines never route through it). */
export const gatewayOf = (n: Ipv4Net): string => formatIp(n.base + 1);

/** The lowest `count` free addresses from .11 on, skipping those in use. */
export function allocateAddresses(n: Ipv4Net, used: readonly string[], count: number): string[] {
  const taken = new Set(used.map(parseIp));
  const out: string[] = [];
  const last = n.base + size(n) - 2; // the broadcast address is not a host
  for (let ip = n.base + FIRST_MACHINE_HOST; ip <= last && out.length < count; ip++) if (!taken.has(ip)) out.push(formatIp(ip));
  if (out.length < count) throw new MachineConfigError(`machine subnet ${formatCidr(n)} has no room for ${count} more machines (${used.length} in use)`);
  return out;
}

/** The first /prefix inside 198.18.0.0/15 overlapping none of the subnets already taken. */
export function pickFreeSubnet(taken: readonly string[], prefix = 24): string {
  const range = parseCidr(MACHINE_RANGE);
  const nets = taken.flatMap((t) => {
    try {
      return [parseCidr(t)];
    } catch {
      return []; // IPv6 or malformed: cannot overlap an IPv4 range
    }
  });
  const step = 2 ** (32 - prefix);
  for (let base = range.base; base < range.base + size(range); base += step) {
    const cand = { base, prefix };
    if (!nets.some((t) => overlaps(t, cand))) return formatCidr(cand);
  }
  throw new MachineConfigError(`no free /${prefix} left in ${MACHINE_RANGE}`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Cluster names go into container, network and volume names: a short DNS label. */
export function validateClusterName(name: string): void {
  if (!DNS_LABEL.test(name) || name.length > 40) {
    throw new MachineConfigError(`cluster name "${name}" must be a DNS label (lower-case letters, digits, '-') of at most 40 characters`);
  }
}

/** Machine names are the machines' hostnames (and so by default their node names). */
export function validateMachineName(name: string): void {
  if (!DNS_LABEL.test(name) || name.length > 63) {
    throw new MachineConfigError(`machine name "${name}" must be a DNS label (lower-case letters, digits, '-') of at most 63 characters`);
  }
}

export const networkName = (cluster: string): string => `k8ts-${cluster}`;

/** Linux interface names have at most 15 characters: long cluster names are hashed. */
export function bridgeName(cluster: string): string {
  const plain = `k8ts-${cluster}`;
  return plain.length <= 15 ? plain : `k8ts-${crypto.createHash('sha256').update(cluster).digest('hex').slice(0, 10)}`;
}

export function networkCreateOptions(cluster: string, subnet: Ipv4Net): NetworkCreateOptions {
  return {
    Name: networkName(cluster),
    Driver: 'bridge',
    CheckDuplicate: true,
    // No route out: dockerd drops whatever enters the bridge for, or leaves it from, elsewhere.
    Internal: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: formatCidr(subnet), Gateway: gatewayOf(subnet) }] },
    Options: {
      'com.docker.network.bridge.name': bridgeName(cluster),
      'com.docker.network.bridge.enable_ip_masquerade': 'false',
    },
    Labels: { [LABEL_CLUSTER]: cluster, [LABEL_MANAGED]: MANAGED_BY },
  };
}

/**
 * The rule the project adds to DOCKER-USER (dockerd's chain for its users, evaluated before its
 * own): traffic that enters the machines' bridge and leaves it again is accepted. The host has
 * br_netfilter loaded, so frames between two machines pass the FORWARD chain, where dockerd's
 * isolation rules for an --internal network drop every packet whose source or destination is
 * outside the machine subnet — which pod-to-pod traffic routed host-gateway style between
 * machines always is. Traffic to or from any other interface still meets the isolation rules.
 */
export function interMachineRule(cluster: string): string[] {
  const br = bridgeName(cluster);
  return ['-i', br, '-o', br, '-m', 'comment', '--comment', `k8ts machines ${networkName(cluster)}`, '-j', 'ACCEPT'];
}
