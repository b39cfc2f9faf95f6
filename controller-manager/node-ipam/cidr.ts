// IPv4 CIDR arithmetic for the node IPAM: the cluster CIDR is cut into fixed-size node subnets and
// the lowest one not used by any node is handed out next.

export class CidrError extends Error {
  readonly code = 'CIDR_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CidrError';
  }
}

export interface Cidr {
  base: number; // network address as an unsigned 32-bit number
  prefix: number;
}

export function parseIp(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new CidrError(`invalid IPv4 address "${ip}"`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new CidrError(`invalid IPv4 address "${ip}"`);
    n = n * 256 + Number(p);
  }
  return n;
}

export const formatIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export function parseCidr(s: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || Number(m[2]) > 32) throw new CidrError(`invalid CIDR "${s}"`);
  const prefix = Number(m[2]);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(parseIp(m[1]) / size) * size;
  return { base, prefix };
}

export const formatCidr = (c: Cidr) => `${formatIp(c.base)}/${c.prefix}`;

/** The next free node subnet of size /maskSize inside cluster, or undefined when all are taken. */
export function nextFreeSubnet(cluster: string, maskSize: number, used: Iterable<string>): string | undefined {
  const c = parseCidr(cluster);
  if (maskSize < c.prefix || maskSize > 32) throw new CidrError(`node mask /${maskSize} does not fit in ${cluster}`);
  const size = 2 ** (32 - maskSize);
  const count = 2 ** (maskSize - c.prefix);
  const taken = new Set<number>();
  for (const u of used) {
    try {
      const x = parseCidr(u);
      if (x.prefix === maskSize && x.base >= c.base && x.base < c.base + count * size) taken.add((x.base - c.base) / size);
    } catch {
      // A foreign or malformed podCIDR does not block allocation.
    }
  }
  for (let i = 0; i < count; i++) if (!taken.has(i)) return formatCidr({ base: c.base + i * size, prefix: maskSize });
  return undefined;
}
