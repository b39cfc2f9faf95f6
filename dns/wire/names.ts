// Domain names: presentation text ⇄ wire labels, and the comparisons a server needs.
// Text form: no trailing dot, '' is the root, RFC 1035 §5.1 escapes for bytes that are not plain
// printable ASCII (so every wire label has exactly one text form and round trips are exact).
// Comparison folds ASCII letters only (RFC 4343): 'É' is two bytes that never match 'é'.
import { DnsEncodeError } from './errors';

/** RFC 1035 §2.3.4 limits. */
export const MAX_LABEL_BYTES = 63;
export const MAX_NAME_WIRE_BYTES = 255;

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** Split a text name into its labels' bytes (root → []), checking every RFC 1035 limit. */
export function nameToLabels(name: string): Buffer[] {
  if (name === '' || name === '.') return [];
  const text = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  const bytes = Buffer.from(text, 'utf8');
  const labels: Buffer[] = [];
  let current: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === DOT) {
      labels.push(finishLabel(current, name));
      current = [];
    } else if (b === BACKSLASH) {
      const next = bytes[i + 1];
      if (next === undefined) throw new DnsEncodeError('BAD_NAME', `name ${JSON.stringify(name)} ends in a lone backslash`);
      if (isDigit(next)) {
        const d2 = bytes[i + 2], d3 = bytes[i + 3];
        if (d2 === undefined || d3 === undefined || !isDigit(d2) || !isDigit(d3)) {
          throw new DnsEncodeError('BAD_NAME', `name ${JSON.stringify(name)} has a \\DDD escape without three digits`);
        }
        const value = (next - 0x30) * 100 + (d2 - 0x30) * 10 + (d3 - 0x30);
        if (value > 255) throw new DnsEncodeError('BAD_NAME', `name ${JSON.stringify(name)} has an escape \\${value} above 255`);
        current.push(value);
        i += 3;
      } else {
        current.push(next);
        i += 1;
      }
    } else {
      current.push(b);
    }
  }
  labels.push(finishLabel(current, name));
  const wire = labels.reduce((n, l) => n + 1 + l.length, 1);
  if (wire > MAX_NAME_WIRE_BYTES) {
    throw new DnsEncodeError('NAME_TOO_LONG', `name ${JSON.stringify(name)} is ${wire} bytes on the wire, over ${MAX_NAME_WIRE_BYTES}`);
  }
  return labels;
}

function finishLabel(bytes: number[], name: string): Buffer {
  if (bytes.length === 0) throw new DnsEncodeError('BAD_NAME', `name ${JSON.stringify(name)} has an empty label`);
  if (bytes.length > MAX_LABEL_BYTES) {
    throw new DnsEncodeError('BAD_NAME', `name ${JSON.stringify(name)} has a label of ${bytes.length} bytes, over ${MAX_LABEL_BYTES}`);
  }
  return Buffer.from(bytes);
}

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/** Wire labels → text, escaping '.', '\' and every byte outside printable ASCII. */
export function labelsToName(labels: readonly Buffer[]): string {
  return labels.map(labelToText).join('.');
}

function labelToText(label: Buffer): string {
  let out = '';
  for (const b of label) {
    if (b === DOT || b === BACKSLASH) out += '\\' + String.fromCharCode(b);
    else if (b > 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\' + String(b).padStart(3, '0');
  }
  return out;
}

/** The text name with ASCII letters lowercased and escapes in their one canonical form. */
export function canonicalName(name: string): string {
  return labelsToName(nameToLabels(name).map(lowerLabel));
}

/** Case-insensitive equality of two names (RFC 4343); false for a name that is not valid. */
export function namesEqual(a: string, b: string): boolean {
  try {
    return canonicalName(a) === canonicalName(b);
  } catch {
    return false;
  }
}

/** Is `name` equal to `zone` or below it? Case-insensitive, label-aligned ('xcluster.local' is not under 'cluster.local'). */
export function isSubdomain(name: string, zone: string): boolean {
  let n: string, z: string;
  try {
    n = canonicalName(name);
    z = canonicalName(zone);
  } catch {
    return false;
  }
  if (z === '') return true;
  if (n === z) return true;
  if (!n.endsWith('.' + z)) return false;
  // The dot just before the zone must be a separator, not an escaped '\.' inside a label.
  let backslashes = 0;
  for (let i = n.length - z.length - 2; i >= 0 && n[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** The bytes `name` takes on the wire without compression (root = 1). */
export function nameWireLength(name: string): number {
  return nameToLabels(name).reduce((n, l) => n + 1 + l.length, 1);
}

export function lowerLabel(label: Buffer): Buffer {
  const out = Buffer.from(label);
  for (let i = 0; i < out.length; i++) if (out[i] >= 0x41 && out[i] <= 0x5a) out[i] += 0x20;
  return out;
}
