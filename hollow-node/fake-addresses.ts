// Addresses for hollow nodes and their pods, as pure values: nothing is routed to them and no
// packet is ever sent to them, they only have to look like a kubelet's and never repeat.
//
// - A node's InternalIP is 127.<a>.<b>.<c> from its index (loopback range, so that anything that
//   does try to reach it stays on this machine).
// - A pod's IP comes from its node's spec.podCIDR (what the controller-manager's node IPAM gave the
//   node), as CNI's host-local would hand it out; before the node has a podCIDR, from a fake /24
//   per node in 100.64.0.0/10 (shared address space, never the cluster's pod CIDR).

/** IPv4 dotted quad → 32-bit unsigned number. */
export function ipToNumber(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Hollow node number `index` (0-based) → its InternalIP: 127.1.0.1, 127.1.0.2, … (2^24 - 2^16 of them). */
export function hollowNodeIP(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 0xfeffff) throw new RangeError(`hollow node index ${index} out of range`);
  return numberToIp((127 << 24) + 0x10000 + index + 1);
}

export const FALLBACK_CIDRS = 1 << 14;

/** The fake /24 of node number `index` until it has a podCIDR: 100.64.0.0/24, 100.64.1.0/24, … (16,384 nodes). */
export function fallbackPodCIDR(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= FALLBACK_CIDRS) throw new RangeError(`hollow node index ${index} has no fallback pod CIDR`);
  return `${numberToIp(((100 << 24) | (64 << 16) | (index << 8)) >>> 0)}/24`;
}

/** The usable pod addresses of an IPv4 CIDR: network+2 (network+1 is the bridge's gateway, as with
 *  CNI's bridge plugin) to broadcast-1. Undefined for a malformed CIDR or one too small for a pod. */
export function podRange(cidr: string): { first: number; last: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255)) return undefined;
  const bits = Number(m[5]);
  if (bits > 30) return undefined;
  const size = 2 ** (32 - bits);
  const network = Math.floor(ipToNumber(m.slice(1, 5).join('.')) / size) * size;
  return { first: network + 2, last: network + size - 2 };
}

/**
 * One node's pod addresses, keyed by pod UID: a pod keeps the address it has (also one found in its
 * status after a restart of the hollow process), a new pod gets the lowest free one, a removed pod
 * frees its own. No effects: the caller decides when a pod is gone.
 */
export class PodAddressPool {
  private readonly byUid = new Map<string, string>();
  private readonly used = new Set<string>();
  private next = 0;

  constructor(private readonly cidr: string) {}

  get range(): string {
    return this.cidr;
  }

  /**
   * The pod's address: the one it holds; else `existing` (the address its status already reports:
   * a pod's IP never changes, even when it was handed out before the node had its podCIDR); else
   * the next free one in range.
   */
  assign(uid: string, existing?: string): string | undefined {
    const held = this.byUid.get(uid);
    if (held) return held;
    if (existing) {
      this.byUid.set(uid, existing);
      this.used.add(existing);
      return existing;
    }
    const r = podRange(this.cidr);
    if (!r) return undefined;
    let ip: string | undefined;
    const size = r.last - r.first + 1;
    // Round-robin from the last handed out, as host-local does: a freed address is not reused at once.
    for (let i = 0; !ip && i < size; i++) {
      const candidate = numberToIp(r.first + ((this.next + i) % size));
      if (!this.used.has(candidate)) {
        ip = candidate;
        this.next = (this.next + i + 1) % size;
      }
    }
    if (!ip) return undefined;
    this.byUid.set(uid, ip);
    this.used.add(ip);
    return ip;
  }

  release(uid: string): void {
    const ip = this.byUid.get(uid);
    if (!ip) return;
    this.byUid.delete(uid);
    // Two pods may report one address (adopted from statuses written elsewhere): keep it taken
    // while another holds it.
    if (![...this.byUid.values()].includes(ip)) this.used.delete(ip);
  }

  /** Pods holding an address. */
  get size(): number {
    return this.byUid.size;
  }
}
