// Addresses as DNS names: the canonical text of an IP, its reverse name (RFC 1035 §3.5 in-addr.arpa,
// RFC 3596 §2.5 ip6.arpa nibbles) and the dashed form Kubernetes uses as a label (`10-244-1-5`,
// `fd00--5`). Parsing is strict — no leading zeros in IPv4 octets, as Go's net.ParseIP since 1.17 —
// because a pod name like `010-1-1-1` must not silently become another address.

export type IpFamily = 4 | 6;

export interface ParsedIp {
  family: IpFamily;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: number[];
}

function parseIPv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

function parseIPv6Bytes(text: string): number[] | undefined {
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  let tail: number[] = [];
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    const v4 = parseIPv4Bytes(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    body = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const rest = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !rest) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return undefined;
    groups = [...head, ...new Array(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  if (text.includes(':')) {
    const bytes = parseIPv6Bytes(text);
    return bytes && { family: 6, bytes };
  }
  const bytes = parseIPv4Bytes(text);
  return bytes && { family: 4, bytes };
}

/** RFC 5952 text: lowercase, leading zeros dropped, the longest run (≥ 2) of zero groups as `::`. */
export function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip.bytes[i] << 8) | ip.bytes[i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** The canonical text of an address, or undefined when `text` is not one. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip && formatIp(ip);
}

/** `10.96.0.1` → `1.0.96.10.in-addr.arpa`; IPv6 → 32 nibbles, lowest first, then `ip6.arpa`. */
export function reverseName(ip: ParsedIp): string {
  if (ip.family === 4) return `${[...ip.bytes].reverse().join('.')}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (const b of ip.bytes) nibbles.push((b >> 4).toString(16), (b & 0xf).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

/** The address a reverse name stands for (lowercase name, no trailing dot); undefined if it names none. */
export function ipFromReverseName(name: string): ParsedIp | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const labels = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (labels.length !== 4) return undefined;
    const bytes = parseIPv4Bytes(labels.reverse().join('.'));
    return bytes && { family: 4, bytes };
  }
  if (name.endsWith('.ip6.arpa')) {
    const labels = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (labels.length !== 32 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
    const nibbles = labels.reverse().map((l) => parseInt(l, 16));
    const bytes: number[] = [];
    for (let i = 0; i < 32; i += 2) bytes.push((nibbles[i] << 4) | nibbles[i + 1]);
    return { family: 6, bytes };
  }
  return undefined;
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
