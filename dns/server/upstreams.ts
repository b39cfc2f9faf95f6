// Which resolvers names outside the cluster zone go to. `--upstream` lists them (`1.1.1.1`,
// `10.0.0.2:5353`, `[fd00::53]:53`); `none` means no forwarding; empty means the nameservers of
// the node's resolv.conf. Loopback nameservers are left out of the default: when the server runs
// in a pod its loopback is its own, and on a node 127.0.0.53 (systemd-resolved) may itself point
// back at the cluster DNS; either way forwarding there risks a loop. A node behind
// systemd-resolved passes --upstream or --resolv-conf /run/systemd/resolve/resolv.conf.
import { isIP } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export class UpstreamConfigError extends Error {
  override name = 'UpstreamConfigError';
  readonly code = 'DNS_UPSTREAM_INVALID';
}

/** `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`; port 53 when absent. */
export function parseUpstream(text: string): Upstream {
  const t = text.trim();
  let host = t;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  const v4port = /^([^:]+):(\d+)$/.exec(t);
  if (bracket) {
    host = bracket[1];
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else if (v4port) {
    host = v4port[1];
    port = Number(v4port[2]);
  }
  if (!isIP(host)) throw new UpstreamConfigError(`upstream "${text}" is not an IP address (optionally with :port)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UpstreamConfigError(`upstream "${text}": port out of range`);
  return { host, port };
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.toLowerCase().startsWith('::ffff:127.');
}

/** The non-loopback `nameserver` lines of a resolv.conf, in order. */
export function nameserversOf(resolvConf: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    // A link-local address with a zone (fe80::1%eth0) is left out: replies would need the zone
    // matched too, and a cluster DNS has no business on a link-local resolver.
    if (!m || m[1].includes('%') || !isIP(m[1]) || isLoopback(m[1])) continue;
    out.push({ host: m[1], port: 53 });
  }
  return out;
}

/** The --upstream flag's value → resolvers; `resolvConf` is read only when the flag is empty. */
export function upstreamsFromFlag(flag: string, resolvConf: () => string): Upstream[] {
  const t = flag.trim();
  if (t === 'none') return [];
  if (t === '') return nameserversOf(resolvConf());
  return t.split(',').filter((s) => s.trim() !== '').map(parseUpstream);
}
