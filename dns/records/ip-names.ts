// Addresses as DNS names: the canonical text of an IP, its reverse name (RFC 1035 §3.5 in-addr.arpa,
// RFC 3596 §2.5 ip6.arpa nibbles) and the dashed form Kubernetes uses as a label (`10-244-1-5`,
// `fd00--5`). Parsing is strict — no leading zeros in IPv4 octets, as Go's net.ParseIP since 1.17 —
// because a pod name like `010-1-1-1` must not silently become another address. The parsing and
// the reverse trees are dns/wire's; this file gives them the shape the zone index keys on.
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../wire/addresses';
import { addressFromReverseName, reverseName as wireReverseName } from '../wire/reverse-names';

export type IpFamily = 4 | 6;

export interface ParsedIp {
  family: IpFamily;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: number[];
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one (the wire format's strict parsers). */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.includes(':')) {
    const b = parseIPv6(text);
    return b && { family: 6, bytes: [...b] };
  }
  const b = parseIPv4(text);
  return b && { family: 4, bytes: [...b] };
}

/** RFC 5952 text: lowercase, leading zeros dropped, the longest run (≥ 2) of zero groups as `::`. */
export function formatIp(ip: ParsedIp): string {
  return ip.family === 4 ? formatIPv4(Buffer.from(ip.bytes)) : formatIPv6(Buffer.from(ip.bytes));
}

/** The canonical text of an address, or undefined when `text` is not one. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip && formatIp(ip);
}

/** `10.96.0.1` → `1.0.96.10.in-addr.arpa`; IPv6 → 32 nibbles, lowest first, then `ip6.arpa`. */
export function reverseName(ip: ParsedIp): string {
  return wireReverseName(formatIp(ip))!;
}

/** The address a reverse name stands for; undefined if it names none. */
export function ipFromReverseName(name: string): ParsedIp | undefined {
  const text = addressFromReverseName(name);
  return text === undefined ? undefined : parseIp(text);
}

/** The dashed label of an address: `10-244-1-5`, `fd00--5` (CoreDNS' form: ':' → '-'). */
export function dashedIp(ip: ParsedIp): string {
  return formatIp(ip).replace(/[.:]/g, '-');
}

/**
 * The address a dashed label names: exactly three dashes and no `--` is IPv4, anything else is read
 * as IPv6 with dashes for colons. Undefined when the result is not a well-formed address.
 */
export function ipFromDashed(label: string): ParsedIp | undefined {
  const dashes = label.split('-').length - 1;
  const text = dashes === 3 && !label.includes('--') ? label.replace(/-/g, '.') : label.replace(/-/g, ':');
  return parseIp(text);
}
