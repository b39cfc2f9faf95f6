// PodTopologySpread's hard part (DoNotSchedule constraints): PreFilter counts, once per cycle,
// the matching pods of every domain of every constraint; Filter then decides each node with one
// map lookup per constraint: matching pods in the node's domain, plus the incoming pod itself if
// it matches, minus the global minimum (0 while fewer than minDomains domains exist) must not
// exceed maxSkew.
import type { Node, Pod } from '../../../lib/api/types';
import type { StateData } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { SUCCESS, unresolvable, unschedulable, type Status } from '../../framework/status';
import { affinityCheck, CriticalPaths, includesNode, labelValue, nodeHasAllKeys, NodeCounter, selectorMatches, type Constraint } from './constraints';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = "node(s) didn't match pod topology spread constraints (missing required label)";

export class PreFilterState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    /** Per constraint: topology value → matching pods in that domain. Its size is the domain count. */
    readonly counts: Map<string, number>[],
    /** Per constraint: the two least-loaded domains; paths[i].n0 is the global minimum. */
    readonly paths: CriticalPaths[],
  ) {}

  clone(): PreFilterState {
    // Constraints never change; counts and paths do under AddPod/RemovePod (preemption's copies).
    return new PreFilterState(this.constraints, this.counts.map((m) => new Map(m)), this.paths.map((p) => p.clone()));
  }

  /** The minimum the skew is measured against: 0 while fewer than minDomains domains exist. */
  minMatch(i: number): number {
    if (this.counts[i].size < this.constraints[i].minDomains) return 0;
    return this.paths[i].n0;
  }
}

/** Counts matching pods per domain over every node (eligible per the inclusion policies). */
export function computePreFilterState(pod: Pod, constraints: Constraint[], nodes: readonly NodeInfo[]): PreFilterState {
  const counter = new NodeCounter(constraints, pod.metadata.namespace ?? 'default');
  const counts = constraints.map(() => new Map<string, number>());
  for (const info of nodes) {
    const node = info.node;
    const labels = node.metadata.labels;
    if (!nodeHasAllKeys(labels, constraints)) continue;
    const fits = affinityCheck(pod, node);
    counter.next();
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if (!includesNode(c, pod, node, fits)) continue;
      const value = labels![c.topologyKey];
      const n = counter.count(i, info);
      counts[i].set(value, (counts[i].get(value) ?? 0) + n);
    }
  }
  const paths = counts.map((m) => {
    const p = new CriticalPaths();
    for (const [value, n] of m) p.update(value, n);
    return p;
  });
  return new PreFilterState(constraints, counts, paths);
}

export function filterNode(s: PreFilterState, pod: Pod, node: Node): Status {
  const labels = node.metadata.labels;
  const podLabels = pod.metadata.labels;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    const value = labelValue(labels, c.topologyKey);
    if (value === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
    const self = selectorMatches(c.selector, podLabels) ? 1 : 0;
    const skew = (s.counts[i].get(value) ?? 0) + self - s.minMatch(i);
    if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
  }
  return SUCCESS;
}

/**
 * AddPod / RemovePod: what-if changes preemption makes (victims removed, nominated pods added).
 * Only pods of the incoming pod's namespace on nodes that count toward the constraint matter.
 */
export function updateWithPod(s: PreFilterState, updated: Pod, preemptor: Pod, node: Node | undefined, delta: 1 | -1): void {
  if (!node || (updated.metadata.namespace ?? 'default') !== (preemptor.metadata.namespace ?? 'default')) return;
  const labels = node.metadata.labels;
  if (!nodeHasAllKeys(labels, s.constraints)) return;
  const fits = affinityCheck(preemptor, node);
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    if (!selectorMatches(c.selector, updated.metadata.labels)) continue;
    if (!includesNode(c, preemptor, node, fits)) continue;
    const value = labels![c.topologyKey];
    const n = (s.counts[i].get(value) ?? 0) + delta;
    s.counts[i].set(value, n);
    s.paths[i].update(value, n);
  }
}
