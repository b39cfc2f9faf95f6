// The scheduling framework's contract, after upstream's (pkg/scheduler/framework/interface.go):
// the extension points a plugin may implement, the per-node view it reads (NodeInfo), and the
// handle it gets at construction (snapshot, listers, client). Filter and Score run for every node
// of every cycle and are synchronous; the binding-cycle points (PreBind, Bind) and PostFilter
// (preemption deletes pods) are asynchronous.
import type { KObject, Node, Pod } from '../../lib/api/types';
import type { Labels } from '../../lib/api/labels';
import type { ApiClient } from '../../lib/client/api-client';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import type { CycleState } from './cycle-state';
import type { NodeInfo } from './node-info';
import type { PodInfo } from './pod-info';
import type { Status } from './status';

export type { NodeInfo } from './node-info';
export type { PodInfo } from './pod-info';

/** Resource amounts in integer units: millicores, bytes, pod count, extended resources by name. */
export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Pods on a node; in an allocatable, Infinity where the node reports no figure. */
  pods: number;
  scalar: Record<string, number>;
}

/** The cluster as one scheduling cycle sees it (upstream's SharedLister / NodeInfoLister). */
export interface SharedLister {
  /** Every node, in the order the scheduler walks them (zones interleaved). */
  list(): NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes with at least one pod that has pod (anti-)affinity terms. */
  havePodsWithAffinityList(): NodeInfo[];
  /** Nodes with at least one pod that has required pod anti-affinity terms. */
  havePodsWithRequiredAntiAffinityList(): NodeInfo[];
  /** How many nodes report having `image` (ImageLocality spreads by it). */
  imageNumNodes(image: string): number;
}

/** Informer-backed lookups the plugins need besides nodes and pods. */
export interface Listers {
  namespaceLabels(namespace: string): Labels;
  claim(namespace: string, name: string): KObject | undefined;
  volume(name: string): KObject | undefined;
  /** Every PersistentVolume (VolumeBinding picks a static volume for a WaitForFirstConsumer claim). */
  volumes(): KObject[];
  storageClass(name: string): KObject | undefined;
  csiNode(name: string): KObject | undefined;
  pdbs(): PodDisruptionBudget[];
  /** Objects whose selector may select a pod, for PodTopologySpread's system default constraints. */
  services(namespace: string): KObject[];
  replicaSets(namespace: string): KObject[];
  statefulSets(namespace: string): KObject[];
  replicationControllers(namespace: string): KObject[];
}

/** Pods nominated to nodes by preemption, still waiting for the victims to leave. */
export interface PodNominator {
  nominatedPodsForNode(nodeName: string): PodInfo[];
}

/** What the framework exposes back to plugins (preemption re-runs the filters). */
export interface FrameworkView {
  runPreFilterExtensionAddPod(state: CycleState, pod: Pod, toAdd: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, pod: Pod, toRemove: PodInfo, nodeInfo: NodeInfo): Status;
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
  /** Filters with higher-or-equal-priority nominated pods counted on the node, as upstream. */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
}

export interface Handle {
  snapshot(): SharedLister;
  listers: Listers;
  /** Absent in pure uses (unit tests, `k8ts explain-schedule`): plugins that write then fail. */
  client?: ApiClient;
  nominator: PodNominator;
  framework(): FrameworkView;
  /** Events about pods (preemption says who preempted whom). */
  event?(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
  now(): number;
}

export interface Plugin {
  readonly name: string;
}

export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod entered the queue (ms), kept across retries for ordering. */
  timestamp: number;
  attempts: number;
  /** Plugins that rejected the pod in its last attempt (decides which events may requeue it). */
  unschedulablePlugins: Set<string>;
  /** Plugins whose PreEnqueue keeps it out of the active queue (SchedulingGates). */
  gatingPlugin?: string;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): Status;
}

export interface PreFilterResult {
  /** Only these nodes can fit (undefined: any node). */
  nodeNames?: Set<string>;
}

export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Pod, toAdd: PodInfo, nodeInfo: NodeInfo): Status;
  removePod(state: CycleState, podToSchedule: Pod, toRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

export interface PreFilterPlugin extends Plugin {
  /** Skip: this plugin's Filter is not needed for this pod. */
  preFilter(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status };
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
}

export interface PostFilterPlugin extends Plugin {
  /** statuses: why each node was filtered out. */
  postFilter(state: CycleState, pod: Pod, statuses: Map<string, Status>): Promise<{ nominatedNodeName?: string; status: Status }>;
}

export interface PreScorePlugin extends Plugin {
  /** Skip: this plugin's Score is not needed for this pod. */
  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status;
}

export interface NodeScore {
  name: string;
  score: number;
}

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface ScorePlugin extends Plugin {
  /**
   * The node's score, 0..MAX_NODE_SCORE after normalization. A plugin that cannot score throws;
   * the framework turns that into an Error status for the cycle, as upstream does.
   */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number;
  /** Rescales this plugin's raw scores of all feasible nodes into 0..MAX_NODE_SCORE, in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): Status;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status;
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Wait (with a timeout) holds the pod before binding until a plugin allows or rejects it. */
  permit(state: CycleState, pod: Pod, nodeName: string): { status: Status; timeoutMs?: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}

export interface BindPlugin extends Plugin {
  /** Skip: not this plugin's pod; the next Bind plugin is asked. */
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void;
}

/** Kinds of cluster change the queue reacts to. */
export type EventResource = 'Pod' | 'Node' | 'PersistentVolumeClaim' | 'PersistentVolume' | 'StorageClass' | 'CSINode' | 'Namespace' | 'PodDisruptionBudget';

/** What changed, as bit flags (upstream's ActionType). */
export const ActionType = {
  Add: 1,
  Delete: 2,
  UpdateNodeAllocatable: 4,
  UpdateNodeLabel: 8,
  UpdateNodeTaint: 16,
  UpdateNodeCondition: 32,
  UpdateNodeAnnotation: 64,
  UpdatePodLabel: 128,
  /** A pod's requests went down (it frees room). */
  UpdatePodScaleDown: 256,
  UpdatePodTolerations: 512,
  UpdatePodSchedulingGatesEliminated: 1024,
  /** Any other update (objects other than nodes and pods). */
  UpdateOther: 2048,
  Update: 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048,
  All: 4095,
} as const;

export interface ClusterEvent {
  resource: EventResource;
  actionType: number;
}

export type QueueingHint = 'Queue' | 'QueueSkip';

export interface ClusterEventWithHint {
  event: ClusterEvent;
  /** Whether this change may make `pod` (rejected by the plugin) schedulable; absent: always Queue. */
  hint?(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint;
}

export interface EnqueueExtensions extends Plugin {
  eventsToRegister(): ClusterEventWithHint[];
}

/** A plugin implements any subset of the extension points. */
export type AnyPlugin = Plugin &
  Partial<
    Omit<QueueSortPlugin, 'name'> &
      Omit<PreEnqueuePlugin, 'name'> &
      Omit<PreFilterPlugin, 'name'> &
      Omit<FilterPlugin, 'name'> &
      Omit<PostFilterPlugin, 'name'> &
      Omit<PreScorePlugin, 'name'> &
      Omit<ScorePlugin, 'name'> &
      Omit<ReservePlugin, 'name'> &
      Omit<PermitPlugin, 'name'> &
      Omit<PreBindPlugin, 'name'> &
      Omit<BindPlugin, 'name'> &
      Omit<PostBindPlugin, 'name'> &
      Omit<EnqueueExtensions, 'name'>
  >;

/** Builds a plugin from its (defaulted, validated) arguments; throws PluginArgsError on bad args. */
export type PluginFactory = (args: unknown, handle: Handle) => AnyPlugin;

export class PluginArgsError extends Error {
  readonly code = 'SCHEDULER_PLUGIN_ARGS';
  constructor(plugin: string, message: string) {
    super(`${plugin}: ${message}`);
    this.name = 'PluginArgsError';
  }
}

/** What a plugin folder exports: its name, factory and (optional) default arguments. */
export interface PluginDefinition {
  name: string;
  factory: PluginFactory;
  defaultArgs?: () => unknown;
}

/** Node object helpers for plugins. */
export type { Node, Pod };
