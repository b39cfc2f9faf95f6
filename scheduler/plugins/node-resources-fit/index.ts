// NodeResourcesFit: the pod's requests must fit in what the node has left (allocatable minus the
// requests of the pods bound or assumed there), one pod slot included; every shortfall is a
// reason of its own ("Insufficient cpu", "Too many pods"), so FailedScheduling counts each.
// Score ranks the fitting nodes with the configured strategy (LeastAllocated by default).
import type { Node, Pod } from '../../../lib/api/types';
import { Frozen, type CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { emptyResources, nodeAllocatable, podRequests } from '../../framework/resources';
import { SUCCESS, unresolvable, unschedulable, type Status } from '../../framework/status';
import {
  ActionType,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type PluginDefinition,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type QueueingHint,
  type Resources,
  type ScorePlugin,
} from '../../framework/types';
import { defaultFitArgs, validateFitArgs, type NodeResourcesFitArgs } from './args';
import { allocationVectors, isExtendedResourceName, podRequestList, type AllocationVectors, type ResourceSpec } from './resource-allocation';
import { leastAllocatedScorer, mostAllocatedScorer, requestedToCapacityRatioScorer, type Scorer } from './scorers';

export const NAME = 'NodeResourcesFit';
const PREFILTER_KEY = 'PreFilter' + NAME;
const PRESCORE_KEY = 'PreScore' + NAME;

export interface Ignored {
  resources: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

/** What the fit check reads of a node: its pods (counted), allocatable and summed requests. */
export type FitView = { pods: { length: number }; allocatable: Resources; requested: Resources };

/** Every reason the node cannot take a pod with these requests (upstream's fitsRequest). */
export function insufficientResources(want: Resources, nodeInfo: FitView, ignored?: Ignored): string[] {
  const out: string[] = [];
  if (nodeInfo.pods.length + 1 > nodeInfo.allocatable.pods) out.push('Too many pods');
  const scalars = Object.entries(want.scalar);
  if (want.milliCpu === 0 && want.memory === 0 && want.ephemeralStorage === 0 && scalars.length === 0) return out;
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (want.milliCpu > 0 && want.milliCpu > alloc.milliCpu - used.milliCpu) out.push('Insufficient cpu');
  if (want.memory > 0 && want.memory > alloc.memory - used.memory) out.push('Insufficient memory');
  if (want.ephemeralStorage > 0 && want.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) out.push('Insufficient ephemeral-storage');
  for (const [name, qty] of scalars) {
    if (qty === 0) continue;
    // Only extended resources can be ignored (hugepages are never); a group is the domain part.
    if (ignored && isExtendedResourceName(name) && (ignored.resources.has(name) || ignored.groups.has(name.split('/')[0]))) continue;
    if (qty > (alloc.scalar[name] ?? 0) - (used.scalar[name] ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out;
}

/**
 * The common case without allocating: no extended resources asked for and everything fits. When
 * this says no, insufficientResources says why (and applies the ignored resources).
 */
export function fitsQuickly(want: Resources, nodeInfo: FitView, hasScalar = Object.keys(want.scalar).length > 0): boolean {
  if (hasScalar) return false;
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  return (
    nodeInfo.pods.length + 1 <= alloc.pods &&
    (want.milliCpu === 0 || want.milliCpu <= alloc.milliCpu - used.milliCpu) &&
    (want.memory === 0 || want.memory <= alloc.memory - used.memory) &&
    (want.ephemeralStorage === 0 || want.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage)
  );
}

export function scorerFor(args: NodeResourcesFitArgs): Scorer {
  const { type, resources, requestedToCapacityRatio } = args.scoringStrategy;
  if (type === 'MostAllocated') return mostAllocatedScorer(resources);
  if (type === 'RequestedToCapacityRatio') return requestedToCapacityRatioScorer(resources, requestedToCapacityRatio?.shape ?? []);
  return leastAllocatedScorer(resources);
}

/** What PreFilter computed once for the cycle. */
interface Wanted {
  want: Resources;
  hasScalar: boolean;
}

export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NAME;
  readonly args: NodeResourcesFitArgs;
  private readonly ignored: Ignored;
  private readonly resources: ResourceSpec[];
  private readonly scorer: Scorer;
  private readonly vectors: AllocationVectors;

  constructor(args: NodeResourcesFitArgs = defaultFitArgs()) {
    this.args = args;
    this.ignored = { resources: new Set(args.ignoredResources), groups: new Set(args.ignoredResourceGroups) };
    this.resources = args.scoringStrategy.resources;
    this.scorer = scorerFor(args);
    this.vectors = { requested: new Array<number>(this.resources.length).fill(0), allocatable: new Array<number>(this.resources.length).fill(0) };
  }

  preFilter(state: CycleState, pod: Pod, _nodes?: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    try {
      const want = podRequests(pod);
      state.write(PREFILTER_KEY, new Frozen<Wanted>({ want, hasScalar: Object.keys(want.scalar).length > 0 }));
      return { status: SUCCESS };
    } catch (e) {
      // The apiserver validates quantities, so this is a pod written around it; no node helps.
      return { status: unresolvable(`pod requests could not be read: ${(e as Error).message}`) };
    }
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const pre = state.read<Frozen<Wanted>>(PREFILTER_KEY)?.value;
    const want = pre?.want ?? podRequests(pod);
    if (fitsQuickly(want, nodeInfo, pre?.hasScalar)) return SUCCESS;
    const reasons = insufficientResources(want, nodeInfo, this.ignored);
    return reasons.length ? unschedulable(...reasons) : SUCCESS;
  }

  preScore(state: CycleState, pod: Pod, _nodes?: NodeInfo[]): Status {
    state.write(PRESCORE_KEY, new Frozen(podRequestList(pod, this.resources, true)));
    return SUCCESS;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const want = state.read<Frozen<number[]>>(PRESCORE_KEY)?.value ?? podRequestList(pod, this.resources, true);
    const { requested, allocatable } = allocationVectors(nodeInfo, this.resources, want, false, this.vectors);
    return this.scorer(requested, allocatable);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Delete | ActionType.UpdatePodScaleDown }, hint: isSchedulableAfterPodChange },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable }, hint: (pod, o, n) => this.isSchedulableAfterNodeChange(pod, o, n) },
    ];
  }

  /**
   * A node helps only if the pod would fit on it were it empty (the pods there are not known
   * here), and, for an update, only if it now offers more of something the pod asks for.
   */
  isSchedulableAfterNodeChange(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
    const node = newObj as Node | undefined;
    if (!node?.metadata) return 'Queue';
    try {
      const want = podRequests(pod);
      const now = nodeAllocatable(node);
      if (insufficientResources(want, { pods: [], allocatable: now, requested: emptyResources() }, this.ignored).length > 0) return 'QueueSkip';
      const original = oldObj as Node | undefined;
      if (!original?.metadata) return 'Queue';
      return anyRequestedIncreased(want, nodeAllocatable(original), now) ? 'Queue' : 'QueueSkip';
    } catch {
      return 'Queue';
    }
  }
}

/** Whether the node's allocatable grew in the pod count or in a resource the pod requests. */
export function anyRequestedIncreased(want: Resources, before: Resources, after: Resources): boolean {
  if (after.pods > before.pods) return true;
  if (want.milliCpu > 0 && after.milliCpu > before.milliCpu) return true;
  if (want.memory > 0 && after.memory > before.memory) return true;
  if (want.ephemeralStorage > 0 && after.ephemeralStorage > before.ephemeralStorage) return true;
  return Object.entries(want.scalar).some(([k, v]) => v > 0 && (after.scalar[k] ?? 0) > (before.scalar[k] ?? 0));
}

/**
 * A deleted pod frees room only if it was bound; a pod scaled down in place helps if it is the
 * rejected pod itself, or a bound pod that now requests less of something the rejected pod needs.
 */
export function isSchedulableAfterPodChange(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const original = oldObj as Pod | undefined;
  const modified = newObj as Pod | undefined;
  if (!modified?.spec) {
    if (!original?.spec) return 'Queue';
    return original.spec.nodeName ? 'Queue' : 'QueueSkip';
  }
  if (modified.metadata.uid === pod.metadata.uid) return 'Queue';
  if (!modified.spec.nodeName || !original?.spec) return 'QueueSkip';
  try {
    const want = podRequests(pod);
    const [before, after] = [podRequests(original), podRequests(modified)];
    const shrank =
      (want.milliCpu > 0 && before.milliCpu > after.milliCpu) ||
      (want.memory > 0 && before.memory > after.memory) ||
      (want.ephemeralStorage > 0 && before.ephemeralStorage > after.ephemeralStorage) ||
      Object.entries(want.scalar).some(([k, v]) => v > 0 && (before.scalar[k] ?? 0) > (after.scalar[k] ?? 0));
    return shrank ? 'Queue' : 'QueueSkip';
  } catch {
    return 'Queue';
  }
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (args) => new NodeResourcesFit(validateFitArgs(NAME, args)),
  defaultArgs: () => defaultFitArgs(),
};
