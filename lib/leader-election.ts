// Leader election on a coordination.k8s.io/v1 Lease, in the client-go mould: candidates try to
// acquire or renew the Lease every renewMs; a holder that fails to renew for leaseDurationMs
// gives up leadership; a candidate takes over a Lease whose holder has not renewed it for
// leaseDurationMs as observed on the candidate's own clock (never by comparing clocks across
// machines). Compare-and-swap updates on resourceVersion make the acquisition race-free.
import type { Lease } from './api/types';
import { Resources } from './api/resources';
import type { ApiClient } from './client/api-client';
import { isAlreadyExists, isConflict, isNotFound } from './errors';
import { isCorruptObjectError } from './client/invalid-objects';
import { componentLogger } from './log';

export interface LeaderElectionConfig {
  client: ApiClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewMs: number;
  onStartedLeading(): void | Promise<void>;
  onStoppedLeading(): void | Promise<void>;
}

export interface LeaderElection {
  isLeader(): boolean;
  /** Stops trying; a leader releases the Lease so a standby takes over at once. */
  stop(): Promise<void>;
}

/** What one round of the election should do, decided from the Lease as last read. */
export type LeaseDecision =
  | { action: 'create' }
  | { action: 'renew' }
  | { action: 'takeover' }
  | { action: 'wait'; holder: string };

/**
 * observedAt: local time when this candidate last saw the Lease's renewal change (its
 * resourceVersion). A Lease with no holder (released) may be taken at once.
 */
export function decideLease(lease: Lease | undefined, identity: string, now: number, observedAt: number, leaseDurationMs: number): LeaseDecision {
  if (!lease) return { action: 'create' };
  const holder = lease.spec?.holderIdentity ?? '';
  if (holder === identity) return { action: 'renew' };
  if (!holder) return { action: 'takeover' };
  const duration = (lease.spec.leaseDurationSeconds ?? 0) * 1000 || leaseDurationMs;
  if (now - observedAt >= duration) return { action: 'takeover' };
  return { action: 'wait', holder };
}

/** The Lease this candidate writes for the given decision. */
export function leaseFor(
  decision: 'create' | 'renew' | 'takeover',
  current: Lease | undefined,
  cfg: { namespace: string; name: string; identity: string; leaseDurationMs: number },
  now: Date,
): Lease {
  const ts = now.toISOString().replace(/Z$/, '000Z'); // MicroTime: microsecond precision
  const seconds = Math.max(1, Math.round(cfg.leaseDurationMs / 1000));
  if (decision === 'create' || !current) {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: cfg.name, namespace: cfg.namespace },
      spec: { holderIdentity: cfg.identity, leaseDurationSeconds: seconds, acquireTime: ts, renewTime: ts, leaseTransitions: 0 },
    };
  }
  const next: Lease = { ...current, metadata: { ...current.metadata }, spec: { ...current.spec } };
  next.spec.holderIdentity = cfg.identity;
  next.spec.leaseDurationSeconds = seconds;
  next.spec.renewTime = ts;
  if (decision === 'takeover') {
    next.spec.acquireTime = ts;
    next.spec.leaseTransitions = (current.spec.leaseTransitions ?? 0) + 1;
  }
  return next;
}

export function runLeaderElection(cfg: LeaderElectionConfig): LeaderElection {
  const log = componentLogger('leader-election', { lease: `${cfg.namespace}/${cfg.name}`, identity: cfg.identity });
  let leader = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastRenew = 0;
  let observedRv = '';
  let observedAt = Date.now();
  let round: Promise<void> = Promise.resolve();

  const setLeader = async (v: boolean) => {
    if (v === leader) return;
    leader = v;
    log.info({ leader: v }, v ? 'started leading' : 'stopped leading');
    try {
      await (v ? cfg.onStartedLeading() : cfg.onStoppedLeading());
    } catch (err) {
      log.error({ err: (err as Error).message }, 'leadership callback failed');
    }
  };

  const tryOnce = async () => {
    const now = Date.now();
    let lease: Lease | undefined;
    try {
      lease = await cfg.client.get<Lease>(Resources.leases, cfg.namespace, cfg.name);
    } catch (err) {
      if (isCorruptObjectError(err)) {
        // Stored in a form the apiserver cannot decode: nobody can hold it, so no one would ever
        // lead. Delete it; the next round creates it afresh.
        log.warn({ err: (err as Error).message }, 'lease is unreadable, replacing it');
        await cfg.client.delete(Resources.leases, cfg.namespace, cfg.name).catch((e) => {
          if (!isNotFound(e)) throw e;
        });
        return;
      }
      if (!isNotFound(err)) throw err;
    }
    if (lease && lease.metadata.resourceVersion !== observedRv) {
      observedRv = lease.metadata.resourceVersion ?? '';
      observedAt = now;
    }
    const d = decideLease(lease, cfg.identity, now, observedAt, cfg.leaseDurationMs);
    if (d.action === 'wait') {
      if (leader) await setLeader(false);
      return;
    }
    const body = leaseFor(d.action, lease, cfg, new Date(now));
    const written =
      d.action === 'create'
        ? await cfg.client.create<Lease>(Resources.leases, body)
        : await cfg.client.update<Lease>(Resources.leases, body);
    observedRv = written.metadata.resourceVersion ?? '';
    observedAt = now;
    lastRenew = now;
    if (d.action !== 'renew') log.info({ action: d.action }, 'acquired lease');
    await setLeader(true);
  };

  const loop = () => {
    if (stopped) return;
    round = (async () => {
      try {
        await tryOnce();
      } catch (err) {
        const benign = isConflict(err) || isAlreadyExists(err);
        if (!benign) log.warn({ err: (err as Error).message }, 'lease round failed');
        // A leader that cannot renew within the lease duration must assume someone else took over.
        if (leader && Date.now() - lastRenew >= cfg.leaseDurationMs) await setLeader(false);
      }
      if (!stopped) timer = setTimeout(loop, cfg.renewMs);
    })();
  };
  loop();

  return {
    isLeader: () => leader,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await round;
      if (!leader) return;
      try {
        const lease = await cfg.client.get<Lease>(Resources.leases, cfg.namespace, cfg.name);
        if (lease.spec.holderIdentity === cfg.identity) {
          await cfg.client.update<Lease>(Resources.leases, {
            ...lease,
            spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 },
          });
        }
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'releasing lease failed');
      }
      await setLeader(false);
    },
  };
}
