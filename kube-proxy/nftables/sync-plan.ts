// One nftables sync, for the proxier's sync loop: build the table's desired contents from the
// plan, choose the transaction's shape, apply it. The shapes:
//  - re-create: the first sync of a process (as Kubernetes re-creates its base chains once at
//    start), which also sweeps whatever an older version of this mode left;
//  - in place, in full: every chain flushed and refilled, stale objects deleted; what the table
//    holds comes from `last` (the contents of the last successful apply) when there is one, and
//    only otherwise — after a failed apply — from reading the table back with `nft -j list`,
//    because re-creating would lose every session-affinity entry;
//  - partial: only the difference from `last` (partial-ruleset.ts), between full syncs.
// The caller keeps the returned ruleset as `last` and must drop it when this throws: the kernel's
// table is then unknown.
import type { ProxyPlan } from '../plan/types';
import type { NftablesApplier } from './applier';
import { countNftRules, countRulesetRules, desiredNftRuleset, existingFromRuleset, writeNftRuleset, type BuildNftOptions } from './build-ruleset';
import { partialNftRuleset } from './partial-ruleset';
import type { Ruleset } from './ruleset';

export interface NftSyncResult {
  /** Rules the table holds now (kubeproxy_sync_proxy_rules_nftables_total-style metric). */
  rules: number;
  /** Rules in the transaction sent (0 when nothing changed and nothing was sent). */
  sentRules: number;
  /** Service ports left out because they cannot be programmed ("ns/name: why"). */
  skipped: string[];
  /** The table was re-created (first sync, or the table was missing). */
  recreated: boolean;
  /** Only the difference from `last` was sent. */
  partial: boolean;
  /** What the table holds after this apply: the next sync's `last`. */
  ruleset: Ruleset;
}

export interface NftSyncState {
  /** Contents of the last successful apply of this process; absent when unknown. */
  last?: Ruleset;
  /** No apply of this process has succeeded yet. */
  first: boolean;
  /** Rewrite everything (the periodic full sync). */
  full?: boolean;
}

export async function syncNftablesPlan(
  applier: NftablesApplier,
  plan: ProxyPlan,
  opts: Pick<BuildNftOptions, 'clusterCIDR' | 'nodeIPs'>,
  state: NftSyncState,
): Promise<NftSyncResult> {
  const skipped: string[] = [];
  const tableName = applier.table;
  const next = desiredNftRuleset(plan, { ...opts, tableName, skipped });
  const partial = !!state.last && !state.full;
  let payload: string;
  if (partial) {
    payload = partialNftRuleset(state.last!, next, { tableName });
  } else {
    const existing = state.last ? existingFromRuleset(state.last) : state.first ? undefined : await applier.existingState();
    payload = writeNftRuleset(next, { tableName, existing });
  }
  if (payload) await applier.apply(payload);
  return {
    rules: countRulesetRules(next),
    sentRules: countNftRules(payload),
    skipped,
    recreated: payload.startsWith(`add table ip ${tableName}\ndelete table ip ${tableName}\n`),
    partial,
    ruleset: next,
  };
}
