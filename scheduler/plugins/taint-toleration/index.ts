// TaintToleration: a node's NoSchedule and NoExecute taints keep off every pod that does not
// tolerate them (Filter; the first untolerated taint is named, as upstream words it), and each
// PreferNoSchedule taint the pod does not tolerate makes the node less attractive (Score counts
// them; normalizeScore reverses the counts so the node with the fewest gets 100).
import type { Node, Pod } from '../../../lib/api/types';
import { taintsOf, tolerationsOf, toleratesTaint, type Taint, type Toleration } from '../../../lib/api/taints';
import { Frozen, type CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { SUCCESS, unresolvable, type Status } from '../../framework/status';
import {
  ActionType,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type NodeScore,
  type PluginDefinition,
  type PreScorePlugin,
  type QueueingHint,
  type ScorePlugin,
} from '../../framework/types';
import { defaultNormalizeScore } from '../helper/normalize-score';

export const NAME = 'TaintToleration';
const PRESCORE_KEY = 'PreScore' + NAME;

export const untoleratedReason = (t: Taint): string => `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;

const blocksScheduling = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** The first NoSchedule/NoExecute taint none of the tolerations tolerates (upstream's FindMatchingUntoleratedTaint). */
export function firstUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (const t of taints) if (blocksScheduling(t) && !tolerations.some((tol) => toleratesTaint(tol, t))) return t;
  return undefined;
}

/** The tolerations that can matter for PreferNoSchedule taints (no effect, or that effect). */
export const preferNoScheduleTolerations = (pod: Pod): Toleration[] => tolerationsOf(pod).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');

/** How many PreferNoSchedule taints the tolerations leave untolerated. */
export function countIntolerablePreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const t of taints) if (t.effect === 'PreferNoSchedule' && !tolerations.some((tol) => toleratesTaint(tol, t))) n++;
  return n;
}

const untolerated = (pod: Pod, node: Node): boolean => firstUntoleratedTaint(taintsOf(node), tolerationsOf(pod)) !== undefined;

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NAME;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const taints = taintsOf(nodeInfo.node);
    if (taints.length === 0) return SUCCESS;
    const t = firstUntoleratedTaint(taints, tolerationsOf(pod));
    return t ? unresolvable(untoleratedReason(t)) : SUCCESS;
  }

  preScore(state: CycleState, pod: Pod, _nodes?: NodeInfo[]): Status {
    state.write(PRESCORE_KEY, new Frozen(preferNoScheduleTolerations(pod)));
    return SUCCESS;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const tolerations = state.read<Frozen<Toleration[]>>(PRESCORE_KEY)?.value ?? preferNoScheduleTolerations(pod);
    return countIntolerablePreferNoSchedule(taintsOf(nodeInfo.node), tolerations);
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    defaultNormalizeScore(scores, true);
    return SUCCESS;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint }, hint: isSchedulableAfterNodeChange },
      { event: { resource: 'Pod', actionType: ActionType.UpdatePodTolerations }, hint: isSchedulableAfterPodTolerationChange },
    ];
  }
}

/** A node helps when the pod tolerates its taints now and did not before (or it is new). */
export function isSchedulableAfterNodeChange(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Node | undefined;
  if (!modified?.metadata) return 'Queue';
  if (untolerated(pod, modified)) return 'QueueSkip';
  const original = oldObj as Node | undefined;
  return !original?.metadata || untolerated(pod, original) ? 'Queue' : 'QueueSkip';
}

/** Only the rejected pod's own toleration change can help it. */
export function isSchedulableAfterPodTolerationChange(pod: Pod, _old: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Pod | undefined;
  if (!modified?.metadata) return 'Queue';
  return modified.metadata.uid === pod.metadata.uid ? 'Queue' : 'QueueSkip';
}

export const plugin: PluginDefinition = { name: NAME, factory: () => new TaintToleration() };
