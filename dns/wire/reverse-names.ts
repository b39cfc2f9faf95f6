// Reverse-lookup names (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5 ip6.arpa nibbles) ⇄ addresses.
// The cluster DNS answers PTR queries for ClusterIPs and endpoints with these.
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './addresses';
import { canonicalName } from './names';

export const IN_ADDR_ARPA = 'in-addr.arpa';
export const IP6_ARPA = 'ip6.arpa';

/** '10.96.0.10' → '10.0.96.10.in-addr.arpa'; 'fd00::1' → '1.0.0.…0.d.f.ip6.arpa'; undefined if not an IP. */
export function reverseName(address: string): string | undefined {
  const v4 = parseIPv4(address);
  if (v4) return `${v4[3]}.${v4[2]}.${v4[1]}.${v4[0]}.${IN_ADDR_ARPA}`;
  const v6 = parseIPv6(address);
  if (!v6) return undefined;
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) nibbles.push((v6[i] & 0x0f).toString(16), (v6[i] >> 4).toString(16));
  return `${nibbles.join('.')}.${IP6_ARPA}`;
}

/**
 * The address a complete reverse name stands for (canonical text), or undefined when the name is
 * not one: outside both trees, a partial name (an empty non-terminal like '96.10.in-addr.arpa'),
 * an octet with leading zeros, a nibble that is not one hex digit. Case-insensitive.
 */
export function addressFromReverseName(name: string): string | undefined {
  let canonical: string;
  try {
    canonical = canonicalName(name);
  } catch {
    return undefined;
  }
  if (canonical.endsWith('.' + IN_ADDR_ARPA)) {
    const labels = canonical.slice(0, -(IN_ADDR_ARPA.length + 1)).split('.');
    if (labels.length !== 4) return undefined;
    const v4 = parseIPv4(labels.reverse().join('.'));
    return v4 ? formatIPv4(v4) : undefined;
  }
  if (canonical.endsWith('.' + IP6_ARPA)) {
    const labels = canonical.slice(0, -(IP6_ARPA.length + 1)).split('.');
    if (labels.length !== 32 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) {
      const low = parseInt(labels[30 - 2 * i], 16);
      const high = parseInt(labels[31 - 2 * i], 16);
      bytes[i] = (high << 4) | low;
    }
    return formatIPv6(bytes);
  }
  return undefined;
}
