// The node's address: by default the IPv4 address of the interface holding the default route.
// Read-only: the launcher never changes host interfaces, addresses or routes.
import { execFileSync } from 'node:child_process';

export class NodeAddressError extends Error {
  readonly code = 'NODE_ADDRESS_UNKNOWN';
  constructor(message: string) {
    super(message);
    this.name = 'NodeAddressError';
  }
}

/** From `ip -j -4 route show default`: the device of the first default route. */
export function defaultRouteDevice(routesJson: string): string | undefined {
  const routes = JSON.parse(routesJson || '[]') as { dst?: string; dev?: string }[];
  return routes.find((r) => r.dst === 'default' && r.dev)?.dev;
}

/** From `ip -j -4 addr show dev X`: its first global IPv4 address. */
export function firstIpv4(addrJson: string): string | undefined {
  const links = JSON.parse(addrJson || '[]') as { addr_info?: { family?: string; local?: string; scope?: string }[] }[];
  for (const l of links) {
    const a = (l.addr_info ?? []).find((i) => i.family === 'inet' && i.local && i.scope !== 'host');
    if (a?.local) return a.local;
  }
  return undefined;
}

export function discoverNodeIp(): string {
  const dev = defaultRouteDevice(execFileSync('ip', ['-j', '-4', 'route', 'show', 'default'], { encoding: 'utf8' }));
  if (!dev) throw new NodeAddressError('no default route: pass --node-ip');
  const ip = firstIpv4(execFileSync('ip', ['-j', '-4', 'addr', 'show', 'dev', dev], { encoding: 'utf8' }));
  if (!ip) throw new NodeAddressError(`interface ${dev} has no IPv4 address: pass --node-ip`);
  return ip;
}

export const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
