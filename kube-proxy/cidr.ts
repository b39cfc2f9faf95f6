// Just enough IPv4 CIDR arithmetic for route planning: parse, normalise, containment.

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  bits: number;
}

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

const numberToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export function parseIPv4(ip: string): number | undefined {
  return ipToNumber(ip);
}

/** Parses "a.b.c.d/n" (or a bare address as /32); undefined when not IPv4. The base is masked. */
export function parseCidr(text: string): Cidr | undefined {
  const [ip, bitsText = '32', extra] = text.split('/');
  if (extra !== undefined || !/^\d{1,2}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const n = ipToNumber(ip);
  if (n === undefined || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  return { base: Math.floor(n / size) * size, bits };
}

export function formatCidr(c: Cidr): string {
  return `${numberToIp(c.base)}/${c.bits}`;
}

/** Canonical text ("10.244.1.0/24"; bare addresses become /32), or undefined when not IPv4. */
export function normalizeCidr(text: string): string | undefined {
  const c = parseCidr(text);
  return c ? formatCidr(c) : undefined;
}

/** True when inner lies entirely inside outer. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (inner.bits < outer.bits) return false;
  const size = 2 ** (32 - outer.bits);
  return Math.floor(inner.base / size) * size === outer.base;
}
