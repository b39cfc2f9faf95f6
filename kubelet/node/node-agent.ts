// Keeps this kubelet's Node registered and current: creates it, refreshes its status when it
// changes (or every 5 minutes, Kubernetes' nodeStatusReportFrequency), renews the node Lease every 10s, and reports the podCIDR it gets.
import type { Lease, Node } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import { ApiError, isAlreadyExists, isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { isIPv4Cidr } from '../../lib/api/checks/metadata';
import { isCorruptObjectError } from '../../lib/client/invalid-objects';
import { desiredNodeStatus, newNodeObject, nodeLabels, statusFingerprint, type NodeStatusInputs } from './node-status';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

export interface NodeAgentOptions {
  statusInputs: () => NodeStatusInputs;
  leaseRenewMs?: number;
  statusCheckMs?: number;
  statusForceMs?: number;
  /** Called whenever the node's spec.podCIDR is seen (every check). */
  onPodCIDR?: (cidr: string) => void;
  /** First delay before registering again after the apiserver was unreachable (doubling, ≤ 10 s). */
  registerRetryBaseMs?: number;
}

const REGISTER_RETRY_MAX_MS = 10_000;

/** An error that a later attempt may not meet: the apiserver unreachable, overloaded or failing
 *  (a kubelet restarted beside a restarting apiserver meets these), as opposed to a refusal. */
export function isTransientApiError(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true;
  return e.code >= 500 || e.code === 429;
}

const log = componentLogger('kubelet', { part: 'node' });

/** Pure: the Lease to write for a renewal (create when absent). */
export function renewedLease(nodeName: string, nodeUid: string | undefined, nowIso: string, old?: Lease): Lease {
  const base: Lease = old ? { ...old, spec: { ...old.spec } } : {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: LEASE_NAMESPACE },
    spec: {},
  };
  if (nodeUid && !base.metadata.ownerReferences?.length) {
    base.metadata = { ...base.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] };
  }
  base.spec.holderIdentity = nodeName;
  base.spec.leaseDurationSeconds = LEASE_DURATION_SECONDS;
  base.spec.renewTime = nowIso.replace(/Z$/, '000Z');
  return base;
}

export class NodeAgent {
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private lastWrite = 0;
  /** The Lease as this agent last wrote it (renewed without reading it first). */
  private lease: Lease | undefined;
  private nodeUid?: string;

  constructor(private readonly client: ApiClient, private readonly opts: NodeAgentOptions) {}

  async start(): Promise<void> {
    // As upstream's kubelet, keep trying to register while the apiserver cannot be reached, rather
    // than exit: on a control plane the kubelet may well start before the apiserver listens.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.register();
        break;
      } catch (e) {
        if (this.stopped || !isTransientApiError(e)) throw e;
        const delayMs = Math.min(REGISTER_RETRY_MAX_MS, (this.opts.registerRetryBaseMs ?? 500) * 2 ** Math.min(attempt - 1, 10));
        log.warn({ err: (e as Error).message, attempt, delayMs }, 'node registration failed, retrying');
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
    if (this.stopped) return;
    await this.renewLease().catch((e) => log.warn({ err: (e as Error).message }, 'lease renewal failed'));
    this.timers.push(setInterval(() => void this.renewLease().catch((e) => log.warn({ err: (e as Error).message }, 'lease renewal failed')), this.opts.leaseRenewMs ?? 10_000));
    this.timers.push(setInterval(() => void this.syncStatus().catch((e) => log.warn({ err: (e as Error).message }, 'node status update failed')), this.opts.statusCheckMs ?? 10_000));
  }

  /** Checks now (e.g. after readiness changed). */
  kick(): void {
    void this.syncStatus().catch((e) => log.warn({ err: (e as Error).message }, 'node status update failed'));
  }

  private async register(): Promise<void> {
    const inputs = this.opts.statusInputs();
    for (;;) {
      try {
        const created = await this.client.create<Node>(Resources.nodes, newNodeObject(inputs));
        this.nodeUid = created.metadata.uid;
        log.info({ node: inputs.nodeName }, 'node registered');
        break;
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
      try {
        const cur = await this.client.get<Node>(Resources.nodes, undefined, inputs.nodeName);
        const labels = { ...(cur.metadata.labels ?? {}), ...nodeLabels(inputs) };
        const updated = await this.client.update<Node>(Resources.nodes, { ...cur, metadata: { ...cur.metadata, labels } });
        this.nodeUid = updated.metadata.uid;
        log.info({ node: inputs.nodeName }, 'node re-registered');
        break;
      } catch (e) {
        if (isCorruptObjectError(e)) await this.replaceCorrupt(Resources.nodes, undefined, inputs.nodeName, e);
        else if (!isConflict(e) && !isNotFound(e)) throw e;
      }
    }
    await this.syncStatus(true);
  }

  async syncStatus(force = false): Promise<void> {
    const inputs = this.opts.statusInputs();
    for (let i = 0; i < 3; i++) {
      let cur: Node;
      try {
        cur = await this.client.get<Node>(Resources.nodes, undefined, inputs.nodeName);
      } catch (e) {
        if (isNotFound(e)) return this.register();
        throw e;
      }
      this.nodeUid = cur.metadata.uid;
      const podCIDR = cur.spec?.podCIDR ?? cur.spec?.podCIDRs?.[0];
      // A CNI config is written from it: only an IPv4 CIDR, never whatever the field holds.
      if (typeof podCIDR === 'string' && isIPv4Cidr(podCIDR)) this.opts.onPodCIDR?.(podCIDR);
      else if (podCIDR) log.warn({ node: inputs.nodeName, podCIDR: String(podCIDR).slice(0, 64) }, 'node podCIDR is not an IPv4 CIDR, ignored');
      const fresh = this.opts.statusInputs();
      const status = desiredNodeStatus(fresh, cur.status);
      const stale = Date.now() - this.lastWrite >= (this.opts.statusForceMs ?? 300_000);
      if (!force && !stale && statusFingerprint(status) === statusFingerprint(cur.status)) return;
      try {
        await this.client.updateStatus<Node>(Resources.nodes, { ...cur, status });
        this.lastWrite = Date.now();
        return;
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }
  }

  /**
   * Renews the node's Lease. As upstream's lease controller, the Lease this agent last wrote is
   * renewed directly (one PUT every 10 s, no GET before it); only when that fails — someone else
   * changed it (409), it is gone, or there is none yet — is it read (or created) afresh.
   */
  private async renewLease(): Promise<void> {
    const name = this.opts.statusInputs().nodeName;
    const now = new Date().toISOString();
    if (this.lease) {
      try {
        this.lease = await this.client.update(Resources.leases, renewedLease(name, this.nodeUid, now, this.lease));
        return;
      } catch (e) {
        this.lease = undefined;
        if (!isConflict(e) && !isNotFound(e)) throw e;
      }
    }
    let old: Lease | undefined;
    try {
      old = await this.client.get<Lease>(Resources.leases, LEASE_NAMESPACE, name);
    } catch (e) {
      // An unreadable Lease would leave the node without heartbeats (and soon tainted): replace it.
      if (isCorruptObjectError(e)) await this.replaceCorrupt(Resources.leases, LEASE_NAMESPACE, name, e);
      else if (!isNotFound(e)) throw e;
    }
    const lease = renewedLease(name, this.nodeUid, now, old);
    this.lease = old ? await this.client.update(Resources.leases, lease) : await this.client.create(Resources.leases, lease);
  }

  /**
   * This kubelet's own Node or Lease is stored in a form the apiserver cannot decode (written
   * around it): nobody can read it, so it is deleted to be created afresh instead of leaving the
   * node unregistered (upstream's kubelet would retry forever).
   */
  private async replaceCorrupt(rt: typeof Resources.nodes, namespace: string | undefined, name: string, e: unknown): Promise<void> {
    log.warn({ resource: rt.resource, name, err: (e as Error).message }, 'own object is unreadable, replacing it');
    await this.client.delete(rt, namespace, name).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
