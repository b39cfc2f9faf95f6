// The dry run over the nodes, as upstream's findCandidates / DryRunPreemption: only nodes that
// filtered the pod out as Unschedulable (not UnschedulableAndUnresolvable: removing pods cannot
// help there) are tried, starting at a random offset so that preemptors spread over the cluster,
// each on a copy of its NodeInfo and of the cycle state. The walk stops once it has enough
// candidates and at least one that violates no PodDisruptionBudget. When nothing works, the
// message says why per node, in upstream's FitError words ("0/3 nodes are available: ...").
import type { Pod } from '../../../lib/api/types';
import type { PodDisruptionBudget } from '../../../lib/api/pdb';
import type { CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { Code, error, isSuccess, type Status } from '../../framework/status';
import type { FrameworkView } from '../../framework/types';
import type { Candidate } from './pick-candidate';
import { selectVictimsOnNode } from './select-victims';

/** Why a node absent from the dry run's statuses is no candidate. */
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/** The nodes whose filters said Unschedulable, in the snapshot's order. */
export function nodesForPreemption(nodes: NodeInfo[], statuses: Map<string, Status>): NodeInfo[] {
  return nodes.filter((n) => statuses.get(n.name)?.code === Code.Unschedulable);
}

export interface DryRun {
  /** Those that violate no budget first, in the order found. */
  candidates: Candidate[];
  /** Why each tried node is no candidate. */
  nodeStatuses: Map<string, Status>;
  /** Messages of Error statuses (something broke, not "does not fit"). */
  errors: string[];
}

export function dryRunPreemption(
  fw: FrameworkView,
  state: CycleState,
  pod: Pod,
  potential: NodeInfo[],
  pdbs: PodDisruptionBudget[],
  offset: number,
  wanted: number,
  nowMs: number,
): DryRun {
  const clean: Candidate[] = [];
  const violating: Candidate[] = [];
  const nodeStatuses = new Map<string, Status>();
  const errors: string[] = [];
  for (let i = 0; i < potential.length; i++) {
    const nodeInfo = potential[(offset + i) % potential.length].clone();
    const r = selectVictimsOnNode(fw, state.clone(), pod, nodeInfo, pdbs, nowMs);
    let status = r.status;
    if (isSuccess(status) && r.victims.length > 0) {
      (r.numPDBViolations === 0 ? clean : violating).push({ name: nodeInfo.name, victims: r.victims, numPDBViolations: r.numPDBViolations });
      if (clean.length > 0 && clean.length + violating.length >= wanted) break;
      continue;
    }
    if (isSuccess(status)) status = error(`expected at least one victim pod on node "${nodeInfo.name}"`);
    if (status.code === Code.Error) errors.push(status.reasons.join(', '));
    nodeStatuses.set(nodeInfo.name, status);
  }
  return { candidates: [...clean, ...violating], nodeStatuses, errors };
}

/**
 * FitError.Error() for the dry run: "0/N nodes are available: " and a histogram of the reasons,
 * sorted as strings; nodes without a status count as "Preemption is not helpful for scheduling".
 */
export function preemptionFitMessage(numAllNodes: number, nodeStatuses: Map<string, Status>): string {
  const counts = new Map<string, number>();
  for (const s of nodeStatuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const absent = numAllNodes - nodeStatuses.size;
  if (absent > 0) counts.set(NOT_HELPFUL, (counts.get(NOT_HELPFUL) ?? 0) + absent);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  let msg = `0/${numAllNodes} nodes are available:`;
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  return msg;
}
