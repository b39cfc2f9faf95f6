// Score normalization shared by the node-local scorers (upstream's helper.DefaultNormalizeScore):
// raw scores are rescaled so the best node gets MAX_NODE_SCORE, with integer division as upstream
// so ties and rounding match; `reverse` turns "fewer is better" counts (untolerated
// PreferNoSchedule taints) into scores.
import { MAX_NODE_SCORE, type NodeScore } from '../../framework/types';

export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, max = MAX_NODE_SCORE): void {
  let maxCount = 0;
  for (const s of scores) if (s.score > maxCount) maxCount = s.score;
  if (maxCount === 0) {
    // Every node scored 0: nothing to rescale; reversed, every node is equally the best.
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((max * s.score) / maxCount);
    s.score = reverse ? max - scaled : scaled;
  }
}
