// Hash-named per-service and per-endpoint chains. The names follow Kubernetes' scheme (the first
// 16 characters of the base32 text of sha256 over the service port name, the protocol and, for
// endpoints, "ip:port"), so the same service gets the same chain across restarts and nodes and a
// sync rewrites chains in place instead of churning them.
import { createHash } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (upper case, padding irrelevant here because we keep only a prefix). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1; // keep only the bits not yet emitted, so the number stays small
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function hash16(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** "ns/name:portName", or "ns/name" when the port has no name (single-port services). */
export function servicePortName(namespace: string, name: string, portName: string | undefined): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

export function serviceChainName(spn: string, protocol: string): string {
  return 'KUBE-SVC-' + hash16(spn + protocol.toLowerCase());
}

/** The chain of a port's endpoints on this node, for the Local traffic policies. */
export function localChainName(spn: string, protocol: string): string {
  return 'KUBE-SVL-' + hash16(spn + protocol.toLowerCase());
}

/** The chain external traffic (node port, external IPs, LB IPs) enters before its policy chain. */
export function externalChainName(spn: string, protocol: string): string {
  return 'KUBE-EXT-' + hash16(spn + protocol.toLowerCase());
}

export function endpointChainName(spn: string, protocol: string, endpoint: string): string {
  return 'KUBE-SEP-' + hash16(spn + protocol.toLowerCase() + endpoint);
}

/** Chains with these prefixes are per-service state that a sync may create and must garbage-collect. */
// KUBE-FW- is upstream's load balancer firewall chain: not written here (no source ranges yet), but
// collected like the others should an older or newer kube-proxy have left one.
export const HASHED_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-', 'KUBE-SEP-'] as const;

export function isHashedChain(chain: string): boolean {
  return HASHED_CHAIN_PREFIXES.some((p) => chain.startsWith(p));
}
