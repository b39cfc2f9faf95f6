// Installs nftables payloads: one `nft -f -` per sync (nft applies a file as one kernel
// transaction, so the table is either the old state or the new one, never in between). Also
// checks at start-up that the mode can work here, reads the table's objects back for stale-object
// deletion, and deletes the table for `--cleanup`. Only our own table is ever named.
// Scheduling (rate limit, resync, retry) is the sync loop's business, not this file's.
import type { Logger } from '../../lib/log';
import { CommandError, type CommandRunner } from '../exec';
import type { NftExistingState } from './build-ruleset';
import { checkTableName } from './check-plan';
import { parseNftListing } from './listing';
import { DEFAULT_TABLE } from './names';

export class NftablesUnavailableError extends Error {
  readonly code = 'NFTABLES_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'NftablesUnavailableError';
  }
}

export class NftablesApplyError extends Error {
  readonly code = 'NFTABLES_APPLY_FAILED';
  constructor(readonly cause: CommandError) {
    super(`nft -f failed: ${cause.message}`);
    this.name = 'NftablesApplyError';
  }
}

/** `nft --version` prints e.g. "nftables v1.0.6 (Lester Gooch #5)". */
export function parseNftVersion(output: string): string | undefined {
  return /^nftables v(\d+\.\d+(?:\.\d+)?)/m.exec(output)?.[1];
}

/** nft before 1.0.1 parses the whole ruleset of every table on each call, and can break on
 *  other tables' newer rules; Kubernetes' nftables mode requires 1.0.1 for that reason. */
export function nftVersionSupported(version: string): boolean {
  const [major, minor, patch] = version.split('.').map(Number);
  return major > 1 || (major === 1 && (minor > 0 || (patch ?? 0) >= 1));
}

export class NftablesApplier {
  readonly table: string;

  constructor(
    private readonly run: CommandRunner,
    opts: { tableName?: string } = {},
    private readonly log?: Logger,
  ) {
    this.table = opts.tableName ?? DEFAULT_TABLE;
    checkTableName(this.table);
  }

  /**
   * Resolves with nft's version when the mode can work here; otherwise NftablesUnavailableError
   * saying why: no nft binary, an nft too old, or a kernel that refuses an nftables table (no
   * nf_tables, or no permission). The kernel check creates and deletes a probe table in one
   * transaction, so nothing is left behind and our real table is not touched.
   */
  async available(): Promise<{ version: string }> {
    const v = await this.run('nft', ['--version']);
    if (v.code !== 0) {
      const why = v.code === 127 ? 'the nft binary is not installed (Debian package nftables)' : `nft --version exited ${v.code}: ${v.stderr.trim()}`;
      throw new NftablesUnavailableError(`--proxy-mode nftables needs nft: ${why}; install nftables or run with --proxy-mode iptables`);
    }
    const version = parseNftVersion(v.stdout);
    if (!version) throw new NftablesUnavailableError(`cannot read nft's version from ${JSON.stringify(v.stdout.trim())}`);
    if (!nftVersionSupported(version)) {
      throw new NftablesUnavailableError(`--proxy-mode nftables needs nft 1.0.1 or later, found ${version}; upgrade nftables or run with --proxy-mode iptables`);
    }
    const probe = `ip ${this.table}-probe`;
    const r = await this.run('nft', ['-f', '-'], `add table ${probe}\ndelete table ${probe}\n`);
    if (r.code !== 0) {
      throw new NftablesUnavailableError(`the kernel refused an nftables table (${r.stderr.trim() || `exit ${r.code}`}); load nf_tables or run with --proxy-mode iptables`);
    }
    return { version };
  }

  /** The table's chains, sets and maps; undefined when the table does not exist. */
  async existingState(): Promise<NftExistingState | undefined> {
    const r = await this.run('nft', ['-j', '-t', 'list', 'table', 'ip', this.table]);
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return undefined;
      throw new CommandError(`nft -j -t list table ip ${this.table}`, r);
    }
    return parseNftListing(r.stdout, this.table);
  }

  /** One atomic transaction: either the whole payload is in the kernel or none of it. */
  async apply(payload: string): Promise<void> {
    const r = await this.run('nft', ['-f', '-'], payload);
    if (r.code !== 0) throw new NftablesApplyError(new CommandError('nft -f -', r));
  }

  /** Deletes our table (and with it every rule, set and map of this mode); no error when absent. */
  async cleanup(): Promise<void> {
    // "add" first makes the delete valid whether or not the table exists, in one transaction.
    await this.apply(`add table ip ${this.table}\ndelete table ip ${this.table}\n`);
    this.log?.info({ table: this.table }, 'deleted nftables table');
  }
}
