// A bounded ring of recent storage events in revision order. It knows the oldest revision from
// which its history is complete, so a watch from an exact resourceVersion is either replayed in
// full or told that the revision is too old — never silently given a gap.
import type { StoreEvent } from '../storage/etcd-store';

export class EventRing {
  private buf: (StoreEvent | undefined)[];
  private head = 0; // index of the oldest event
  private size = 0;
  /** Every event with a revision greater than this is in the ring (or still to come). */
  private completeAfter: bigint;

  constructor(
    readonly capacity: number,
    startRevision: string,
  ) {
    this.buf = new Array(Math.max(1, capacity));
    this.completeAfter = BigInt(startRevision || '0');
  }

  get length(): number {
    return this.size;
  }

  /** The oldest revision a watch may start from. */
  get oldestResumable(): string {
    return String(this.completeAfter);
  }

  push(ev: StoreEvent): void {
    if (this.size === this.buf.length) {
      const evicted = this.buf[this.head]!;
      this.buf[this.head] = undefined;
      this.head = (this.head + 1) % this.buf.length;
      this.size--;
      // Events up to the evicted one's revision are no longer all here.
      this.completeAfter = BigInt(evicted.revision);
    }
    this.buf[(this.head + this.size) % this.buf.length] = ev;
    this.size++;
  }

  /** Forgets all history: after a relist only changes after `revision` can be replayed. */
  reset(revision: string): void {
    this.buf = new Array(this.buf.length);
    this.head = 0;
    this.size = 0;
    this.completeAfter = BigInt(revision || '0');
  }

  /** Events after `revision`, or null when the ring no longer holds all of them. */
  since(revision: string): StoreEvent[] | null {
    const rev = BigInt(revision);
    if (rev < this.completeAfter) return null;
    const out: StoreEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const ev = this.buf[(this.head + i) % this.buf.length]!;
      if (BigInt(ev.revision) > rev) out.push(ev);
    }
    return out;
  }
}
