// What the LoadBalancer controller should do for one Service, as a plain value: which pool
// address it holds, the status.loadBalancer to write, and the failure to report. The controller
// keeps the allocations (key → address) and only applies these plans.
import type { Service } from '../../lib/api/types';
import { firstFree, poolContains, SERVICE_LB_CLASS, type LbPool } from './pool';

export interface LbIngress {
  ip?: string;
  hostname?: string;
  ipMode?: string;
}
export interface LbStatus {
  ingress?: LbIngress[];
}

export interface LbPlan {
  /** The pool address the Service holds after this plan; undefined: none. */
  hold?: string;
  /** status.loadBalancer to write; undefined: the stored one is already right. */
  status?: LbStatus;
  /** Why no address could be given (an AllocationFailed event). */
  failure?: string;
  /** The failure clears once another Service releases an address. */
  waiting: boolean;
}

const keyOfService = (s: Service) => `${s.metadata.namespace}/${s.metadata.name}`;

/** Ours: a LoadBalancer without a loadBalancerClass (the cluster's default) or with ours, not being deleted. */
export function managed(svc: Service | undefined): svc is Service {
  if (!svc || svc.metadata.deletionTimestamp || svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === null || cls === '' || cls === SERVICE_LB_CLASS;
}

const statusIps = (svc: Service): string[] => (svc.status?.loadBalancer?.ingress ?? []).map((i) => i?.ip ?? '').filter(Boolean);

function sameStatus(a: LbStatus | undefined, b: LbStatus): boolean {
  const norm = (s: LbStatus | undefined) => JSON.stringify((s?.ingress ?? []).map((i) => ({ ip: i.ip ?? '', hostname: i.hostname ?? '', ipMode: i.ipMode ?? '' })));
  return norm(a) === norm(b);
}

/**
 * The plan for one Service. `held` is what it holds now; `usedByOthers` every address other
 * Services hold. A requested spec.loadBalancerIP wins over the held address; otherwise the held
 * one stays, then one already in the status is adopted (after a restart), then the lowest free.
 */
export function planService(svc: Service | undefined, held: string | undefined, usedByOthers: ReadonlySet<string>, pool: LbPool): LbPlan {
  if (!managed(svc)) return { waiting: false };
  let ip: string | undefined;
  let failure: string | undefined;
  let waiting = false;
  const requested = typeof svc.spec.loadBalancerIP === 'string' ? svc.spec.loadBalancerIP.trim() : '';
  if (requested) {
    if (!poolContains(pool, requested)) failure = `spec.loadBalancerIP ${requested} is not in the load balancer pool ${pool.text}`;
    else if (usedByOthers.has(requested)) {
      failure = `spec.loadBalancerIP ${requested} is already in use by another Service`;
      waiting = true;
    } else ip = requested;
  } else if (held && poolContains(pool, held) && !usedByOthers.has(held)) ip = held;
  else {
    ip = statusIps(svc).find((a) => poolContains(pool, a) && !usedByOthers.has(a)) ?? firstFree(pool, usedByOthers);
    if (!ip) {
      failure = `no available IP addresses in the load balancer pool ${pool.text}`;
      waiting = true;
    }
  }
  const want: LbStatus = ip ? { ingress: [{ ip, ipMode: 'VIP' }] } : {};
  return { hold: ip, status: sameStatus(svc.status?.loadBalancer, want) ? undefined : want, failure, waiting };
}

/**
 * The allocations a (re)started controller finds in the stored statuses: each pool address goes
 * to the oldest Service showing it, so two Services never keep one address; the others are
 * reconciled to a new one.
 */
export function rebuildAllocations(services: Service[], pool: LbPool): Map<string, string> {
  const byAge = services.filter(managed).sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    return ta === tb ? keyOfService(a).localeCompare(keyOfService(b)) : ta < tb ? -1 : 1;
  });
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const s of byAge) {
    const ip = statusIps(s).find((a) => poolContains(pool, a) && !taken.has(a));
    if (!ip) continue;
    out.set(keyOfService(s), ip);
    taken.add(ip);
  }
  return out;
}
