// Controller expectations: after a reconcile creates or deletes pods, the next reconcile of the
// same owner must not act again until the informer has shown those changes, or it would create
// the same replicas twice. Expectations expire after a TTL in case a watch event was lost.
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expect {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private readonly m = new Map<string, Expect>();
  constructor(private readonly now: () => number = Date.now, private readonly ttlMs = EXPECTATIONS_TTL_MS) {}

  expect(key: string, adds: number, deleteKeys: string[] = []): void {
    this.m.set(key, { adds, deletes: new Set(deleteKeys), at: this.now() });
  }

  /** A create failed or was observed: one fewer to wait for. */
  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e && e.adds > 0) e.adds--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.m.get(key)?.deletes.delete(podKey);
  }

  satisfied(key: string): boolean {
    const e = this.m.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.deletes.size === 0) || this.now() - e.at > this.ttlMs) {
      this.m.delete(key);
      return true;
    }
    return false;
  }

  delete(key: string): void {
    this.m.delete(key);
  }
}
