// NodeAffinity: spec.nodeSelector and the required node affinity decide where a pod may run
// (Filter); the preferred terms' weights, summed over the terms a node matches, decide where it
// would rather run (Score). When every required term names its nodes by metadata.name (DaemonSet
// pods do), PreFilter hands the framework just those nodes so it does not walk the others.
// The profile's addedAffinity (args) applies to every pod on top of the pod's own.
import { NODE_NAME_FIELD, nodeSelectorMatches, podFitsNodeAffinity, requiredNodeAffinity, termMatches, type NodeSelector, type NodeSelectorTerm } from '../../../lib/api/node-affinity';
import type { Node, Pod } from '../../../lib/api/types';
import { Frozen, type CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { SUCCESS, skip, unresolvable, type Status } from '../../framework/status';
import {
  ActionType,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type NodeScore,
  type PluginDefinition,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type QueueingHint,
  type ScorePlugin,
} from '../../framework/types';
import { defaultNormalizeScore } from '../helper/normalize-score';
import { validateNodeAffinityArgs, type NodeAffinityArgs, type PreferredSchedulingTerm } from './args';

export const NAME = 'NodeAffinity';
export const REASON = "node(s) didn't match Pod's node affinity/selector";
export const REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const REASON_CONFLICT = 'pod affinity terms conflict';
const PRESCORE_KEY = 'PreScore' + NAME;

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/**
 * The only nodes the required terms allow, when each term pins metadata.name In [...]; undefined
 * when any term leaves the name open (terms are ORed, so then every node may match). An empty set
 * means the terms contradict themselves.
 */
export function nodeNamesOfTerms(required: NodeSelector | undefined): Set<string> | undefined {
  if (!required) return undefined;
  let union: Set<string> | undefined;
  for (const term of list<NodeSelectorTerm>(required.nodeSelectorTerms)) {
    let names: Set<string> | undefined;
    for (const r of list<{ key: string; operator: string; values?: string[] }>(term?.matchFields)) {
      if (r?.key !== NODE_NAME_FIELD || r.operator !== 'In') continue;
      const vals = new Set(list<string>(r.values));
      names = names ? new Set([...names].filter((n) => vals.has(n))) : vals;
    }
    if (!names) return undefined;
    union = union ?? new Set();
    for (const n of names) union.add(n);
  }
  return union;
}

export function preferredTermsOf(pod: Pod): PreferredSchedulingTerm[] {
  const a = (pod.spec as { affinity?: { nodeAffinity?: { preferredDuringSchedulingIgnoredDuringExecution?: unknown } } }).affinity;
  return list<PreferredSchedulingTerm>(a?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
}

/** Sum of the weights of the terms the node matches (weight-0 and empty terms never count). */
export function preferredScore(terms: readonly PreferredSchedulingTerm[], node: Node): number {
  let sum = 0;
  for (const t of terms) if (t && typeof t.weight === 'number' && t.weight !== 0 && termMatches(t.preference, node)) sum += t.weight;
  return sum;
}

const hasNodeSelector = (pod: Pod): boolean => !!pod.spec.nodeSelector && typeof pod.spec.nodeSelector === 'object';

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NAME;
  private readonly addedRequired?: NodeSelector;
  private readonly addedPreferred: PreferredSchedulingTerm[];

  constructor(args: NodeAffinityArgs = {}) {
    this.addedRequired = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.addedPreferred = list<PreferredSchedulingTerm>(args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  }

  preFilter(_state: CycleState, pod: Pod, _nodes?: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    const required = requiredNodeAffinity(pod);
    if (!required && !this.addedRequired && !hasNodeSelector(pod)) return { status: skip() };
    const names = nodeNamesOfTerms(required);
    if (names && names.size === 0) return { status: unresolvable(REASON_CONFLICT) };
    return names ? { result: { nodeNames: names }, status: SUCCESS } : { status: SUCCESS };
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    if (this.addedRequired && !nodeSelectorMatches(this.addedRequired, nodeInfo.node)) return unresolvable(REASON_ENFORCED);
    return podFitsNodeAffinity(pod, nodeInfo.node) ? SUCCESS : unresolvable(REASON);
  }

  preScore(state: CycleState, pod: Pod, _nodes?: NodeInfo[]): Status {
    const terms = [...this.addedPreferred, ...preferredTermsOf(pod)];
    if (terms.length === 0) return skip();
    state.write(PRESCORE_KEY, new Frozen(terms));
    return SUCCESS;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const terms = state.read<Frozen<PreferredSchedulingTerm[]>>(PRESCORE_KEY)?.value ?? [...this.addedPreferred, ...preferredTermsOf(pod)];
    return preferredScore(terms, nodeInfo.node);
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    defaultNormalizeScore(scores, false);
    return SUCCESS;
  }

  /** Whether the node passes this plugin's Filter for the pod (the queueing hint's question). */
  matches(pod: Pod, node: Node): boolean {
    return (!this.addedRequired || nodeSelectorMatches(this.addedRequired, node)) && podFitsNodeAffinity(pod, node);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel }, hint: (pod, o, n) => this.isSchedulableAfterNodeChange(pod, o, n) }];
  }

  /** A node helps when it matches now and did not before (or is new). */
  isSchedulableAfterNodeChange(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
    const modified = newObj as Node | undefined;
    if (!modified?.metadata) return 'Queue';
    if (!this.matches(pod, modified)) return 'QueueSkip';
    const original = oldObj as Node | undefined;
    return original?.metadata && this.matches(pod, original) ? 'QueueSkip' : 'Queue';
  }
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (args: unknown, _handle: Handle) => new NodeAffinity(validateNodeAffinityArgs(NAME, args)),
  defaultArgs: () => ({}),
};
