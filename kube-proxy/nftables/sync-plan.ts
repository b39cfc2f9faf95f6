// One nftables sync, for the proxier's sync loop: read what the table holds, build the
// transaction for the plan, apply it. The first sync of a process re-creates the table instead of
// reading it (as Kubernetes re-creates its base chains once at start): that also sweeps whatever
// an older version of this mode left, whose objects the in-place shape might not be able to
// change. Later syncs update in place, so session-affinity entries survive them.
import type { ProxyPlan } from '../plan/types';
import type { NftablesApplier } from './applier';
import { buildNftRuleset, countNftRules, type BuildNftOptions } from './build-ruleset';

export interface NftSyncResult {
  /** Rules in the applied payload (kubeproxy_sync_proxy_rules_nftables_total-style metric). */
  rules: number;
  /** Service ports left out because they cannot be programmed ("ns/name: why"). */
  skipped: string[];
  /** The table was re-created (first sync, or the table was missing). */
  recreated: boolean;
}

export async function syncNftablesPlan(
  applier: NftablesApplier,
  plan: ProxyPlan,
  opts: Pick<BuildNftOptions, 'clusterCIDR' | 'nodeIPs'>,
  first: boolean,
): Promise<NftSyncResult> {
  const existing = first ? undefined : await applier.existingState();
  const skipped: string[] = [];
  const payload = buildNftRuleset(plan, { ...opts, tableName: applier.table, existing, skipped });
  await applier.apply(payload);
  return { rules: countNftRules(payload), skipped, recreated: existing === undefined };
}
