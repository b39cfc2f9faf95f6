// Routing safety, the deciding half (DESIGN.md "Networking"): no packet to a cluster address may
// leave the machine. The service CIDR is routed to a local sink interface (DNAT still rewrites real
// service traffic; anything unmatched dies there instead of going to the default gateway), the pod
// CIDR is blackholed, and every other node's pod subnet gets a host-gateway route via that node's
// InternalIP. The node's own subnet keeps its more specific route through the CNI bridge.
// Every route we create carries `proto 107` (0x6b, "k"): that is how we recognise ours, and we
// never replace or delete a route without it.
import type { Node } from '../lib/api/types';
import { cidrContains, normalizeCidr, parseCidr, parseIPv4 } from './cidr';

export const ROUTE_PROTO = 107;

export interface RouteSpec {
  type: 'unicast' | 'blackhole';
  /** Canonical CIDR. */
  dst: string;
  dev?: string;
  via?: string;
}

export interface RoutePlanInput {
  nodes: Node[];
  nodeName: string;
  nodeIP: string;
  serviceCIDR: string;
  clusterCIDR: string;
  serviceDevice: string;
}

export class RoutePlanError extends Error {
  readonly code = 'ROUTE_PLAN_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'RoutePlanError';
  }
}

function internalIP(node: Node): string | undefined {
  const addr = node.status?.addresses?.find((a) => a.type === 'InternalIP' && parseIPv4(a.address) !== undefined);
  return addr?.address;
}

function podCIDRs(node: Node): string[] {
  const list = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
  return [...new Set(list)];
}

/** The routes this node should have, sorted by destination. */
export function desiredRoutes(input: RoutePlanInput): RouteSpec[] {
  const svc = normalizeCidr(input.serviceCIDR);
  const cluster = parseCidr(input.clusterCIDR);
  if (!svc) throw new RoutePlanError(`service CIDR "${input.serviceCIDR}" is not an IPv4 CIDR`);
  if (!cluster) throw new RoutePlanError(`cluster CIDR "${input.clusterCIDR}" is not an IPv4 CIDR`);
  const routes = new Map<string, RouteSpec>();
  routes.set(svc, { type: 'unicast', dst: svc, dev: input.serviceDevice });
  const clusterText = normalizeCidr(input.clusterCIDR) as string;
  routes.set(clusterText, { type: 'blackhole', dst: clusterText });
  const others = input.nodes
    .filter((n) => n.metadata.name !== input.nodeName)
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const node of others) {
    const via = internalIP(node);
    if (!via || via === input.nodeIP) continue; // unreachable, or a node sharing our address
    for (const text of podCIDRs(node)) {
      const c = parseCidr(text);
      // Only subnets inside the cluster CIDR, and strictly smaller: a node must never be able to
      // steer arbitrary traffic (or the whole pod CIDR) off this machine.
      if (!c || c.bits <= cluster.bits || !cidrContains(cluster, c)) continue;
      const dst = normalizeCidr(text) as string;
      if (!routes.has(dst)) routes.set(dst, { type: 'unicast', dst, via });
    }
  }
  return [...routes.values()].sort((a, b) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

interface IpJsonRoute {
  type?: string;
  dst?: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
}

/** Parses `ip -j route show table main` into (ours, foreign destinations). */
export function parseRoutes(json: string): { ours: RouteSpec[]; foreignDsts: Set<string> } {
  const list = (json.trim() ? JSON.parse(json) : []) as IpJsonRoute[];
  const ours: RouteSpec[] = [];
  const foreignDsts = new Set<string>();
  for (const r of list) {
    const dst = r.dst === 'default' ? '0.0.0.0/0' : normalizeCidr(r.dst ?? '');
    if (!dst) continue;
    const mine = r.protocol === String(ROUTE_PROTO) || r.protocol === `0x${ROUTE_PROTO.toString(16)}`;
    if (!mine) {
      foreignDsts.add(dst);
      continue;
    }
    const spec: RouteSpec = { type: r.type === 'blackhole' ? 'blackhole' : 'unicast', dst };
    if (spec.type === 'unicast') {
      if (r.gateway) spec.via = r.gateway;
      else if (r.dev) spec.dev = r.dev;
    }
    ours.push(spec);
  }
  return { ours, foreignDsts };
}

export interface RouteChanges {
  replace: RouteSpec[];
  remove: RouteSpec[];
  /** Desired routes whose destination already has a route we did not create: left alone. */
  conflicts: RouteSpec[];
}

const same = (a: RouteSpec, b: RouteSpec) => a.type === b.type && a.dst === b.dst && a.via === b.via && a.dev === b.dev;

export function planRouteChanges(ours: RouteSpec[], foreignDsts: Set<string>, desired: RouteSpec[]): RouteChanges {
  const changes: RouteChanges = { replace: [], remove: [], conflicts: [] };
  const wanted = new Map(desired.map((r) => [r.dst, r]));
  for (const r of ours) if (!wanted.has(r.dst)) changes.remove.push(r);
  for (const r of desired) {
    if (foreignDsts.has(r.dst)) changes.conflicts.push(r);
    else if (!ours.some((o) => same(o, r))) changes.replace.push(r);
  }
  return changes;
}

/** argv for `ip` adding/replacing or deleting one of our routes. */
export function routeArgv(op: 'replace' | 'del', r: RouteSpec): string[] {
  const args = ['route', op];
  if (r.type === 'blackhole') args.push('blackhole');
  args.push(r.dst);
  if (r.type === 'unicast' && op === 'replace') {
    if (r.via) args.push('via', r.via);
    else if (r.dev) args.push('dev', r.dev);
  }
  args.push('proto', String(ROUTE_PROTO));
  return args;
}
