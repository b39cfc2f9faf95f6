// Installs iptables payloads: one atomic `iptables-restore --noflush` per sync, then the jumps from
// the built-in chains (ensured one by one, touching no other rule). Also reads back the chains that
// exist (for stale-chain deletion), reports the iptables backend, and undoes everything for
// `--cleanup`. Scheduling (rate limit, resync, retry) lives in sync-loop.ts.
import type { Logger } from '../lib/log';
import { CommandError, mustRun, type CommandRunner } from './exec';
import { buildCleanupRules, type ExistingChains } from './iptables/cleanup-rules';
import { JUMP_RULES, jumpArgv, type JumpRule } from './iptables/jumps';
import { parseChains } from './iptables/saved-state';

export type IptablesBackend = 'nf_tables' | 'legacy' | 'unknown';

/** `iptables --version` prints e.g. "iptables v1.8.9 (nf_tables)". */
export function parseBackend(versionOutput: string): IptablesBackend {
  if (/\(nf_tables\)/.test(versionOutput)) return 'nf_tables';
  if (/\(legacy\)/.test(versionOutput) || /^iptables v[\d.]+\s*$/m.test(versionOutput)) return 'legacy';
  return 'unknown';
}

export class IptablesRestoreError extends Error {
  readonly code = 'IPTABLES_RESTORE_FAILED';
  constructor(readonly cause: CommandError) {
    super(`iptables-restore failed: ${cause.message}`);
    this.name = 'IptablesRestoreError';
  }
}

export class IptablesApplier {
  constructor(
    private readonly run: CommandRunner,
    private readonly log?: Logger,
  ) {}

  async detectBackend(): Promise<{ backend: IptablesBackend; version: string }> {
    const version = (await mustRun(this.run, 'iptables', ['--version'])).trim();
    return { backend: parseBackend(version), version };
  }

  async existingChains(): Promise<ExistingChains> {
    const nat = await mustRun(this.run, 'iptables-save', ['-t', 'nat']);
    const filter = await mustRun(this.run, 'iptables-save', ['-t', 'filter']);
    return { nat: parseChains(nat, 'nat'), filter: parseChains(filter, 'filter') };
  }

  /** One atomic transaction: either the whole payload is in the kernel or none of it. */
  async restore(payload: string): Promise<void> {
    try {
      await mustRun(this.run, 'iptables-restore', ['--noflush', '-w'], payload);
    } catch (err) {
      if (err instanceof CommandError) throw new IptablesRestoreError(err);
      throw err;
    }
  }

  /** Ensures each top-level jump exists exactly where we put it; returns how many were inserted. */
  async ensureJumps(jumps: readonly JumpRule[] = JUMP_RULES): Promise<number> {
    let inserted = 0;
    for (const j of jumps) {
      const check = await this.run('iptables', jumpArgv('-C', j));
      if (check.code === 0) continue;
      await mustRun(this.run, 'iptables', jumpArgv('-I', j));
      inserted++;
      this.log?.info({ table: j.table, chain: j.chain }, 'inserted jump into kube-proxy chains');
    }
    return inserted;
  }

  /** Deletes every copy of each top-level jump; returns how many were deleted. */
  async removeJumps(): Promise<number> {
    let removed = 0;
    for (const j of JUMP_RULES) {
      // A bounded loop: duplicates can exist if someone inserted them by hand.
      for (let i = 0; i < 100; i++) {
        const r = await this.run('iptables', jumpArgv('-D', j));
        if (r.code !== 0) break;
        removed++;
      }
    }
    return removed;
  }

  /** Removes our jumps, then flushes and deletes every chain we own. */
  async cleanup(): Promise<{ jumps: number; chains: number }> {
    const jumps = await this.removeJumps();
    const existing = await this.existingChains();
    const payload = buildCleanupRules(existing);
    if (payload) await this.restore(payload);
    const chains = payload.split('\n').filter((l) => l.startsWith('-X ')).length;
    return { jumps, chains };
  }
}
