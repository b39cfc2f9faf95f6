// PodTopologySpread's soft part (ScheduleAnyway constraints). A node's raw score is, per
// constraint, the matching pods of its domain times a weight of log(domains + 2) (so a
// constraint over many small domains is not drowned by one over a few big ones) plus maxSkew-1
// (which softens small differences); normalisation reverses it so the emptiest domain gets 100.
import type { Node, Pod } from '../../../lib/api/types';
import type { StateData } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { MAX_NODE_SCORE, type NodeScore } from '../../framework/types';
import { affinityCheck, countOnNode, HOSTNAME, includesNode, labelValue, nodeHasAllKeys, NodeCounter, selectorKey, type Constraint } from './constraints';

export class PreScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    /** Feasible nodes lacking a topology key: scored 0 and left out of the normalisation. */
    readonly ignored: Set<string>,
    /** Per constraint (hostname ones stay empty: counted per node in Score): value → matching pods. */
    readonly counts: Map<string, number>[],
    readonly weights: number[],
    /** Per constraint: its selector's cache key in the pod's namespace (countOnNode). */
    readonly keys: string[] = constraints.map((c) => selectorKey(c.selector, 'default')),
  ) {}

  clone(): StateData {
    return this; // never changed after PreScore
  }
}

export const topologyNormalizingWeight = (size: number): number => Math.log(size + 2);
export const scoreForCount = (count: number, maxSkew: number, weight: number): number => count * weight + (maxSkew - 1);

/**
 * Domains are those of the feasible nodes; their pods are counted over all nodes (a domain's
 * infeasible nodes still hold its pods). Nodes must carry every key unless the constraints are
 * the system defaults (so nodes without a zone label still spread by hostname).
 */
export function computePreScoreState(pod: Pod, constraints: Constraint[], feasible: readonly NodeInfo[], all: readonly NodeInfo[], requireAll: boolean): PreScoreState {
  const ignored = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  for (const info of feasible) {
    const labels = info.node.metadata.labels;
    if (requireAll && !nodeHasAllKeys(labels, constraints)) {
      ignored.add(info.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME) return;
      const value = labelValue(labels, c.topologyKey) ?? '';
      if (!counts[i].has(value)) counts[i].set(value, 0);
    });
  }
  const weights = constraints.map((c, i) => topologyNormalizingWeight(c.topologyKey === HOSTNAME ? feasible.length - ignored.size : counts[i].size));
  const counter = new NodeCounter(constraints, pod.metadata.namespace ?? 'default');
  for (const info of all) {
    const node = info.node;
    const labels = node.metadata.labels;
    if (requireAll && !nodeHasAllKeys(labels, constraints)) continue;
    const fits = affinityCheck(pod, node);
    counter.next();
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if (c.topologyKey === HOSTNAME || !includesNode(c, pod, node, fits)) continue;
      const value = labelValue(labels, c.topologyKey) ?? '';
      const cur = counts[i].get(value);
      // Domains with no feasible node are not scored: do not count their pods.
      if (cur === undefined) continue;
      counts[i].set(value, cur + counter.count(i, info));
    }
  }
  return new PreScoreState(constraints, ignored, counts, weights, constraints.map((c) => selectorKey(c.selector, pod.metadata.namespace ?? 'default')));
}

export function scoreNode(s: PreScoreState, pod: Pod, node: Node, info: NodeInfo): number {
  if (s.ignored.has(info.name)) return 0;
  const labels = node.metadata.labels;
  const ns = pod.metadata.namespace ?? 'default';
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    const value = labelValue(labels, c.topologyKey);
    if (value === undefined) continue;
    const count = c.topologyKey === HOSTNAME ? countOnNode(info, c.selector, ns, s.keys[i]) : (s.counts[i].get(value) ?? 0);
    score += scoreForCount(count, c.maxSkew, s.weights[i]);
  }
  return Math.round(score);
}

/** Fewer matching pods, higher score: 100 * (max + min - score) / max, in integers as upstream. */
export function normalize(s: PreScoreState, scores: NodeScore[]): void {
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (const ns of scores) {
    if (s.ignored.has(ns.name)) continue;
    if (ns.score < min) min = ns.score;
    if (ns.score > max) max = ns.score;
  }
  for (const ns of scores) {
    if (s.ignored.has(ns.name)) ns.score = 0;
    else if (max === 0) ns.score = MAX_NODE_SCORE;
    else ns.score = Math.floor((MAX_NODE_SCORE * (max + min - ns.score)) / max);
  }
}
