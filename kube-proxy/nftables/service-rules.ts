// The nftables mode behind the proxier's ServiceRules seam. The first sync of a process re-creates
// the `ip k8ts-proxy` table; later ones update it in place so affinity entries survive. Between
// the proxier's full syncs only what changed since the last successful apply is sent (a partial
// sync, from the contents remembered here); a failed apply forgets them, so the next sync is full
// and reads the table back once. The pod network's rules stay in iptables (includesPodNetwork:
// false), as in every mode.
import type { Logger } from '../../lib/log';
import type { ProxyPlan } from '../plan/types';
import type { ApplyOptions, ServiceRules } from '../service-rules';
import type { NftablesApplier } from './applier';
import type { Ruleset } from './ruleset';
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
  /** What the last successful apply put in the table; undefined when it cannot be trusted. */
  private last?: Ruleset;
  /** Ports the builder itself refused (the planner refuses them first; this is the last guard). */
  private skipped = new Set<string>();

  constructor(
    private readonly nft: NftablesApplier,
    private readonly opts: NftablesServiceRulesOptions,
  ) {}

  async apply(plan: ProxyPlan, o: ApplyOptions = {}): Promise<{ rules: Record<string, number> }> {
    const last = this.last;
    // Forgotten before the apply: if it throws, the table holds the old or the new state, or
    // anything someone else made of it, and the next sync must not trust either.
    this.last = undefined;
    const r = await syncNftablesPlan(this.nft, plan, { clusterCIDR: this.opts.clusterCIDR, nodeIPs: this.opts.nodeIPs }, { last, first: this.first, full: o.full });
    this.first = false;
    this.last = r.ruleset;
    for (const s of r.skipped) if (!this.skipped.has(s)) this.opts.log?.warn({ servicePort: s }, 'service port left out of the nftables table');
    this.skipped = new Set(r.skipped);
    return { rules: { nftables: r.rules } };
  }
}
