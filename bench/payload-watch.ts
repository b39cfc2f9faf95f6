// A CommandRunner wrapper for bench:proxy's change phase: it passes every command through and,
// when a rules transaction (`iptables-restore`, `nft -f`) returns successfully, settles the
// waiters whose text that payload contains, with the time it returned. That moment is when the
// rule is in the kernel, which is what the phase measures from the API update.
import type { CommandRunner } from '../kube-proxy/exec';

/** Whether a command is one of the transactions that put Service rules in the kernel. */
export function isRulesTransaction(cmd: string, args: string[]): boolean {
  return cmd === 'iptables-restore' || (cmd === 'nft' && args.includes('-f'));
}

interface Waiter {
  needle: string;
  resolve: (endedAt: number) => void;
}

export class PayloadWatch {
  private waiters: Waiter[] = [];
  /** Transactions seen (all of them, for the report). */
  transactions = 0;
  readonly runner: CommandRunner;

  constructor(inner: CommandRunner, private readonly now: () => number = () => performance.now()) {
    this.runner = async (cmd, args, stdin) => {
      const r = await inner(cmd, args, stdin);
      if (r.code === 0 && stdin && isRulesTransaction(cmd, args)) {
        const endedAt = this.now();
        this.transactions++;
        const [hit, rest] = [this.waiters.filter((w) => stdin.includes(w.needle)), this.waiters.filter((w) => !stdin.includes(w.needle))];
        this.waiters = rest;
        for (const w of hit) w.resolve(endedAt);
      }
      return r;
    };
  }

  /** Resolves with the end time of the first successful transaction from now on whose payload contains `needle`. */
  next(needle: string): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ needle, resolve }));
  }

  /** Waiters still open (the phase fails them on its timeout). */
  get pending(): number {
    return this.waiters.length;
  }
}
