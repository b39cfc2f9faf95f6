// The three NodeResourcesFit scoring strategies over (requested, allocatable) vectors, with
// upstream's integer arithmetic so scores (and so placements) match kube-scheduler's:
// LeastAllocated favours free room (spreading), MostAllocated favours full nodes (bin packing),
// RequestedToCapacityRatio maps utilization through a user-given piecewise-linear shape.
import { MAX_NODE_SCORE } from '../../framework/types';
import type { ResourceSpec } from './resource-allocation';

export type Scorer = (requested: readonly number[], allocatable: readonly number[]) => number;

/** Shape points in the config's scale: utilization 0..100, score 0..10. */
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

/** The configuration's score scale (0..10) is stretched to 0..MAX_NODE_SCORE. */
export const MAX_CUSTOM_PRIORITY_SCORE = 10;

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  // Over-committed nodes (possible through pods that bypass the scheduler) count as full.
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** Weighted integer mean of per-resource scores over the resources the node has. */
function weighted(resources: readonly ResourceSpec[], per: (requested: number, capacity: number) => number): Scorer {
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      score += per(requested[i], allocatable[i]) * resources[i].weight;
      weights += resources[i].weight;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}

export const leastAllocatedScorer = (resources: readonly ResourceSpec[]): Scorer => weighted(resources, leastRequestedScore);
export const mostAllocatedScorer = (resources: readonly ResourceSpec[]): Scorer => weighted(resources, mostRequestedScore);

/** The piecewise-linear function through the points (flat before the first and after the last). */
export function brokenLinear(shape: readonly UtilizationShapePoint[]): (utilization: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      if (p <= shape[i].utilization) {
        if (i === 0) return shape[0].score;
        const [a, b] = [shape[i - 1], shape[i]];
        return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
      }
    }
    return shape[shape.length - 1].score;
  };
}

export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]): Scorer {
  const f = brokenLinear(shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE) })));
  const perResource = (requested: number, capacity: number) => (capacity === 0 || requested > capacity ? f(100) : f(Math.trunc((requested * 100) / capacity)));
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const s = perResource(requested[i], allocatable[i]);
      // Upstream leaves resources scoring 0 out of the mean.
      if (s > 0) {
        score += s * resources[i].weight;
        weights += resources[i].weight;
      }
    }
    return weights === 0 ? 0 : Math.round(score / weights);
  };
}
