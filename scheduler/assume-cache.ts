// Pods the scheduler has bound but the informer has not yet shown as bound. Counting them on
// their node keeps the next decisions from double-booking the same resources. An assumption ends
// when the informer confirms the binding, when the pod is deleted, when binding fails, or a TTL
// after the Binding was written (the informer's copy was lost somewhere) so a stale guess cannot
// hold resources forever. As upstream, the TTL starts when binding finishes, not at the decision:
// under a backlog a Binding can wait longer than the TTL, and an assumption expiring before its
// Binding is even sent would let the next decisions double-book its node.
import type { Pod } from '../lib/api/types';

export const ASSUME_TTL_MS = 30_000;

interface Assumed {
  pod: Pod;
  /** When its Binding was written; undefined while binding is in flight (no expiry then). */
  boundAt?: number;
}

export class AssumeCache {
  private readonly assumed = new Map<string, Assumed>();
  constructor(private readonly ttlMs = ASSUME_TTL_MS, private readonly now: () => number = Date.now) {}

  /** Records pod (a copy with spec.nodeName set) as placed on nodeName. */
  assume(key: string, pod: Pod, nodeName: string): void {
    const copy: Pod = { ...pod, spec: { ...pod.spec, nodeName } };
    this.assumed.set(key, { pod: copy });
  }

  /** The Binding was written: the assumption now lasts until the informer shows it, or the TTL. */
  finishBinding(key: string): void {
    const a = this.assumed.get(key);
    if (a) a.boundAt = this.now();
  }

  forget(key: string): void {
    this.assumed.delete(key);
  }

  isAssumed(key: string): boolean {
    this.expire();
    return this.assumed.has(key);
  }

  /** Informer pods with the assumed ones overlaid (an informer copy that is bound wins). */
  overlay(pods: Pod[], keyOf: (p: Pod) => string): Pod[] {
    this.expire();
    if (this.assumed.size === 0) return pods;
    const out: Pod[] = [];
    const seen = new Set<string>();
    for (const p of pods) {
      const k = keyOf(p);
      seen.add(k);
      const a = this.assumed.get(k);
      if (a && !p.spec.nodeName) out.push(a.pod);
      else out.push(p);
    }
    for (const [k, a] of this.assumed) if (!seen.has(k)) out.push(a.pod);
    return out;
  }

  size(): number {
    return this.assumed.size;
  }

  private expire(): void {
    const t = this.now();
    for (const [k, a] of this.assumed) if (a.boundAt !== undefined && t - a.boundAt > this.ttlMs) this.assumed.delete(k);
  }
}
