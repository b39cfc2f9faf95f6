// The nftables mode behind the proxier's ServiceRules seam: each sync builds the whole `ip
// k8ts-proxy` table from the plan and applies it in one `nft -f` transaction (the first sync of a
// process re-creates the table, later ones update it in place so affinity entries survive). The
// pod network's rules stay in iptables (includesPodNetwork: false), as in every mode.
import type { Logger } from '../../lib/log';
import type { ProxyPlan } from '../plan/types';
import type { ServiceRules } from '../service-rules';
import type { NftablesApplier } from './applier';
import { syncNftablesPlan } from './sync-plan';

export interface NftablesServiceRulesOptions {
  clusterCIDR: string;
  nodeIPs: string[];
  log?: Logger;
}

export class NftablesServiceRules implements ServiceRules {
  readonly mode = 'nftables';
  readonly includesPodNetwork = false;
  private first = true;
  /** Ports the builder itself refused (the planner refuses them first; this is the last guard). */
  private skipped = new Set<string>();

  constructor(
    private readonly nft: NftablesApplier,
    private readonly opts: NftablesServiceRulesOptions,
  ) {}

  async apply(plan: ProxyPlan): Promise<{ rules: Record<string, number> }> {
    const r = await syncNftablesPlan(this.nft, plan, { clusterCIDR: this.opts.clusterCIDR, nodeIPs: this.opts.nodeIPs }, this.first);
    this.first = false;
    for (const s of r.skipped) if (!this.skipped.has(s)) this.opts.log?.warn({ servicePort: s }, 'service port left out of the nftables table');
    this.skipped = new Set(r.skipped);
    return { rules: { nftables: r.rules } };
  }
}
