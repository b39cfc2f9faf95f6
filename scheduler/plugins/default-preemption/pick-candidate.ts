// Choosing among the nodes where preemption would work, as upstream's pickOneNodeForPreemption:
// each rule keeps the nodes that score best by it and the next rule only breaks ties — fewest
// PodDisruptionBudget violations, then the lowest highest-priority victim, the smallest sum of
// victim priorities, the fewest victims, and the latest start among the highest-priority victims
// (disturb the pods that have run the least). A tie after all of them goes to the first candidate.
// Also how many candidates to look for (the dry run stops once it has that many).
import type { Pod } from '../../../lib/api/types';
import { podPriority, podStartMs } from './select-victims';

export interface Candidate {
  name: string;
  /** Most important first. */
  victims: Pod[];
  numPDBViolations: number;
}

/** Priorities shifted to be >= 0 (MaxInt32 + 1), so that many negative-priority victims never sum below few. */
const PRIORITY_SHIFT = 2 ** 31;

/**
 * GetEarliestPodStartTime: the earliest start among the victims of the highest priority (victims
 * are sorted most important first, but not every caller's list need be).
 */
export function earliestStartOfTopVictims(victims: Pod[], nowMs: number): number {
  let top = -Infinity;
  let earliest = Infinity;
  for (const v of victims) {
    const p = podPriority(v);
    const t = podStartMs(v, nowMs);
    if (p > top) {
      top = p;
      earliest = t;
    } else if (p === top && t < earliest) earliest = t;
  }
  return earliest;
}

/** The rules, each a score where higher is better. */
function rules(nowMs: number): ((c: Candidate) => number)[] {
  return [
    (c) => -c.numPDBViolations,
    (c) => -(c.victims.length ? Math.max(...c.victims.map(podPriority)) : 0),
    (c) => -c.victims.reduce((s, v) => s + podPriority(v) + PRIORITY_SHIFT, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfTopVictims(c.victims, nowMs),
  ];
}

export function pickCandidate(candidates: Candidate[], nowMs: number): Candidate | undefined {
  let left = candidates;
  for (const score of rules(nowMs)) {
    if (left.length <= 1) break;
    let best = -Infinity;
    let kept: Candidate[] = [];
    for (const c of left) {
      const s = score(c);
      if (s > best) {
        best = s;
        kept = [c];
      } else if (s === best) kept.push(c);
    }
    left = kept;
  }
  return left[0];
}

export interface DefaultPreemptionArgs {
  /** Candidates to find, as a percentage of the nodes preemption could help on (0..100). */
  minCandidateNodesPercentage: number;
  /** ...but at least this many (bounded by the number of such nodes). */
  minCandidateNodesAbsolute: number;
}

export const DEFAULT_PREEMPTION_ARGS: DefaultPreemptionArgs = { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 };

/** calculateNumCandidates: the percentage of the nodes (integer division), at least the absolute, at most all. */
export function numCandidates(numNodes: number, args: DefaultPreemptionArgs): number {
  let n = Math.floor((numNodes * args.minCandidateNodesPercentage) / 100);
  if (n < args.minCandidateNodesAbsolute) n = args.minCandidateNodesAbsolute;
  return Math.min(n, numNodes);
}
