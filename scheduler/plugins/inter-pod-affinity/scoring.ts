// InterPodAffinity's preferences. Each (existing pod, term) pair that applies adds its weight to
// the domain (topology key, value) of the existing pod's node: the incoming pod's preferred
// affinity (+) and anti-affinity (−) terms that select the existing pod, and the existing pod's
// required affinity (+hardPodAffinityWeight), preferred affinity (+) and preferred anti-affinity
// (−) terms that select the incoming pod. A node scores the sum over its domains; normalisation
// maps min..max onto 0..100.
import type { Labels } from '../../../lib/api/labels';
import type { Node } from '../../../lib/api/types';
import type { StateData } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { termMatches, type AffinityTerm, type PodInfo, type WeightedAffinityTerm } from '../../framework/pod-info';
import { MAX_NODE_SCORE, type NodeScore } from '../../framework/types';
import { incomingTermMatches, labelValue, type NamespaceLabelsOf } from './counts';

export class PreScoreState implements StateData {
  /** topology key → value → summed weight. */
  readonly topologyScore = new Map<string, Map<string, number>>();

  clone(): StateData {
    return this; // never changed after PreScore
  }

  add(key: string, value: string, w: number): void {
    let values = this.topologyScore.get(key);
    if (!values) this.topologyScore.set(key, (values = new Map()));
    values.set(value, (values.get(value) ?? 0) + w);
  }
}

export interface ScoringContext {
  podInfo: PodInfo;
  nsLabels: Labels;
  nsOf: NamespaceLabelsOf;
  hardPodAffinityWeight: number;
}

function hasLabels(node: Node): boolean {
  const l = node.metadata.labels;
  if (!l) return false;
  for (const _ in l) return true;
  return false;
}

function processExistingPod(s: PreScoreState, ctx: ScoringContext, existing: PodInfo, node: Node): void {
  if (!hasLabels(node)) return;
  const labels = node.metadata.labels;
  const add = (t: AffinityTerm, w: number) => {
    const v = labelValue(labels, t.topologyKey);
    if (v !== undefined) s.add(t.topologyKey, v, w);
  };
  const incoming = ctx.podInfo.pod;
  const ofIncoming = (terms: WeightedAffinityTerm[], sign: number) => {
    for (const t of terms) if (incomingTermMatches(t, existing.pod, ctx.nsOf)) add(t, sign * t.weight);
  };
  const ofExisting = (terms: WeightedAffinityTerm[], sign: number) => {
    for (const t of terms) if (termMatches(t, incoming, ctx.nsLabels)) add(t, sign * t.weight);
  };
  ofIncoming(ctx.podInfo.preferredAffinityTerms, 1);
  ofIncoming(ctx.podInfo.preferredAntiAffinityTerms, -1);
  if (ctx.hardPodAffinityWeight > 0) {
    for (const t of existing.requiredAffinityTerms) if (termMatches(t, incoming, ctx.nsLabels)) add(t, ctx.hardPodAffinityWeight);
  }
  ofExisting(existing.preferredAffinityTerms, 1);
  ofExisting(existing.preferredAntiAffinityTerms, -1);
}

/**
 * Without preferred terms of its own the incoming pod can only be scored by existing pods' terms,
 * so only pods with affinity (on the nodes that have some) are visited.
 */
export function computePreScoreState(ctx: ScoringContext, nodes: readonly NodeInfo[], allPods: boolean): PreScoreState {
  const s = new PreScoreState();
  for (const info of nodes) {
    for (const existing of allPods ? info.pods : info.podsWithAffinity) processExistingPod(s, ctx, existing, info.node);
  }
  return s;
}

export function scoreNode(s: PreScoreState, node: Node): number {
  const labels = node.metadata.labels;
  let score = 0;
  for (const [key, values] of s.topologyScore) {
    const v = labelValue(labels, key);
    if (v !== undefined) score += values.get(v) ?? 0;
  }
  return score;
}

/** Min..max onto 0..100 (all equal: all 0), truncated as upstream. */
export function normalize(scores: NodeScore[]): void {
  let min = Infinity;
  let max = -Infinity;
  for (const ns of scores) {
    if (ns.score > max) max = ns.score;
    if (ns.score < min) min = ns.score;
  }
  const diff = max - min;
  for (const ns of scores) ns.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((ns.score - min) / diff)) : 0;
}
