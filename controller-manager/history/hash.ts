// The hashes that name ControllerRevisions, as upstream's controller history computes them: FNV-32
// of a revision's serialized data with the collision count appended (HashControllerRevision, used
// by StatefulSets), or FNV-1a 32 of a pod template with the collision count as 8 little-endian
// bytes (ComputeHash, used by DaemonSets). Both are spelled with SafeEncodeString, which maps each
// decimal digit of the sum onto a vowel-free alphabet so a hash never spells a word. The serialized
// form is the canonical (sorted-key) JSON of the value, so equal data always hashes the same.
import { canonicalJson } from '../common/pod-utils';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** FNV-1 32 (multiply, then xor), Go's hash/fnv New32. */
export function fnv32(bytes: Uint8Array, h = FNV_OFFSET): number {
  for (const b of bytes) h = (Math.imul(h, FNV_PRIME) ^ b) >>> 0;
  return h >>> 0;
}

/** FNV-1a 32 (xor, then multiply), Go's hash/fnv New32a. */
export function fnv32a(bytes: Uint8Array, h = FNV_OFFSET): number {
  for (const b of bytes) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return h >>> 0;
}

/** apimachinery's rand.SafeEncodeString: each character mapped onto the vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of utf8(s)) out += SAFE_ALPHABET[b % SAFE_ALPHABET.length];
  return out;
}

/**
 * HashControllerRevision: the revision's data, then (when a collision count is set, even 0) its
 * decimal form, hashed with FNV-32.
 */
export function revisionHash(data: unknown, collisionCount?: number): string {
  let h = fnv32(utf8(canonicalJson(data)));
  if (collisionCount !== undefined && collisionCount !== null) h = fnv32(utf8(String(collisionCount)), h);
  return safeEncodeString(String(h));
}

/** ComputeHash: a pod template hashed with FNV-1a 32, the collision count as 8 little-endian bytes. */
export function templateHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(utf8(canonicalJson(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** `<prefix>-<hash>`, the prefix cut to 223 bytes so the name stays within 253. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}
