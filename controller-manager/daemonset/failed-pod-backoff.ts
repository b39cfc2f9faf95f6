// The backoff between deleting failed daemon pods on one node (upstream's failedPodsBackoff:
// 1 s doubling to 15 min), so a kubelet that keeps rejecting the pod does not meet a hot loop of
// creates and deletes. Keyed by DaemonSet and node; the clock is passed in.
const INITIAL_MS = 1000;
const MAX_MS = 15 * 60 * 1000;

interface Entry {
  delayMs: number;
  /** When the current backoff period began. */
  at: number;
}

export class FailedPodBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = INITIAL_MS,
    private readonly maxMs = MAX_MS,
  ) {}

  private static key = (owner: string, node: string) => `${owner}\u0000${node}`;

  /** Within the backoff period that began at the last failure. */
  inBackoff(owner: string, node: string, now: number): boolean {
    const e = this.entries.get(FailedPodBackoff.key(owner, node));
    return !!e && now - e.at < e.delayMs;
  }

  /** Milliseconds until the period ends (0 when not backing off). */
  remaining(owner: string, node: string, now: number): number {
    const e = this.entries.get(FailedPodBackoff.key(owner, node));
    return e ? Math.max(0, e.at + e.delayMs - now) : 0;
  }

  /** A failure: the next period is twice the last (reset after twice the maximum without failures). */
  next(owner: string, node: string, now: number): void {
    const k = FailedPodBackoff.key(owner, node);
    const e = this.entries.get(k);
    const fresh = !e || now - e.at > 2 * this.maxMs;
    this.entries.set(k, { delayMs: fresh ? this.initialMs : Math.min(e!.delayMs * 2, this.maxMs), at: now });
  }

  forgetOwner(owner: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(`${owner}\u0000`)) this.entries.delete(k);
  }
}
