// PodTopologySpread: spreads pods that match a selector evenly over topology domains (zones,
// hosts, …). DoNotSchedule constraints filter (filtering.ts), ScheduleAnyway ones score
// (scoring.ts); pods that declare no constraint get the cluster defaults (args.ts), the system
// ones only when a Service or controller selects the pod (default-selector.ts).
import type { Node, Pod } from '../../../lib/api/types';
import { requiredNodeAffinity } from '../../../lib/api/node-affinity';
import type { CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { error, skip, SUCCESS, type Status } from '../../framework/status';
import {
  ActionType,
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
import { defaultArgs, NAME, validateArgs, type PodTopologySpreadArgs } from './args';
import { compileConstraints, labelValue, nodeHasAllKeys, podConstraintSpecs, selectorMatches, type Constraint, type TopologySpreadConstraintSpec, type WhenUnsatisfiable } from './constraints';
import { defaultSelector } from './default-selector';
import { computePreFilterState, filterNode, PreFilterState, updateWithPod } from './filtering';
import { computePreScoreState, normalize, PreScoreState, scoreNode } from './scoring';

export { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH } from './filtering';
export type { PodTopologySpreadArgs } from './args';

const PRE_FILTER_KEY = `PreFilter${NAME}`;
const PRE_SCORE_KEY = `PreScore${NAME}`;

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NAME;
  private readonly defaults: TopologySpreadConstraintSpec[];
  private readonly systemDefaulted: boolean;

  constructor(
    args: PodTopologySpreadArgs | undefined,
    private readonly handle: Handle,
  ) {
    ({ defaults: this.defaults, systemDefaulted: this.systemDefaulted } = validateArgs(args));
  }

  /** The pod's own constraints for `action`, or else the defaults with the pod's default selector. */
  constraintsFor(pod: Pod, action: WhenUnsatisfiable): Constraint[] {
    const own = podConstraintSpecs(pod);
    if (own.length > 0) return compileConstraints(own, pod.metadata.labels, action);
    const defaults = compileConstraints(this.defaults, pod.metadata.labels, action);
    if (defaults.length === 0) return [];
    const selector = defaultSelector(pod, this.handle.listers);
    if (selector.length === 0) return [];
    return defaults.map((c) => ({ ...c, selector }));
  }

  preFilter(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    let constraints: Constraint[];
    try {
      constraints = this.constraintsFor(pod, 'DoNotSchedule');
    } catch (e) {
      return { status: error(`obtaining pod's hard topology spread constraints: ${(e as Error).message}`) };
    }
    if (constraints.length === 0) return { status: skip() };
    state.write(PRE_FILTER_KEY, computePreFilterState(pod, constraints, nodes));
    return { status: SUCCESS };
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, podToSchedule: Pod, pi: PodInfo, info: NodeInfo, delta: 1 | -1): Status => {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (!s) return error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`);
      updateWithPod(s, pi.pod, podToSchedule, info.node, delta);
      return SUCCESS;
    };
    return {
      addPod: (state, podToSchedule, toAdd, info) => update(state, podToSchedule, toAdd, info, 1),
      removePod: (state, podToSchedule, toRemove, info) => update(state, podToSchedule, toRemove, info, -1),
    };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`);
    return filterNode(s, pod, nodeInfo.node);
  }

  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status {
    const all = this.handle.snapshot().list();
    if (all.length === 0) return skip();
    let constraints: Constraint[];
    try {
      constraints = this.constraintsFor(pod, 'ScheduleAnyway');
    } catch (e) {
      return error(`obtaining pod's soft topology spread constraints: ${(e as Error).message}`);
    }
    if (constraints.length === 0) return skip();
    // Only the system defaults tolerate nodes without every key (hosts without a zone label).
    const requireAll = podConstraintSpecs(pod).length > 0 || !this.systemDefaulted;
    state.write(PRE_SCORE_KEY, computePreScoreState(pod, constraints, nodes, all, requireAll));
    return SUCCESS;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) throw new Error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`);
    return scoreNode(s, pod, nodeInfo.node, nodeInfo);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s) normalize(s, scores);
    return SUCCESS;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete }, hint: (pod, o, n) => this.afterPodChange(pod, o as Pod | undefined, n as Pod | undefined) },
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint },
        hint: (pod, o, n) => this.afterNodeChange(pod, o as Node | undefined, n as Node | undefined),
      },
    ];
  }

  private allConstraints(pod: Pod): Constraint[] | undefined {
    try {
      return [...this.constraintsFor(pod, 'DoNotSchedule'), ...this.constraintsFor(pod, 'ScheduleAnyway')];
    } catch {
      return undefined; // unreadable: let the retry report it
    }
  }

  /** A pod change matters when it is an assigned pod of the same namespace whose labels match (or stopped matching) a selector. */
  afterPodChange(pod: Pod, oldPod: Pod | undefined, newPod: Pod | undefined): QueueingHint {
    const involved = (p: Pod) => p.metadata.uid === pod.metadata.uid || (!!p.spec?.nodeName && (p.metadata.namespace ?? 'default') === (pod.metadata.namespace ?? 'default'));
    if ((newPod && !involved(newPod)) || (oldPod && !involved(oldPod))) return 'QueueSkip';
    const cs = this.allConstraints(pod);
    if (!cs) return 'Queue';
    if (oldPod && newPod) return cs.some((c) => selectorMatches(c.selector, oldPod.metadata.labels) !== selectorMatches(c.selector, newPod.metadata.labels)) ? 'Queue' : 'QueueSkip';
    const p = (oldPod ?? newPod)!;
    return cs.some((c) => selectorMatches(c.selector, p.metadata.labels)) ? 'Queue' : 'QueueSkip';
  }

  /** A node change matters when a node with every topology key comes or goes, or a key, a taint (Honor) or an affinity-relevant label changes. */
  afterNodeChange(pod: Pod, oldNode: Node | undefined, newNode: Node | undefined): QueueingHint {
    const cs = this.allConstraints(pod);
    if (!cs) return 'Queue';
    if (!oldNode || !newNode) return nodeHasAllKeys((oldNode ?? newNode)!.metadata.labels, cs) ? 'Queue' : 'QueueSkip';
    const before = oldNode.metadata.labels;
    const after = newNode.metadata.labels;
    if (cs.some((c) => labelValue(before, c.topologyKey) !== labelValue(after, c.topologyKey))) return 'Queue';
    if (cs.some((c) => c.nodeTaintsPolicy === 'Honor') && JSON.stringify(oldNode.spec?.taints ?? []) !== JSON.stringify(newNode.spec?.taints ?? [])) return 'Queue';
    // Under nodeAffinityPolicy Honor a relabelled node may start (or stop) counting for the pod.
    const constrained = !!pod.spec?.nodeSelector || !!requiredNodeAffinity(pod);
    if (constrained && cs.some((c) => c.nodeAffinityPolicy === 'Honor') && JSON.stringify(before ?? {}) !== JSON.stringify(after ?? {})) return 'Queue';
    return 'QueueSkip';
  }
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (args, handle) => new PodTopologySpread(args as PodTopologySpreadArgs, handle),
  defaultArgs,
};
