// The framework runtime for one profile: the plugins of each extension point in order, run as
// upstream runs them. Filter stops at the first plugin that rejects a node (that plugin's reasons
// explain the node); Score sums each plugin's normalized score times its weight; Reserve undoes in
// reverse order; Bind asks each Bind plugin until one does not Skip. A plugin that throws yields
// an Error status naming it — one unreadable object fails one placement, never the scheduler.
import type { Pod } from '../../lib/api/types';
import { CycleState } from './cycle-state';
import type { NodeInfo } from './node-info';
import type { PodInfo } from './pod-info';
import { Code, error, isSuccess, SUCCESS, unresolvable, withPlugin, type Status } from './status';
import { WaitingPods } from './waiting-pods';
import {
  MAX_NODE_SCORE,
  type AnyPlugin,
  type BindPlugin,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type FrameworkView,
  type Handle,
  type NodeScore,
  type PermitPlugin,
  type PostBindPlugin,
  type PostFilterPlugin,
  type PreBindPlugin,
  type PreEnqueuePlugin,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type QueuedPodInfo,
  type QueueSortPlugin,
  type ReservePlugin,
  type ScorePlugin,
} from './types';

export interface WeightedScore {
  plugin: ScorePlugin;
  weight: number;
}

/** The plugins of a profile, per extension point, in the order they run. */
export interface PluginSet {
  queueSort: QueueSortPlugin;
  preEnqueue: PreEnqueuePlugin[];
  preFilter: PreFilterPlugin[];
  filter: FilterPlugin[];
  postFilter: PostFilterPlugin[];
  preScore: PreScorePlugin[];
  score: WeightedScore[];
  reserve: ReservePlugin[];
  permit: PermitPlugin[];
  preBind: PreBindPlugin[];
  bind: BindPlugin[];
  postBind: PostBindPlugin[];
  enqueueExtensions: EnqueueExtensions[];
}

/** Every node's total and each plugin's (normalized, unweighted) score, for explain-schedule. */
export interface ScoreResult {
  totals: NodeScore[];
  byPlugin: Map<string, NodeScore[]>;
}

const thrown = (plugin: string, e: unknown): Status => withPlugin(error(`running ${plugin}: ${(e as Error)?.message ?? String(e)}`, e), plugin);

export class Framework implements FrameworkView {
  readonly waitingPods = new WaitingPods();
  private readonly activeFilterCache = new WeakMap<CycleState, FilterPlugin[]>();

  constructor(
    readonly profileName: string,
    readonly plugins: PluginSet,
    readonly handle: Handle,
    /** 0: adaptive, as upstream's percentageOfNodesToScore. */
    readonly percentageOfNodesToScore = 0,
  ) {}

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    return this.plugins.queueSort.less(a, b);
  }

  runPreEnqueuePlugins(pod: Pod): Status {
    for (const p of this.plugins.preEnqueue) {
      let s: Status;
      try {
        s = p.preEnqueue(pod);
      } catch (e) {
        return thrown(p.name, e);
      }
      if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  /** Runs PreFilter; nodeNames from several plugins intersect. Skip marks the plugin's Filter skipped. */
  runPreFilterPlugins(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status; narrowedBy: string[] } {
    let result: PreFilterResult | undefined;
    const narrowedBy: string[] = [];
    this.activeFilterCache.delete(state);
    for (const p of this.plugins.preFilter) {
      let r: { result?: PreFilterResult; status: Status };
      try {
        r = p.preFilter(state, pod, nodes);
      } catch (e) {
        return { status: thrown(p.name, e), narrowedBy };
      }
      if (r.status.code === Code.Skip) {
        state.skipFilterPlugins.add(p.name);
        continue;
      }
      if (!isSuccess(r.status)) return { status: withPlugin(r.status, p.name), narrowedBy };
      if (r.result?.nodeNames) {
        narrowedBy.push(p.name);
        const names: Set<string> = r.result.nodeNames;
        result = { nodeNames: result?.nodeNames ? new Set([...result.nodeNames].filter((n) => names.has(n))) : names };
        if (result.nodeNames!.size === 0) {
          return { result, status: unresolvable(`node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}] simultaneously`), narrowedBy };
        }
      }
    }
    return { result, status: SUCCESS, narrowedBy };
  }

  private runExtension(state: CycleState, pod: Pod, pi: PodInfo, nodeInfo: NodeInfo, op: 'addPod' | 'removePod'): Status {
    for (const p of this.plugins.preFilter) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const ext = p.preFilterExtensions?.();
      if (!ext) continue;
      try {
        const s = ext[op](state, pod, pi, nodeInfo);
        if (!isSuccess(s)) return withPlugin(s, p.name);
      } catch (e) {
        return thrown(p.name, e);
      }
    }
    return SUCCESS;
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: Pod, toAdd: PodInfo, nodeInfo: NodeInfo): Status {
    return this.runExtension(state, pod, toAdd, nodeInfo, 'addPod');
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: Pod, toRemove: PodInfo, nodeInfo: NodeInfo): Status {
    return this.runExtension(state, pod, toRemove, nodeInfo, 'removePod');
  }

  /** The Filter plugins not skipped by PreFilter in this cycle (worked out once per CycleState). */
  private activeFilters(state: CycleState): FilterPlugin[] {
    let list = this.activeFilterCache.get(state);
    if (!list) {
      list = state.skipFilterPlugins.size ? this.plugins.filter.filter((p) => !state.skipFilterPlugins.has(p.name)) : this.plugins.filter;
      this.activeFilterCache.set(state, list);
    }
    return list;
  }

  /** The first rejecting plugin's status (tagged with its name), or SUCCESS. */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const list = this.activeFilters(state);
    let i = 0;
    try {
      for (; i < list.length; i++) {
        const s = list[i].filter(state, pod, nodeInfo);
        if (s.code !== Code.Success) return withPlugin(s, list[i].name);
      }
    } catch (e) {
      return thrown(list[i].name, e);
    }
    return SUCCESS;
  }

  /**
   * As upstream: when pods of equal or higher priority are nominated to this node (they preempted
   * room there and wait for their victims to leave), the pod must fit both with them counted and
   * without them (they may not land after all, and some filters — anti-affinity — are not monotonic).
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const nominated = this.handle.nominator.nominatedPodsForNode(nodeInfo.name);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, nodeInfo);
    const prio = pod.spec.priority ?? 0;
    const added = nominated.filter((pi) => (pi.pod.spec.priority ?? 0) >= prio && pi.pod.metadata.uid !== pod.metadata.uid);
    if (added.length > 0) {
      const s2 = state.clone();
      const n2 = nodeInfo.clone();
      for (const pi of added) {
        n2.addPodInfo(pi);
        const s = this.runPreFilterExtensionAddPod(s2, pod, pi, n2);
        if (!isSuccess(s)) return s;
      }
      const s = this.runFilterPlugins(s2, pod, n2);
      if (!isSuccess(s)) return s;
    }
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  async runPostFilterPlugins(state: CycleState, pod: Pod, statuses: Map<string, Status>): Promise<{ nominatedNodeName?: string; status: Status }> {
    let last: Status = unresolvable();
    for (const p of this.plugins.postFilter) {
      try {
        const r = await p.postFilter(state, pod, statuses);
        if (isSuccess(r.status)) return r;
        if (r.status.code === Code.Error) return { status: withPlugin(r.status, p.name) };
        last = withPlugin(r.status, p.name);
        if (r.nominatedNodeName) return { nominatedNodeName: r.nominatedNodeName, status: last };
      } catch (e) {
        return { status: thrown(p.name, e) };
      }
    }
    return { status: last };
  }

  runPreScorePlugins(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status {
    for (const p of this.plugins.preScore) {
      let s: Status;
      try {
        s = p.preScore(state, pod, nodes);
      } catch (e) {
        return thrown(p.name, e);
      }
      if (s.code === Code.Skip) state.skipScorePlugins.add(p.name);
      else if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  /** Scores every node with every Score plugin, normalizes, weights and sums. Throws nothing: errors come back as status. */
  runScorePlugins(state: CycleState, pod: Pod, nodes: NodeInfo[]): { result?: ScoreResult; status: Status } {
    const byPlugin = new Map<string, NodeScore[]>();
    const totals: NodeScore[] = nodes.map((n) => ({ name: n.name, score: 0 }));
    for (const { plugin, weight } of this.plugins.score) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const scores: NodeScore[] = new Array(nodes.length);
      try {
        for (let i = 0; i < nodes.length; i++) scores[i] = { name: nodes[i].name, score: plugin.score(state, pod, nodes[i]) };
        if (plugin.normalizeScore) {
          const s = plugin.normalizeScore(state, pod, scores);
          if (!isSuccess(s)) return { status: withPlugin(s, plugin.name) };
        }
      } catch (e) {
        return { status: thrown(plugin.name, e) };
      }
      for (let i = 0; i < scores.length; i++) {
        const v = scores[i].score;
        if (!Number.isFinite(v) || v < 0 || v > MAX_NODE_SCORE) {
          return { status: withPlugin(error(`plugin ${plugin.name} returns an invalid score ${v}, it should in the range of [0, ${MAX_NODE_SCORE}] after normalizing`), plugin.name) };
        }
        totals[i].score += v * weight;
      }
      byPlugin.set(plugin.name, scores);
    }
    return { result: { totals, byPlugin }, status: SUCCESS };
  }

  runReservePluginsReserve(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const p of this.plugins.reserve) {
      try {
        const s = p.reserve(state, pod, nodeName);
        if (!isSuccess(s)) return withPlugin(s, p.name);
      } catch (e) {
        return thrown(p.name, e);
      }
    }
    return SUCCESS;
  }

  runReservePluginsUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
    for (let i = this.plugins.reserve.length - 1; i >= 0; i--) {
      try {
        this.plugins.reserve[i].unreserve(state, pod, nodeName);
      } catch {
        // Unreserve is best effort, as upstream: nothing can be done about a failure here.
      }
    }
  }

  /** Success, a rejection, or Wait (the pod is parked in waitingPods until allowed, rejected or timed out). */
  runPermitPlugins(state: CycleState, pod: Pod, nodeName: string): Status {
    const waits = new Map<string, number>();
    for (const p of this.plugins.permit) {
      let r: { status: Status; timeoutMs?: number };
      try {
        r = p.permit(state, pod, nodeName);
      } catch (e) {
        return thrown(p.name, e);
      }
      if (r.status.code === Code.Wait) waits.set(p.name, Math.min(r.timeoutMs ?? 15 * 60_000, 15 * 60_000));
      else if (!isSuccess(r.status)) return withPlugin(r.status, p.name);
    }
    if (waits.size === 0) return SUCCESS;
    this.waitingPods.add(pod, nodeName, waits);
    return { code: Code.Wait, reasons: [] };
  }

  waitOnPermit(pod: Pod): Promise<Status> {
    return this.waitingPods.wait(pod.metadata.uid ?? '');
  }

  async runPreBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const p of this.plugins.preBind) {
      try {
        const s = await p.preBind(state, pod, nodeName);
        if (!isSuccess(s)) return withPlugin(s, p.name);
      } catch (e) {
        return thrown(p.name, e);
      }
    }
    return SUCCESS;
  }

  async runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const p of this.plugins.bind) {
      try {
        const s = await p.bind(state, pod, nodeName);
        if (s.code === Code.Skip) continue;
        return withPlugin(s, p.name);
      } catch (e) {
        return thrown(p.name, e);
      }
    }
    return error('no bind plugin bound the pod');
  }

  runPostBindPlugins(state: CycleState, pod: Pod, nodeName: string): void {
    for (const p of this.plugins.postBind) {
      try {
        p.postBind(state, pod, nodeName);
      } catch {
        // PostBind is informational.
      }
    }
  }

  /** plugin name → the cluster events that may make a pod it rejected schedulable. */
  eventsToRegister(): Map<string, ClusterEventWithHint[]> {
    const out = new Map<string, ClusterEventWithHint[]>();
    for (const p of this.plugins.enqueueExtensions) out.set(p.name, p.eventsToRegister());
    return out;
  }

  hasFilterPlugins(): boolean {
    return this.plugins.filter.length > 0;
  }

  hasScorePlugins(): boolean {
    return this.plugins.score.length > 0;
  }

  hasPostFilterPlugins(): boolean {
    return this.plugins.postFilter.length > 0;
  }

  /** Every plugin instance once (for listing). */
  allPlugins(): AnyPlugin[] {
    const seen = new Set<AnyPlugin>();
    const p = this.plugins;
    for (const list of [[p.queueSort], p.preEnqueue, p.preFilter, p.filter, p.postFilter, p.preScore, p.score.map((s) => s.plugin), p.reserve, p.permit, p.preBind, p.bind, p.postBind] as AnyPlugin[][])
      for (const x of list) seen.add(x);
    return [...seen];
  }
}

export { CycleState };
