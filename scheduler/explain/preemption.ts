// What DefaultPreemption would do for a pod that fits nowhere, without doing it: the same steps as
// the plugin's PostFilter (eligibility, the nodes where evicting could help, the dry run over them,
// the best candidate) from its exported pure parts, stopping before the writes (marking and
// deleting victims, setting nominatedNodeName). Its "preemption: ..." text is what the scheduler
// appends to FailedScheduling when preemption cannot help.
import type { Pod } from '../../lib/api/types';
import type { CycleState } from '../framework/cycle-state';
import type { Framework } from '../framework/runtime';
import type { Status } from '../framework/status';
import { DefaultPreemption } from '../plugins/default-preemption';
import { dryRunPreemption, nodesForPreemption, preemptionFitMessage } from '../plugins/default-preemption/find-candidates';
import { ineligibleReason } from '../plugins/default-preemption';
import { numCandidates, pickCandidate } from '../plugins/default-preemption/pick-candidate';
import { podPriority } from '../plugins/default-preemption/select-victims';

export interface Victim {
  namespace: string;
  name: string;
  priority: number;
}

export interface PreemptionExplanation {
  /** The node the pod would be nominated to, its victims evicted (most important first). */
  node?: string;
  victims?: Victim[];
  /** Budgets the eviction would violate (only when no node avoids it). */
  pdbViolations?: number;
  /** Why preemption does not help: the "preemption: ..." part of FailedScheduling. */
  message?: string;
  /** Something broke in the dry run (the scheduler would retry with backoff). */
  error?: string;
}

/** undefined when the profile has no DefaultPreemption (other PostFilter plugins are not dry-run). */
export function explainPreemption(fwk: Framework, state: CycleState, pod: Pod, statuses: Map<string, Status>): PreemptionExplanation | undefined {
  const plugin = fwk.plugins.postFilter.find((p): p is DefaultPreemption => p instanceof DefaultPreemption);
  if (!plugin) return undefined;
  const handle = fwk.handle;
  const why = ineligibleReason(pod, handle, statuses);
  if (why) return { message: `preemption: ${why}` };
  const all = handle.snapshot().list();
  const potential = nodesForPreemption(all, statuses);
  if (potential.length === 0) return { message: `preemption: ${preemptionFitMessage(all.length, new Map())}` };
  const now = handle.now();
  // The scheduler starts the dry run at a random node; from the first one the answer is repeatable.
  const run = dryRunPreemption(fwk, state, pod, potential, handle.listers.pdbs(), 0, numCandidates(potential.length, plugin.args), now);
  if (run.candidates.length === 0) {
    if (run.errors.length) return { error: run.errors.join('; ') };
    return { message: `preemption: ${preemptionFitMessage(all.length, run.nodeStatuses)}` };
  }
  const best = pickCandidate(run.candidates, now);
  if (!best) return { message: 'preemption: no candidate node for preemption' };
  return {
    node: best.name,
    victims: best.victims.map((v) => ({ namespace: v.metadata.namespace ?? '', name: v.metadata.name ?? '', priority: podPriority(v) })),
    ...(best.numPDBViolations ? { pdbViolations: best.numPDBViolations } : {}),
  };
}
