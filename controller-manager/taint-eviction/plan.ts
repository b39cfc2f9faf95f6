// What the taint eviction controller does about one pod on a node with NoExecute taints
// (upstream's processPodOnNode), as a plain value: a pod that does not tolerate every taint goes
// now; one that tolerates them all for a while goes when the shortest used tolerationSeconds runs
// out; one that tolerates them forever stays. An eviction already scheduled keeps its time.
import { matchingTolerations, minTolerationSeconds, type Taint, type Toleration } from '../../lib/api/taints';

export type EvictionDecision =
  /** Nothing to evict for: drop any scheduled eviction. */
  | { kind: 'cancel'; why: 'no-taints' | 'tolerated-forever' }
  /** Drop any scheduled eviction and delete the pod now. */
  | { kind: 'evict-now' }
  /** An eviction is already scheduled: leave it. */
  | { kind: 'keep' }
  /** Delete the pod at fireAt. */
  | { kind: 'schedule'; createdAt: number; fireAt: number };

/** scheduled: the createdAt of the eviction already scheduled for the pod, if any. */
export function evictionDecision(tolerations: Toleration[], taints: Taint[], now: number, scheduled?: { createdAt: number }): EvictionDecision {
  if (taints.length === 0) return { kind: 'cancel', why: 'no-taints' };
  const { allTolerated, used } = matchingTolerations(taints, tolerations);
  if (!allTolerated) return { kind: 'evict-now' };
  const seconds = minTolerationSeconds(used);
  if (seconds < 0) return { kind: 'cancel', why: 'tolerated-forever' };
  // Upstream keeps a scheduled eviction whose start plus the toleration is not later than now
  // plus it, which is every eviction scheduled before now: the first schedule stands.
  if (scheduled && scheduled.createdAt + seconds * 1000 < now + seconds * 1000) return { kind: 'keep' };
  const createdAt = scheduled?.createdAt ?? now;
  return { kind: 'schedule', createdAt, fireAt: now + seconds * 1000 };
}
