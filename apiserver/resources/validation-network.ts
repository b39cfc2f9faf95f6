// Network values: IP addresses and CIDRs parsed as k8s.io/utils/net's "sloppy" parsers do (IPv4
// octets may have leading zeros, IPv6 has no zone), the special ranges Endpoints and external IPs
// may not use, port numbers and names, and protocols — with apimachinery's messages.
import { eachInvalid, inclusiveRange, invalid, notSupported, type FieldError } from './field-errors';
import { portNameErrors } from './validation-names';

/** The 4 octets of a dotted-quad address, or undefined. */
function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,10}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** The 16 bytes of an IPv6 address (with an optional trailing dotted quad), or undefined. */
function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIPv4(it);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  // A dotted quad may only end the address.
  if (halves.length === 2 && halves[0].includes('.')) return undefined;
  let all: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined;
    all = [...head, ...Array(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    all = head;
  }
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

export interface ParsedIP {
  /** 16 bytes; IPv4 addresses as ::ffff:a.b.c.d, as Go keeps them. */
  bytes: number[];
  v4: boolean;
}

/** netutils.ParseIPSloppy. */
export function parseIP(s: string): ParsedIP | undefined {
  const v4 = parseIPv4(s);
  if (v4) return { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4], v4: true };
  if (!s.includes(':')) return undefined;
  const v6 = parseIPv6(s);
  return v6 ? { bytes: v6, v4: false } : undefined;
}

/** netutils.ParseCIDRSloppy: an address, '/', and a prefix length within the family's width. */
export function parseCIDR(s: string): ParsedIP | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const mask = s.slice(slash + 1);
  const v4 = parseIPv4(addr);
  const ip = v4 ? parseIP(addr) : addr.includes(':') ? parseIP(addr) : undefined;
  if (!ip || !/^\d{1,10}$/.test(mask)) return undefined;
  return Number(mask) <= (v4 ? 32 : 128) ? { bytes: ip.bytes, v4: !!v4 } : undefined;
}

const isMappedV4 = (b: number[]) => b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

export function ipErrors(value: unknown): string[] {
  return typeof value === 'string' && parseIP(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

/** IsValidIP: one error per bad address. */
export function ip(field: string, value: unknown): FieldError[] {
  return eachInvalid(field, value, ipErrors(value));
}

export function ipOfFamily(field: string, value: unknown, family: 'IPv4' | 'IPv6'): FieldError[] {
  const p = typeof value === 'string' ? parseIP(value) : undefined;
  const ok = p && (family === 'IPv4' ? isMappedV4(p.bytes) : !isMappedV4(p.bytes));
  return ok ? [] : [invalid(field, value, `must be a valid ${family} address`)];
}

/** IsValidCIDR. */
export function cidr(field: string, value: unknown): FieldError[] {
  return typeof value === 'string' && parseCIDR(value) ? [] : [invalid(field, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/**
 * ValidateNonSpecialIP: no unspecified, loopback or link-local address. `allowLoopback` serves the
 * Endpoints of this project's own local clusters, whose apiserver may advertise 127.0.0.1.
 */
export function nonSpecialIP(field: string, value: string, allowLoopback = false): FieldError[] {
  const p = parseIP(value);
  if (!p) return [invalid(field, value, 'must be a valid IP address')];
  const b = p.bytes;
  const v4 = isMappedV4(b);
  const errs: FieldError[] = [];
  if (v4 ? b.slice(12).every((x) => x === 0) : b.every((x) => x === 0)) errs.push(invalid(field, value, `may not be unspecified (${value})`));
  const loopback = v4 ? b[12] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  if (loopback && !allowLoopback) errs.push(invalid(field, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (v4 ? b[12] === 169 && b[13] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80)
    errs.push(invalid(field, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (v4 ? b[12] === 224 && b[13] === 0 && b[14] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02)
    errs.push(invalid(field, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** IsValidPortNum: 1-65535. */
export function port(field: string, p: unknown): FieldError[] {
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) return [invalid(field, p, inclusiveRange(1, 65535))];
  return [];
}

/** ValidatePortNumOrName: a number in range, or an IANA service name (a JSON string is always a name). */
export function intOrNamedPort(field: string, p: unknown): FieldError[] {
  if (typeof p === 'number') return port(field, p);
  if (typeof p === 'string') return eachInvalid(field, p, portNameErrors(p));
  return [invalid(field, p, 'must be an integer or a string')];
}

/** A port name (container ports): IsValidPortName. */
export function portName(field: string, name: string): FieldError[] {
  return eachInvalid(field, name, portNameErrors(name));
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** TCP, UDP or SCTP; an absent protocol is the defaulted TCP. */
export function protocol(field: string, p: unknown): FieldError[] {
  return p === undefined || PROTOCOLS.includes(p as string) ? [] : [notSupported(field, p, PROTOCOLS)];
}
