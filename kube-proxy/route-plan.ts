// Routing safety, the deciding half (DESIGN.md "Networking"): no packet to a cluster address may
// leave the machine. The service CIDR is routed to a local sink interface (DNAT still rewrites real
// service traffic; anything unmatched dies there instead of going to the default gateway), the pod
// CIDR is blackholed, and every other node's pod subnet gets the route the pod network plan chose
// (pod-network/plan.ts: host-gateway via the node's InternalIP, or through the VXLAN device). The
// node's own subnet keeps its more specific route through the CNI bridge.
// Every route we create carries `proto 107` (0x6b, "k"): that is how we recognise ours, and we
// never replace or delete a route without it.
import { cidrContains, formatCidr, normalizeCidr, parseCidr } from './cidr';

export const ROUTE_PROTO = 107;

export interface RouteSpec {
  type: 'unicast' | 'blackhole';
  /** Canonical CIDR. */
  dst: string;
  dev?: string;
  via?: string;
  /** The gateway is on the device even though no address of ours covers it (VXLAN routes). */
  onlink?: boolean;
}

export interface RoutePlanInput {
  serviceCIDR: string;
  clusterCIDR: string;
  serviceDevice: string;
  /** More CIDRs routed to the sink like the service CIDR (the LoadBalancer pool). */
  sinkCIDRs?: string[];
  /** Routes to other nodes' pod subnets, from the pod network plan. */
  podRoutes: RouteSpec[];
}

export class RoutePlanError extends Error {
  readonly code = 'ROUTE_PLAN_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'RoutePlanError';
  }
}

/** The routes this node should have, sorted by destination. */
export function desiredRoutes(input: RoutePlanInput): RouteSpec[] {
  const svc = normalizeCidr(input.serviceCIDR);
  const cluster = parseCidr(input.clusterCIDR);
  if (!svc) throw new RoutePlanError(`service CIDR "${input.serviceCIDR}" is not an IPv4 CIDR`);
  if (!cluster) throw new RoutePlanError(`cluster CIDR "${input.clusterCIDR}" is not an IPv4 CIDR`);
  const routes = new Map<string, RouteSpec>();
  routes.set(svc, { type: 'unicast', dst: svc, dev: input.serviceDevice });
  for (const extra of input.sinkCIDRs ?? []) {
    const dst = normalizeCidr(extra);
    if (!dst) throw new RoutePlanError(`sink CIDR "${extra}" is not an IPv4 CIDR`);
    if (!routes.has(dst)) routes.set(dst, { type: 'unicast', dst, dev: input.serviceDevice });
  }
  const clusterText = normalizeCidr(input.clusterCIDR) as string;
  routes.set(clusterText, { type: 'blackhole', dst: clusterText });
  for (const r of input.podRoutes) {
    const c = parseCidr(r.dst);
    // Checked again here, whoever planned them: only subnets inside the cluster CIDR, and strictly
    // smaller, so a node can never steer arbitrary traffic (or the whole pod CIDR) off this machine.
    if (r.type !== 'unicast' || !c || c.bits <= cluster.bits || !cidrContains(cluster, c)) continue;
    const dst = formatCidr(c);
    if (!routes.has(dst)) routes.set(dst, { ...r, dst });
  }
  return [...routes.values()].sort((a, b) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

interface IpJsonRoute {
  type?: string;
  dst?: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  flags?: string[];
}

/** A route of the main table that is not ours: what the host's own network looks like. */
export interface HostRoute {
  /** Canonical CIDR ("0.0.0.0/0" for the default route). */
  dst: string;
  type: string;
  gateway?: string;
  dev?: string;
}

export interface ParsedRoutes {
  ours: RouteSpec[];
  foreignDsts: Set<string>;
  /** Every route not ours, for deciding which networks are directly connected. */
  others: HostRoute[];
}

/** Parses `ip -j route show table main` into ours and everyone else's. */
export function parseRoutes(json: string): ParsedRoutes {
  const list = (json.trim() ? JSON.parse(json) : []) as IpJsonRoute[];
  const ours: RouteSpec[] = [];
  const foreignDsts = new Set<string>();
  const others: HostRoute[] = [];
  for (const r of list) {
    const dst = r.dst === 'default' ? '0.0.0.0/0' : normalizeCidr(r.dst ?? '');
    if (!dst) continue;
    const mine = r.protocol === String(ROUTE_PROTO) || r.protocol === `0x${ROUTE_PROTO.toString(16)}`;
    if (!mine) {
      foreignDsts.add(dst);
      const other: HostRoute = { dst, type: r.type ?? 'unicast' };
      if (r.gateway) other.gateway = r.gateway;
      if (r.dev) other.dev = r.dev;
      others.push(other);
      continue;
    }
    const spec: RouteSpec = { type: r.type === 'blackhole' ? 'blackhole' : 'unicast', dst };
    if (spec.type === 'unicast') {
      if (r.gateway) {
        spec.via = r.gateway;
        // An onlink route names its device: it is part of what the route is.
        if (r.flags?.includes('onlink')) Object.assign(spec, { dev: r.dev, onlink: true });
      } else if (r.dev) spec.dev = r.dev;
    }
    ours.push(spec);
  }
  return { ours, foreignDsts, others };
}

export interface RouteChanges {
  replace: RouteSpec[];
  remove: RouteSpec[];
  /** Desired routes whose destination already has a route we did not create: left alone. */
  conflicts: RouteSpec[];
}

const same = (a: RouteSpec, b: RouteSpec) =>
  a.type === b.type && a.dst === b.dst && a.via === b.via && a.dev === b.dev && !a.onlink === !b.onlink;

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
    if (r.dev && (!r.via || r.onlink)) args.push('dev', r.dev);
    if (r.via && r.onlink) args.push('onlink');
  }
  args.push('proto', String(ROUTE_PROTO));
  return args;
}
