// What may reach a proxy payload. Every value the plan carries ends up in text that one process
// parses for every Service at once (iptables-restore, `nft -f`, ipvsadm-restore): numbers, IPv4
// addresses and names inside rule comments. One bad value would fail that whole transaction, so a
// service port that carries one is left out of the plan instead. The informers' checks refuse such
// objects already; these checks keep the payloads safe whatever reaches them.
import type { Protocol } from './types';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(s: unknown): s is string {
  const m = typeof s === 'string' ? IPV4.exec(s) : null;
  // No leading zeros: "010.0.0.1" means something else to each tool.
  return !!m && m.slice(1).every((o) => Number(o) <= 255 && (o === '0' || !o.startsWith('0')));
}

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const isPort = (n: unknown, min = 1): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= 65535;

/** TCP when absent, as the API defaults it; undefined for anything that is not a protocol. */
export function protocolOf(p: unknown): Protocol | undefined {
  if (p === undefined || p === null || p === '') return 'tcp';
  if (p === 'TCP' || p === 'UDP' || p === 'SCTP') return p.toLowerCase() as Protocol;
  return undefined;
}

/** Longest sessionAffinityConfig.clientIP.timeoutSeconds the API allows (one day). */
export const MAX_AFFINITY_SECONDS = 86400;
/** The API's default affinity timeout (three hours). */
export const DEFAULT_AFFINITY_SECONDS = 10800;

/**
 * Why a service port cannot be written into a payload, or undefined. ns and name are the
 * Service's; p is one element of spec.ports as it came from the cache (anything at all).
 */
export function unprogrammable(ns: string, name: string, p: unknown): string | undefined {
  if (!OBJECT_NAME.test(ns) || !OBJECT_NAME.test(name)) return 'namespace or name is not a DNS name';
  if (!p || typeof p !== 'object') return 'port is not an object';
  const port = p as { port?: unknown; nodePort?: unknown; name?: unknown; protocol?: unknown };
  if (!isPort(port.port)) return `port ${JSON.stringify(port.port)} is not a port number`;
  if (port.nodePort !== undefined && port.nodePort !== null && !isPort(port.nodePort, 0)) return `nodePort ${JSON.stringify(port.nodePort)} is not a port number`;
  if (port.name !== undefined && port.name !== null && port.name !== '' && (typeof port.name !== 'string' || !PORT_NAME.test(port.name))) return `port name ${JSON.stringify(port.name)} is not a DNS label`;
  if (!protocolOf(port.protocol)) return `protocol ${JSON.stringify(port.protocol)} is not TCP, UDP or SCTP`;
  return undefined;
}

/** The same for the Service-wide fields a port's rules carry (affinity timeout, health check port). */
export function unprogrammableSpec(spec: { sessionAffinityConfig?: unknown; healthCheckNodePort?: unknown }, usesAffinity: boolean, usesHealthCheck: boolean): string | undefined {
  if (usesAffinity) {
    const t = (spec.sessionAffinityConfig as { clientIP?: { timeoutSeconds?: unknown } } | undefined)?.clientIP?.timeoutSeconds;
    if (t !== undefined && t !== null && !(typeof t === 'number' && Number.isInteger(t) && t >= 1 && t <= MAX_AFFINITY_SECONDS)) {
      return `sessionAffinityConfig.clientIP.timeoutSeconds ${JSON.stringify(t)} is not between 1 and ${MAX_AFFINITY_SECONDS}`;
    }
  }
  if (usesHealthCheck) {
    const h = spec.healthCheckNodePort;
    if (h !== undefined && h !== null && !isPort(h, 0)) return `healthCheckNodePort ${JSON.stringify(h)} is not a port number`;
  }
  return undefined;
}
