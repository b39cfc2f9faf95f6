// Completion indexes of Indexed Jobs: the "1,3-5,7" text of status.completedIndexes and
// status.failedIndexes, and the index a pod carries in its annotation.
import type { Pod } from '../../lib/api/types';

export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';

/** The pod's completion index, or undefined when it has none (or a malformed one). */
export function completionIndexOf(p: Pod): number | undefined {
  const v = p.metadata.annotations?.[COMPLETION_INDEX_KEY];
  if (v === undefined || !/^\d{1,9}$/.test(v)) return undefined;
  return Number(v);
}

/**
 * The indexes in a status text, below completions, sorted and unique. Malformed parts are skipped
 * (the status is the controller's own text; a hand-edited one must not stop the Job).
 */
export function parseIndexes(text: string | undefined, completions: number): number[] {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** Sorted unique indexes as text: runs of three or more as "a-b", pairs as "a,b". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}
