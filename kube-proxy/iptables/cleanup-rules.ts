// `--cleanup`: the payload that removes every chain this proxier owns. Jumps into them must be
// removed first (see jumps.ts), since a chain that is still referenced cannot be deleted.
import { OWNED_CHAINS } from './build-rules';
import { isHashedChain } from './chain-names';
import { POD_NETWORK_CHAINS } from './pod-network-rules';

export interface ExistingChains {
  nat: string[];
  filter: string[];
}

/** Owned chains that exist now, per table: the fixed ones (the pod network's too) plus every hashed
 *  service/endpoint chain. */
export function ownedExisting(existing: ExistingChains): ExistingChains {
  const fixedNat = new Set<string>([...OWNED_CHAINS.nat, ...POD_NETWORK_CHAINS.nat]);
  const fixedFilter = new Set<string>([...OWNED_CHAINS.filter, ...POD_NETWORK_CHAINS.filter]);
  return {
    nat: existing.nat.filter((c) => fixedNat.has(c) || isHashedChain(c)).sort(),
    filter: existing.filter.filter((c) => fixedFilter.has(c)).sort(),
  };
}

/** A restore payload that flushes and deletes every owned chain; '' when there is nothing to do. */
export function buildCleanupRules(existing: ExistingChains): string {
  const owned = ownedExisting(existing);
  const lines: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const chains = owned[table];
    if (chains.length === 0) continue;
    // Declaring flushes each chain, so cross-references among our own chains are gone before -X.
    lines.push(`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT');
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
