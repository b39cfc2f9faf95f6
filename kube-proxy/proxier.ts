// One full sync of the node's proxy state: the pod network (VXLAN device when the plan wants one)
// and the routes for routing safety, then the proxy plan from the current cache (Services and
// EndpointSlices) handed to the mode's ServiceRules backend (iptables by default: the Service rules
// and the pod network's in one restore, then the jumps into our chains). Level-triggered: it reads
// everything afresh each time, so any missed or coalesced change is repaired by the next sync.
import type { EndpointSlice } from '../lib/api/endpoint-slice';
import type { Node, Service } from '../lib/api/types';
import type { Logger } from '../lib/log';
import type { IptablesApplier } from './applier';
import { staleConntrackEntries, type ConntrackEntry } from './conntrack/stale';
import type { NodeRoutes } from './node-routes';
import { planServices } from './plan/plan-services';
import type { ProxyPlan } from './plan/types';
import type { PodNetwork } from './pod-network/pod-network';
import { VTEP_MAC_ANNOTATION } from './pod-network/vtep';
import { desiredRoutes } from './route-plan';
import { applyPodNetworkIptables, IptablesServiceRules, type ServiceRules } from './service-rules';

/** Read access to the cluster state (informer caches in production, arrays in tests). */
export interface ProxyState {
  services(): Service[];
  endpointSlices(): EndpointSlice[];
  nodes(): Node[];
}

export interface ProxierOptions {
  state: ProxyState;
  iptables: IptablesApplier;
  /** The proxy mode's backend; default: iptables through `iptables`. */
  serviceRules?: ServiceRules;
  routes: NodeRoutes;
  podNetwork: PodNetwork;
  nodeName: string;
  nodeIP: string;
  clusterCIDR: string;
  serviceCIDR: string;
  serviceInterface: string;
  /** More CIDRs routed to the sink like the service CIDR (the LoadBalancer pool). */
  sinkCIDRs?: string[];
  /** Health-check node ports of externalTrafficPolicy: Local LoadBalancers (synced after the rules). */
  serviceHealth?: { sync(plan: ProxyPlan): Promise<unknown> };
  /** How often the Service rules are rewritten in full (FULL_SYNC_PERIOD_MS in production); syncs
   *  in between send only what changed. Default: every sync is full. */
  fullSyncPeriodMs?: number;
  /** Clears UDP conntrack entries that the new rules made stale (after the rules are in). */
  conntrack?: { clear(entries: ConntrackEntry[]): Promise<unknown> };
  log?: Logger;
}

/** The fields of a Node that routes depend on: other updates (heartbeats, conditions) need no sync. */
export function nodeRoutingKey(node: Node): string {
  const ips = (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
  const mac = node.metadata.annotations?.[VTEP_MAC_ANNOTATION] ?? '';
  return JSON.stringify([node.spec?.podCIDR ?? '', node.spec?.podCIDRs ?? [], ips, mac]);
}

/** Upstream's FullSyncPeriod: a full rewrite (which re-reads the kernel and repairs what someone
 *  else changed) at most once an hour when nothing fails. Not the --sync-period: a full sync of a
 *  large table takes seconds, and every change waiting behind it waits that long; the periodic
 *  --sync-period resync is partial. */
export const FULL_SYNC_PERIOD_MS = 3_600_000;

export class Proxier {
  /** Rules installed by the last sync, per table (iptables: filter and nat). */
  rules: Record<string, number> = {};
  routeCount = 0;

  /** Service ports left out of the last sync, so each is logged once while it stays broken. */
  private skipped = new Set<string>();

  private readonly serviceRules: ServiceRules;
  /** The plan the kernel holds since the last successful apply (conntrack diffs against it). */
  private applied?: ProxyPlan;
  /** When the last full apply of the Service rules succeeded; -Infinity: none yet, or the last
   *  apply failed (the kernel may hold anything, so the next one is full). */
  private lastFullAt = -Infinity;

  constructor(private readonly opts: ProxierOptions) {
    this.serviceRules = opts.serviceRules ?? new IptablesServiceRules(opts.iptables, { clusterCIDR: opts.clusterCIDR, nodeIPs: [opts.nodeIP] });
  }

  private reportSkipped(now: string[]): void {
    for (const s of now) if (!this.skipped.has(s)) this.opts.log?.warn({ service: s.slice(0, s.indexOf(':')), reason: s.slice(s.indexOf(':') + 2) }, 'service port cannot be programmed, skipped');
    this.skipped = new Set(now);
  }

  async sync(): Promise<void> {
    const o = this.opts;
    // Routes first, but their failure must not keep service rules stale: remember it, go on, and
    // fail the sync at the end so the loop retries.
    let routeError: unknown;
    try {
      await o.routes.ensureDevice();
      const pods = await o.podNetwork.prepare(o.state.nodes(), (await o.routes.currentRoutes()).others);
      const desired = desiredRoutes({
        serviceCIDR: o.serviceCIDR,
        clusterCIDR: o.clusterCIDR,
        serviceDevice: o.serviceInterface,
        sinkCIDRs: o.sinkCIDRs,
        podRoutes: pods.routes,
      });
      await o.routes.sync(desired);
      this.routeCount = desired.length;
      await o.podNetwork.finish(pods);
      if (pods.error !== undefined) throw pods.error;
    } catch (err) {
      routeError = err;
    }
    const plan = planServices({ services: o.state.services(), endpointSlices: o.state.endpointSlices(), nodeName: o.nodeName });
    this.reportSkipped(plan.skipped);
    const now = Date.now();
    const full = now - this.lastFullAt >= (o.fullSyncPeriodMs ?? 0);
    let rules: Record<string, number>;
    try {
      ({ rules } = await this.serviceRules.apply(plan, { full }));
    } catch (err) {
      this.lastFullAt = -Infinity;
      throw err;
    }
    if (full) this.lastFullAt = now;
    if (!this.serviceRules.includesPodNetwork) await applyPodNetworkIptables(o.iptables, o.clusterCIDR);
    // Only now that the rules are in: a UDP flow still pinned to a removed endpoint (or to the
    // REJECT a port had before it got endpoints) would otherwise keep going nowhere.
    const stale = staleConntrackEntries(this.applied, plan);
    this.applied = plan;
    if (stale.length && o.conntrack) await o.conntrack.clear(stale);
    await o.serviceHealth?.sync(plan);
    this.rules = rules;
    o.log?.debug({ mode: this.serviceRules.mode, full, rules: this.rules, servicePorts: plan.servicePorts.length, routes: this.routeCount }, 'synced proxy rules');
    if (routeError) throw routeError;
  }
}
