// The seam between the proxier and a proxy mode: the proxier computes the mode-neutral plan
// (plan/plan-services.ts) and hands it to one ServiceRules backend, which builds its payload and
// installs it. iptables is the default; nftables and IPVS plug in here. Whatever the mode, the pod
// network's rules (egress masquerade, forwarding) stay in iptables: a non-iptables backend is
// paired with PodNetworkIptables by the proxier.
import type { IptablesApplier } from './applier';
import { buildRules, type BuiltPort } from './iptables/build-rules';
import { POD_NETWORK_JUMPS } from './iptables/jumps';
import { buildPodNetworkRules } from './iptables/pod-network-rules';
import type { ProxyPlan } from './plan/types';

export interface ServiceRules {
  /** 'iptables', 'nftables', 'ipvs': for logs. */
  readonly mode: string;
  /** Whether apply() also installs the pod network's iptables rules (the iptables mode does, in
   *  the same transaction); when false the proxier installs them itself. */
  readonly includesPodNetwork: boolean;
  /** Makes the kernel match the plan; returns the number of rules installed, per table. A
   *  backend may send only what changed since its last successful apply (a partial sync) unless
   *  `full` is set; it must sync in full whenever it cannot trust what it remembers (its first
   *  apply, or after one of its applies failed). */
  apply(plan: ProxyPlan, opts?: ApplyOptions): Promise<{ rules: Record<string, number> }>;
}

export interface ApplyOptions {
  /** Rewrite everything and re-read the kernel's state: repairs rules someone else changed. */
  full?: boolean;
}

export interface IptablesServiceRulesOptions {
  clusterCIDR: string;
  nodeIPs: string[];
}

/** The iptables mode: one `iptables-restore` with the Service chains and the pod network's, then
 *  (on full syncs) the jumps. Between full syncs only the per-port chains that changed are sent. */
export class IptablesServiceRules implements ServiceRules {
  readonly mode = 'iptables';
  readonly includesPodNetwork = true;
  /** The hashed chains' text as the last successful restore wrote it; undefined: nothing to trust
   *  (no apply yet, or the last one failed), so the next apply is full. */
  private written?: Map<string, string>;
  /** The last build's per-port rules: a cache of text, right whatever the kernel holds. */
  private portMemo?: Map<string, BuiltPort>;

  constructor(
    private readonly iptables: IptablesApplier,
    private readonly opts: IptablesServiceRulesOptions,
  ) {}

  async apply(plan: ProxyPlan, opts: ApplyOptions = {}): Promise<{ rules: Record<string, number> }> {
    const previous = opts.full ? undefined : this.written;
    // Forgotten until this apply succeeds: whatever fails below leaves the kernel unknown.
    this.written = undefined;
    // A full sync reads the kernel's chains (iptables-save, ~1 s at 32k rules) to collect stale
    // ones anyone left; a partial one deletes from memory.
    const existingChains = previous ? undefined : (await this.iptables.existingChains()).nat;
    const built = buildRules({ plan, nodeIPs: this.opts.nodeIPs, clusterCIDR: this.opts.clusterCIDR, existingChains, previous, portMemo: this.portMemo });
    this.portMemo = built.portMemo;
    // one transaction for both: the pod network's chains are as fixed as the proxy's
    await this.iptables.restore(built.payload + buildPodNetworkRules(this.opts.clusterCIDR));
    // Eleven `iptables -C` cost ~250 ms when nat holds 32k rules (iptables-nft reads the chain
    // back each time): a partial sync skips them, and a jump someone deleted comes back with the
    // next full sync (upstream checks them on every sync).
    if (!previous) await this.iptables.ensureJumps();
    this.written = built.chains;
    return { rules: built.rules };
  }
}

/** The pod network's iptables rules alone, for the modes that program Services elsewhere. */
export async function applyPodNetworkIptables(iptables: IptablesApplier, clusterCIDR: string): Promise<void> {
  await iptables.restore(buildPodNetworkRules(clusterCIDR));
  await iptables.ensureJumps(POD_NETWORK_JUMPS);
}
