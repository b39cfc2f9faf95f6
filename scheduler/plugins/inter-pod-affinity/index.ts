// InterPodAffinity: pods placed by the pods already running — required affinity / anti-affinity
// (filtering.ts) and preferred terms, weighed (scoring.ts), each in a topology domain named by
// the term's topologyKey. Terms are compiled once per pod (PodInfo) and matched per cycle.
import type { Node, Pod } from '../../../lib/api/types';
import type { CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { newPodInfo, termMatches, type AffinityTerm, type PodInfo } from '../../framework/pod-info';
import { error, skip, SUCCESS, type Status } from '../../framework/status';
import {
  ActionType,
  PluginArgsError,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type NodeScore,
  type PluginDefinition,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type QueueingHint,
  type ScorePlugin,
} from '../../framework/types';
import { incomingTermMatches, labelValue, matchesAllTerms, memoNamespaceLabels } from './counts';
import { computePreFilterState, filterNode, PreFilterState, updateWithPod } from './filtering';
import { computePreScoreState, normalize, PreScoreState, scoreNode } from './scoring';

export { ERR_REASON_AFFINITY_RULES_NOT_MATCH, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH } from './filtering';

export const NAME = 'InterPodAffinity';
const PRE_FILTER_KEY = `PreFilter${NAME}`;
const PRE_SCORE_KEY = `PreScore${NAME}`;

/** InterPodAffinityArgs (KubeSchedulerConfiguration v1). */
export interface InterPodAffinityArgs {
  /** Score weight of an existing pod's required affinity term that selects the incoming pod (0..100). */
  hardPodAffinityWeight?: number;
  /** Skip scoring by existing pods' terms when the incoming pod has no preferred terms of its own. */
  ignorePreferredTermsOfExistingPods?: boolean;
}

export const defaultArgs = (): InterPodAffinityArgs => ({ hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false });

export function validateArgs(raw: unknown): Required<InterPodAffinityArgs> {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw new PluginArgsError(NAME, 'args must be an object');
  const a = { ...defaultArgs(), ...((raw ?? {}) as InterPodAffinityArgs) } as Required<InterPodAffinityArgs>;
  const w = a.hardPodAffinityWeight;
  if (!Number.isInteger(w) || w < 0 || w > 100) throw new PluginArgsError(NAME, `hardPodAffinityWeight: Invalid value: ${String(w)}: not in valid range [0-100]`);
  if (typeof a.ignorePreferredTermsOfExistingPods !== 'boolean') throw new PluginArgsError(NAME, 'ignorePreferredTermsOfExistingPods: must be a boolean');
  return a;
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NAME;
  private readonly args: Required<InterPodAffinityArgs>;

  constructor(
    args: InterPodAffinityArgs | undefined,
    private readonly handle: Handle,
  ) {
    this.args = validateArgs(args);
  }

  private nsOf() {
    return memoNamespaceLabels((ns) => this.handle.listers.namespaceLabels(ns));
  }

  preFilter(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    const snap = this.handle.snapshot();
    const nsOf = this.nsOf();
    const podInfo = newPodInfo(pod);
    const s = computePreFilterState(podInfo, nsOf(pod.metadata.namespace ?? 'default'), nsOf, nodes, snap.havePodsWithRequiredAntiAffinityList());
    if (s.empty) return { status: skip() };
    state.write(PRE_FILTER_KEY, s);
    return { status: SUCCESS };
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, pi: PodInfo, info: NodeInfo, delta: 1 | -1): Status => {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (!s) return error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`);
      updateWithPod(s, pi, info.node, delta);
      return SUCCESS;
    };
    return {
      addPod: (state, _pod, toAdd, info) => update(state, toAdd, info, 1),
      removePod: (state, _pod, toRemove, info) => update(state, toRemove, info, -1),
    };
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`);
    return filterNode(s, nodeInfo.node);
  }

  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status {
    if (nodes.length === 0) return skip();
    const podInfo = newPodInfo(pod);
    const hasPreferred = podInfo.preferredAffinityTerms.length + podInfo.preferredAntiAffinityTerms.length > 0;
    if (this.args.ignorePreferredTermsOfExistingPods && !hasPreferred) return skip();
    const snap = this.handle.snapshot();
    const nsOf = this.nsOf();
    const ctx = { podInfo, nsLabels: nsOf(pod.metadata.namespace ?? 'default'), nsOf, hardPodAffinityWeight: this.args.hardPodAffinityWeight };
    const s = computePreScoreState(ctx, hasPreferred ? snap.list() : snap.havePodsWithAffinityList(), hasPreferred);
    if (s.topologyScore.size === 0) return skip();
    state.write(PRE_SCORE_KEY, s);
    return SUCCESS;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) throw new Error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`);
    return scoreNode(s, nodeInfo.node);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s && s.topologyScore.size > 0) normalize(scores);
    return SUCCESS;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete }, hint: (pod, o, n) => this.afterPodChange(pod, o as Pod | undefined, n as Pod | undefined) },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel }, hint: (pod, o, n) => this.afterNodeChange(pod, o as Node | undefined, n as Node | undefined) },
    ];
  }

  /**
   * An assigned pod that now matches all the pod's affinity terms, stopped matching (or left while
   * matching) one of its anti-affinity terms, or left while its own anti-affinity rejected the pod.
   */
  afterPodChange(pod: Pod, oldPod: Pod | undefined, newPod: Pod | undefined): QueueingHint {
    if ((newPod && !newPod.spec?.nodeName) || (oldPod && !oldPod.spec?.nodeName)) return 'QueueSkip';
    const pi = newPodInfo(pod);
    const nsOf = this.nsOf();
    const aff = pi.requiredAffinityTerms;
    const anyAnti = (p: Pod) => pi.requiredAntiAffinityTerms.some((t) => incomingTermMatches(t, p, nsOf));
    if (oldPod && newPod) {
      if (!matchesAllTerms(aff, oldPod, nsOf) && matchesAllTerms(aff, newPod, nsOf)) return 'Queue';
      return anyAnti(oldPod) && !anyAnti(newPod) ? 'Queue' : 'QueueSkip';
    }
    if (newPod) return matchesAllTerms(aff, newPod, nsOf) ? 'Queue' : 'QueueSkip';
    const gone = oldPod!;
    if (anyAnti(gone)) return 'Queue';
    const nsLabels = nsOf(pod.metadata.namespace ?? 'default');
    return newPodInfo(gone).requiredAntiAffinityTerms.some((t) => termMatches(t, pod, nsLabels)) ? 'Queue' : 'QueueSkip';
  }

  /** A node that brings (or changes) the topology key of an affinity term, or any new node / changed anti-affinity key. */
  afterNodeChange(pod: Pod, oldNode: Node | undefined, newNode: Node | undefined): QueueingHint {
    if (!newNode) return 'QueueSkip';
    const pi = newPodInfo(pod);
    const before = oldNode?.metadata.labels;
    const after = newNode.metadata.labels;
    const keyChanged = (t: AffinityTerm, needNew: boolean) => {
      const a = labelValue(before, t.topologyKey);
      const b = labelValue(after, t.topologyKey);
      return needNew ? b !== undefined && a !== b : a !== undefined && a !== b;
    };
    if (!oldNode) {
      // Rejected by anti-affinity (its own or existing pods'): any new node may be a free domain.
      if (pi.requiredAffinityTerms.length === 0) return 'Queue';
      return pi.requiredAffinityTerms.some((t) => labelValue(after, t.topologyKey) !== undefined) ? 'Queue' : 'QueueSkip';
    }
    if (pi.requiredAffinityTerms.some((t) => keyChanged(t, true))) return 'Queue';
    if (pi.requiredAntiAffinityTerms.some((t) => keyChanged(t, false))) return 'Queue';
    // Existing pods' anti-affinity: a node relabelled out of their domain may now fit.
    if (pi.requiredAffinityTerms.length === 0 && pi.requiredAntiAffinityTerms.length === 0) return JSON.stringify(before ?? {}) !== JSON.stringify(after ?? {}) ? 'Queue' : 'QueueSkip';
    return 'QueueSkip';
  }
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (args, handle) => new InterPodAffinity(args as InterPodAffinityArgs, handle),
  defaultArgs,
};
