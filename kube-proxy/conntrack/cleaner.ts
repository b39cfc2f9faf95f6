// Deleting stale conntrack entries with the `conntrack` tool (Debian `conntrack`). Best effort, as
// upstream: a failed delete is logged and reported, never thrown — the rules are already right,
// and the worst a left-over entry does is keep one UDP flow broken until it idles out.
import type { Logger } from '../../lib/log';
import type { CommandRunner } from '../exec';
import { conntrackDeleteArgs, entryKey, type ConntrackEntry } from './stale';

export interface ClearResult {
  /** Flow entries the kernel deleted, summed over the commands. */
  deleted: number;
  /** Entries whose delete failed ("entry: error"). */
  failed: string[];
}

/** conntrack's summary line, on stderr: "conntrack v1.4.7 (conntrack-tools): 3 flow entries have been deleted." */
const SUMMARY = /(\d+) flow entries have been deleted/;

export class ConntrackCleaner {
  private readonly log: Logger;

  constructor(
    private readonly run: CommandRunner,
    log: Logger,
    private readonly tool = 'conntrack',
  ) {
    this.log = log.child({ part: 'conntrack' });
  }

  async clear(entries: ConntrackEntry[]): Promise<ClearResult> {
    const result: ClearResult = { deleted: 0, failed: [] };
    for (const entry of entries) {
      const r = await this.run(this.tool, conntrackDeleteArgs(entry));
      const output = `${r.stderr}\n${r.stdout}`;
      const count = SUMMARY.exec(output);
      // Deleting nothing is success: conntrack says "0 flow entries" and exits 1 on some versions.
      if (r.code === 0 || (count && Number(count[1]) === 0)) {
        const n = count ? Number(count[1]) : 0;
        result.deleted += n;
        if (n > 0) this.log.debug({ entry: entryKey(entry), deleted: n }, 'deleted stale conntrack entries');
        continue;
      }
      const why = (r.stderr.trim() || r.stdout.trim() || `exit ${r.code}`).split('\n').pop() ?? '';
      result.failed.push(`${entryKey(entry)}: ${why}`);
      this.log.warn({ entry: entryKey(entry), code: r.code, err: why }, 'conntrack delete failed');
    }
    return result;
  }
}
