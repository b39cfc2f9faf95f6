// Counts per topology pair (key, value), the currency of InterPodAffinity: how many matching pods
// (or terms) sit in each domain. Nested maps (key → value → count) so the per-node Filter looks a
// pair up without building a string, and zero entries are dropped so "no pair at all" is size 0.
import type { Labels } from '../../../lib/api/labels';
import { matchesRequirements } from '../../../lib/api/labels';
import type { Node, Pod } from '../../../lib/api/types';
import type { AffinityTerm } from '../../framework/pod-info';

export function labelValue(labels: Labels, key: string): string | undefined {
  return labels && Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
}

export class TopologyCounts {
  readonly byKey = new Map<string, Map<string, number>>();
  /** Number of (key, value) pairs with a non-zero count. */
  size = 0;

  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }

  add(key: string, value: string, delta: number): void {
    let values = this.byKey.get(key);
    if (!values) this.byKey.set(key, (values = new Map()));
    const before = values.get(value);
    const n = (before ?? 0) + delta;
    if (n === 0) {
      if (before !== undefined) {
        values.delete(value);
        this.size--;
        if (values.size === 0) this.byKey.delete(key);
      }
      return;
    }
    if (before === undefined) this.size++;
    values.set(value, n);
  }

  /** Adds delta to the node's domain for `key`, when the node has that key. */
  addForNode(node: Node, key: string, delta: number): void {
    const v = labelValue(node.metadata.labels, key);
    if (v !== undefined) this.add(key, v, delta);
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts();
    for (const [k, values] of this.byKey) c.byKey.set(k, new Map(values));
    c.size = this.size;
    return c;
  }
}

/** Namespace labels looked up at most once per namespace per cycle (namespaceSelector terms). */
export type NamespaceLabelsOf = (ns: string) => Labels;

export function memoNamespaceLabels(lookup: (ns: string) => Labels): NamespaceLabelsOf {
  const memo = new Map<string, Labels>();
  return (ns) => {
    if (!memo.has(ns)) memo.set(ns, lookup(ns));
    return memo.get(ns);
  };
}

/**
 * Whether one of the incoming pod's terms selects `pod`: the term names its namespace, or the
 * term's namespaceSelector selects the namespace's labels (looked up only when needed).
 */
export function incomingTermMatches(term: AffinityTerm, pod: Pod, nsOf: NamespaceLabelsOf): boolean {
  if (!term.selector) return false;
  const ns = pod.metadata.namespace ?? 'default';
  if (!term.namespaces.has(ns) && (term.namespaceSelector === null || !matchesRequirements(term.namespaceSelector, nsOf(ns)))) return false;
  return matchesRequirements(term.selector, pod.metadata.labels);
}

/** Whether `pod` matches every term (false for no terms), as the affinity count requires. */
export function matchesAllTerms(terms: readonly AffinityTerm[], pod: Pod, nsOf: NamespaceLabelsOf): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!incomingTermMatches(t, pod, nsOf)) return false;
  return true;
}
