// The LoadBalancer address pool (--load-balancer-ip-pool), as pure values: a comma list of IPv4
// CIDRs (every address of the block, as MetalLB hands them out) and `a.b.c.d-a.b.c.e` ranges, and
// the choice of a free address from it. The default is the top /24 of 198.18.0.0/15 without its
// first and last address: machine networks are taken from the bottom of that block upwards
// (deploy/machines/network-config.ts), so the two meet only after 511 machine networks.

export const DEFAULT_LB_POOL = '198.19.254.1-198.19.254.254';

/** Our own loadBalancerClass; Services without a class are ours too (the cluster's default LB). */
export const SERVICE_LB_CLASS = 'k8ts.io/service-lb';

export class LbPoolError extends Error {
  readonly code = 'LB_POOL_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'LbPoolError';
  }
}

/** Inclusive ranges of IPv4 addresses as 32-bit numbers, in the order they were given. */
export interface LbPool {
  ranges: { first: number; last: number }[];
  /** What the flag said, for messages. */
  text: string;
}

/** A dotted quad as a number, or undefined (no leading zeros: they read as octal elsewhere). */
export function ipv4ToInt(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function parseEntry(entry: string): { first: number; last: number } {
  if (entry.includes(':')) throw new LbPoolError(`"${entry}": only IPv4 addresses are supported in the pool`);
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const base = ipv4ToInt(entry.slice(0, slash));
    const bitsText = entry.slice(slash + 1);
    if (base === undefined || !/^\d{1,2}$/.test(bitsText) || Number(bitsText) > 32)
      throw new LbPoolError(`"${entry}" is not an IPv4 CIDR such as 198.19.255.0/24`);
    const size = 2 ** (32 - Number(bitsText));
    if (base % size !== 0) throw new LbPoolError(`"${entry}" has host bits set (did you mean ${intToIpv4(base - (base % size))}/${bitsText}?)`);
    return { first: base, last: base + size - 1 };
  }
  const dash = entry.indexOf('-');
  const first = ipv4ToInt((dash >= 0 ? entry.slice(0, dash) : entry).trim());
  const last = dash >= 0 ? ipv4ToInt(entry.slice(dash + 1).trim()) : first;
  if (first === undefined || last === undefined)
    throw new LbPoolError(`"${entry}" is neither an IPv4 CIDR (198.19.255.0/24) nor a range (198.19.255.1-198.19.255.254)`);
  if (first > last) throw new LbPoolError(`"${entry}": the range ends before it starts`);
  return { first, last };
}

/** Parses the flag; an empty string is an empty pool (the controller stays idle). */
export function parseLbPool(text: string): LbPool {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  const ranges = entries.map(parseEntry);
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].first <= sorted[i - 1].last)
      throw new LbPoolError(`${intToIpv4(sorted[i - 1].first)}-${intToIpv4(sorted[i - 1].last)} and ${intToIpv4(sorted[i].first)}-${intToIpv4(sorted[i].last)} overlap`);
  return { ranges, text: entries.join(',') };
}

export function poolSize(pool: LbPool): number {
  return pool.ranges.reduce((n, r) => n + r.last - r.first + 1, 0);
}

export function poolContains(pool: LbPool, ip: string): boolean {
  const n = ipv4ToInt(ip);
  return n !== undefined && pool.ranges.some((r) => n >= r.first && n <= r.last);
}

/** The lowest free address of the pool (in the order its entries were given), or undefined. */
export function firstFree(pool: LbPool, used: ReadonlySet<string>): string | undefined {
  // Every used address blocks at most one candidate, so at most used.size + 1 are looked at.
  for (const r of pool.ranges)
    for (let n = r.first; n <= r.last; n++) {
      const ip = intToIpv4(n);
      if (!used.has(ip)) return ip;
    }
  return undefined;
}
