// Lease-backed endpoints, the doing half (decisions: ./desired.ts). One member: every renewMs it
// renews its Lease, then reconciles the Service's EndpointSlice and Endpoints from the live Leases
// (compare before write, retry on a conflict), and removes Leases of members dead for long. On
// stop it deletes its Lease and reconciles once without itself, so its address leaves at once;
// a member that dies leaves when its Lease runs out (the next renewal of any other member).
//
// Liveness compares a Lease's renewTime with this member's clock (as the node lifecycle's Lease
// check would with synchronised clocks): members of one cluster share the machine's clock or run
// NTP; skew shortens or lengthens a dead member's stay by the skew, never keeps it for good.
import type { Endpoints, EndpointPort, Lease, Service } from '../api/types';
import type { EndpointSlice } from '../api/endpoint-slice';
import { Resources, type ResourceType } from '../api/resources';
import type { ApiClient } from '../client/api-client';
import { isAlreadyExists, isConflict, isNotFound } from '../errors';
import { componentLogger } from '../log';
import {
  desiredEndpoints,
  desiredSlice,
  endpointsUpdate,
  leaseName,
  leaseSelector,
  liveMembers,
  memberLease,
  sliceName,
  sliceUpdate,
  staleLeases,
  type Member,
  type ServiceRef,
} from './desired';

export interface LeaseEndpointsConfig {
  client: ApiClient;
  service: ServiceRef;
  /** Where the members' Leases live (kube-system, as kube-apiserver's). */
  leaseNamespace: string;
  /** Unique per member (the node name). */
  identity: string;
  address: string;
  nodeName?: string;
  /** The endpoint ports; names match the Service's ports. */
  ports: EndpointPort[];
  renewMs: number;
  leaseDurationSeconds: number;
  /** Runs before each reconcile while the Service is missing (a member that creates it). */
  ensureService?: () => Promise<void>;
  /** Leases expired longer than this are deleted by whichever member sees them (default 5 × the duration). */
  staleAfterMs?: number;
  now?: () => number;
}

export interface LeaseEndpoints {
  /** The members this member wrote at its last reconcile. */
  members(): Member[];
  /** One renewal and reconcile now (tests; also what the timer runs). */
  syncNow(): Promise<void>;
  /** Deletes this member's Lease and reconciles without it. */
  stop(): Promise<void>;
  /** Stops renewing without deleting the Lease: what a crash looks like to the others (tests). */
  abandon(): Promise<void>;
}

export class LeaseEndpointsError extends Error {
  override name = 'LeaseEndpointsError';
  readonly code = 'LEASE_ENDPOINTS_INVALID';
}

const CONFLICT_RETRIES = 3;

export function startLeaseEndpoints(cfg: LeaseEndpointsConfig): LeaseEndpoints {
  if (!(cfg.renewMs > 0) || !(cfg.leaseDurationSeconds * 1000 > cfg.renewMs)) {
    throw new LeaseEndpointsError(`the lease duration (${cfg.leaseDurationSeconds}s) must be longer than the renew interval (${cfg.renewMs}ms)`);
  }
  const { client, service } = cfg;
  const now = cfg.now ?? Date.now;
  const log = componentLogger('lease-endpoints', { service: `${service.namespace}/${service.name}`, identity: cfg.identity });
  const ownLease = leaseName(service.name, cfg.identity);
  let written: Member[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();

  const renew = async () => {
    let cur: Lease | undefined;
    try {
      cur = await client.get<Lease>(Resources.leases, cfg.leaseNamespace, ownLease);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const body = memberLease(cfg, now(), cur);
    if (cur) await client.update<Lease>(Resources.leases, body);
    else await client.create<Lease>(Resources.leases, body);
  };

  const getService = async (): Promise<Service | undefined> => {
    try {
      return await client.get<Service>(Resources.services, service.namespace, service.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return undefined;
    }
  };

  /** get → decide → create/update, again on a conflict (someone else wrote in between). */
  const converge = async <T extends Endpoints | EndpointSlice>(rt: ResourceType, name: string, want: T, update: (cur: T, want: T) => T | undefined) => {
    for (let attempt = 0; ; attempt++) {
      try {
        let cur: T | undefined;
        try {
          cur = await client.get<T>(rt, service.namespace, name);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        if (!cur) {
          await client.create<T>(rt, want);
          return;
        }
        const next = update(cur, want);
        if (next) await client.update<T>(rt, next);
        return;
      } catch (err) {
        if (attempt < CONFLICT_RETRIES && (isConflict(err) || isAlreadyExists(err))) continue;
        throw err;
      }
    }
  };

  const reconcile = async (exclude?: string) => {
    let svc = await getService();
    if (!svc && cfg.ensureService && exclude === undefined) {
      await cfg.ensureService();
      svc = await getService();
    }
    // No Service: nothing to own the slice, and the endpoints controller deletes Endpoints
    // without a Service. The next round tries again.
    if (!svc?.metadata.uid) return;
    const leases = (await client.list<Lease>(Resources.leases, cfg.leaseNamespace, { labelSelector: leaseSelector(service) })).items;
    const t = now();
    const members = liveMembers(leases, t, exclude);
    await converge(Resources.endpointslices, sliceName(service.name), desiredSlice({ ...service, uid: svc.metadata.uid }, cfg.ports, members), sliceUpdate);
    await converge(Resources.endpoints, service.name, desiredEndpoints(service, cfg.ports, members), endpointsUpdate);
    if (members.map((m) => m.address).join() !== written.map((m) => m.address).join()) {
      log.info({ members: members.map((m) => m.address) }, 'service endpoints changed');
    }
    written = members;
    for (const l of staleLeases(leases, t, cfg.staleAfterMs ?? cfg.leaseDurationSeconds * 5000)) {
      await client.delete(Resources.leases, cfg.leaseNamespace, l.metadata.name!, { preconditions: { resourceVersion: l.metadata.resourceVersion } }).catch((err) => {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      });
      log.info({ lease: l.metadata.name }, 'removed a stale member lease');
    }
  };

  const syncOnce = async () => {
    await renew();
    await reconcile();
  };

  const loop = () => {
    if (stopped) return;
    round = syncOnce()
      .catch((err) => log.warn({ err: (err as Error).message }, 'lease endpoints round failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, cfg.renewMs);
      });
  };
  loop();

  const halt = async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await round;
  };

  return {
    members: () => written,
    syncNow: async () => {
      await round;
      await syncOnce();
    },
    abandon: halt,
    stop: async () => {
      if (stopped) return;
      await halt();
      try {
        await client.delete(Resources.leases, cfg.leaseNamespace, ownLease).catch((err) => {
          if (!isNotFound(err)) throw err;
        });
        await reconcile(cfg.identity);
      } catch (err) {
        // Best effort: the Lease runs out anyway and the other members drop this address then.
        log.warn({ err: (err as Error).message }, 'leaving the service endpoints failed');
      }
    },
  };
}
