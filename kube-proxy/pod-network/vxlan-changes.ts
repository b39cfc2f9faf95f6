// From what the VXLAN device holds to what the plan wants, as the host commands to run (pure).
// The device is ours by its name, its kind and our marker (its alias; or our MAC prefix, should
// we have died between creating it and naming it); a device of that name that is not ours is never
// touched. Everything on our device — addresses, neighbours, forwarding entries — is ours, so
// whatever the plan does not want there goes.
import { ROUTE_PROTO } from '../route-plan';
import type { FdbSpec, NeighbourSpec, VxlanLinkState } from './host-state';
import type { VxlanDeviceSpec } from './plan';
import { VTEP_MAC_PREFIX } from './vtep';

/** The alias our VXLAN device carries (`ip link show` prints it). */
export const VXLAN_ALIAS = 'k8ts pod network';

/** A command line: the program (`ip` or `bridge`), then its arguments. */
export type HostCommand = string[];

export class ForeignDeviceError extends Error {
  readonly code = 'VXLAN_DEVICE_NOT_OURS';
  constructor(
    readonly device: string,
    kind: string,
  ) {
    super(`interface ${device} exists (${kind}) and was not created by k8ts: left alone; remove it or choose another --vxlan-interface`);
    this.name = 'ForeignDeviceError';
  }
}

export function isOurDevice(s: VxlanLinkState): boolean {
  return s.kind === 'vxlan' && (s.alias === VXLAN_ALIAS || (s.mac?.startsWith(`${VTEP_MAC_PREFIX}:`) ?? false));
}

function createCommand(want: VxlanDeviceSpec): HostCommand {
  return [
    'ip', 'link', 'add', want.name, 'address', want.mac, 'mtu', String(want.mtu),
    'type', 'vxlan', 'id', String(want.vni), 'local', want.local, 'dstport', String(want.port), 'nolearning',
  ];
}

/**
 * Commands that turn the device into want. VNI, port, local address and learning cannot change
 * on a live device: a mismatch recreates it (its routes, neighbours and entries go with it and are
 * added again by the same sync). MAC and MTU are set in place.
 */
export function deviceCommands(current: VxlanLinkState | undefined, want: VxlanDeviceSpec): HostCommand[] {
  if (current && !isOurDevice(current)) throw new ForeignDeviceError(want.name, current.kind);
  const cmds: HostCommand[] = [];
  const stale =
    current !== undefined &&
    (current.vni !== want.vni || current.port !== want.port || current.local !== want.local || current.learning !== false);
  if (stale) cmds.push(['ip', 'link', 'del', 'dev', want.name]);
  const cur = stale ? undefined : current;
  if (!cur) cmds.push(createCommand(want));
  if (cur?.alias !== VXLAN_ALIAS) cmds.push(['ip', 'link', 'set', 'dev', want.name, 'alias', VXLAN_ALIAS]);
  if (cur && (cur.mac !== want.mac || cur.mtu !== want.mtu)) {
    cmds.push(['ip', 'link', 'set', 'dev', want.name, 'address', want.mac, 'mtu', String(want.mtu)]);
  }
  const have = cur?.addresses ?? [];
  for (const a of have) if (a !== want.address) cmds.push(['ip', 'addr', 'del', a, 'dev', want.name]);
  if (want.address && !have.includes(want.address)) cmds.push(['ip', 'addr', 'add', want.address, 'dev', want.name]);
  if (!cur?.up) cmds.push(['ip', 'link', 'set', 'dev', want.name, 'up']);
  return cmds;
}

/** Permanent neighbour entries, marked with our protocol number like our routes. */
export function neighbourCommands(device: string, current: NeighbourSpec[], want: NeighbourSpec[]): HostCommand[] {
  const cmds: HostCommand[] = [];
  const wanted = new Map(want.map((n) => [n.ip, n.mac]));
  for (const n of current) if (!wanted.has(n.ip)) cmds.push(['ip', 'neigh', 'del', n.ip, 'dev', device]);
  for (const n of want) {
    if (current.some((c) => c.ip === n.ip && c.mac === n.mac)) continue;
    cmds.push(['ip', 'neigh', 'replace', n.ip, 'lladdr', n.mac, 'dev', device, 'nud', 'permanent', 'protocol', String(ROUTE_PROTO)]);
  }
  return cmds;
}

/** Forwarding entries: one per remote MAC; stale ones (other destinations, unknown MACs) are deleted first. */
export function fdbCommands(device: string, current: FdbSpec[], want: FdbSpec[]): HostCommand[] {
  const cmds: HostCommand[] = [];
  const same = (a: FdbSpec, b: FdbSpec) => a.mac === b.mac && a.dst === b.dst;
  for (const f of current) {
    if (!want.some((w) => same(w, f))) cmds.push(['bridge', 'fdb', 'del', f.mac, 'dev', device, 'dst', f.dst, 'self']);
  }
  for (const f of want) {
    if (current.some((c) => same(c, f))) continue;
    cmds.push(['bridge', 'fdb', 'replace', f.mac, 'dev', device, 'dst', f.dst, 'self', 'permanent']);
  }
  return cmds;
}
