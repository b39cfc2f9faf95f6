// `k8ts explain-schedule`: one scheduling cycle for one pod, run on the pure framework over every
// node, keeping everything the scheduler itself throws away — each Filter plugin's verdict on each
// node (every rejecting plugin, not just the first one the runtime stops at), each Score plugin's
// normalized score and weight, the weighted total, and the node the scheduler would pick. The
// verdict per node and the FailedScheduling text come from the framework runtime itself, so they
// are what the scheduler records; the per-plugin detail is extra. Nothing is written: the Handle has
// no client, preemption is a dry run (which victims, where), and Reserve, Permit and Bind are not run.
import { objectProblems } from '../../lib/api/checks';
import type { Pod } from '../../lib/api/types';
import { defaultConfiguration, DEFAULT_SCHEDULER_NAME } from '../config/defaults';
import type { KubeSchedulerConfiguration } from '../config/types';
import { CycleState } from '../framework/cycle-state';
import type { NodeInfo } from '../framework/node-info';
import { buildFramework } from '../framework/profile';
import { registry as defaultRegistry } from '../framework/registry';
import type { Framework } from '../framework/runtime';
import { fitErrorMessage, numFeasibleNodesToFind, prioritizeNodes, type Diagnosis } from '../framework/schedule-one';
import { Code, isSuccess, unresolvable, type Status } from '../framework/status';
import type { FilterPlugin, Handle, PluginDefinition } from '../framework/types';
import { buildInputs, type ClusterObjects } from './inputs';
import { explainPreemption, type PreemptionExplanation } from './preemption';

export interface Verdict {
  plugin?: string;
  code: Code;
  reasons: string[];
}

export interface PluginScore {
  plugin: string;
  weight: number;
  /** Normalized, 0..100; absent when the plugin's PreScore skipped it for this pod. */
  score?: number;
  weighted: number;
}

export interface NodeExplanation {
  name: string;
  feasible: boolean;
  /** What the scheduler records for the node: the first rejecting plugin (its runtime stops there). */
  status?: Verdict;
  /** Every plugin that rejects the node, PreFilter's narrowing first, then the filters in order. */
  failures: Failure[];
  scores: PluginScore[];
  total?: number;
}

/** A rejection, and whether PreFilter (its node list) or Filter gave it. */
export type Failure = Verdict & { point: 'PreFilter' | 'Filter' };

export interface Explanation {
  pod: { namespace: string; name: string; schedulerName: string; boundTo?: string; nominatedNodeName?: string };
  profile: string;
  /** PreEnqueue's verdict when it keeps the pod out of the queue (scheduling gates). */
  preEnqueue?: Verdict;
  preFilter: Verdict & { skipped: string[]; narrowedBy: string[]; nodeNames?: string[] };
  filterPlugins: string[];
  scorePlugins: { plugin: string; weight: number }[];
  /** Feasible nodes first, by total (highest first), then name; then the rejected ones by name. */
  nodes: NodeExplanation[];
  feasible: number;
  /**
   * How many feasible nodes the scheduler looks for before it stops filtering (percentageOfNodesToScore;
   * all of them below 100 nodes): with more nodes it may choose among fewer than explained here.
   */
  feasibleNodesToFind: number;
  /** Nodes with the highest total (several: the scheduler picks one of them at random). */
  best: string[];
  /** The node the scheduler would pick, when that is certain. */
  selected?: string;
  /** 'nominated': the pod's status.nominatedNodeName fits, and the scheduler tries it first. */
  selectedBecause?: 'highest-score' | 'nominated';
  /** When nothing fits: what DefaultPreemption would do (victims on a node), or why it cannot help. */
  preemption?: PreemptionExplanation;
  /** The FailedScheduling text when no node fits (upstream's format, with the preemption part). */
  message?: string;
  /** A plugin failed (Error status): the scheduler would retry the pod with backoff. */
  error?: string;
  /** Objects left out because they fail their kind's check or cannot be read. */
  skippedObjects: string[];
}

export interface ExplainOptions {
  config?: KubeSchedulerConfiguration;
  registry?: Record<string, PluginDefinition>;
  now?: () => number;
}

export class ExplainError extends Error {
  readonly code = 'EXPLAIN_SCHEDULE';
  constructor(message: string) {
    super(message);
    this.name = 'ExplainError';
  }
}

const verdict = (s: Status, plugin = s.plugin): Verdict => ({ ...(plugin ? { plugin } : {}), code: s.code, reasons: [...s.reasons] });

function runFilter(p: FilterPlugin, state: CycleState, pod: Pod, info: NodeInfo): Status {
  try {
    return p.filter(state, pod, info);
  } catch (e) {
    return { code: Code.Error, reasons: [`running ${p.name}: ${(e as Error)?.message ?? String(e)}`] };
  }
}

/**
 * Each Filter plugin on its own, with the nominated pods of equal or higher priority counted and
 * without them (as the runtime's runFilterPluginsWithNominatedPods), so every rejecting plugin shows.
 */
export function everyFilterVerdict(fwk: Framework, state: CycleState, pod: Pod, info: NodeInfo): Failure[] {
  const prio = pod.spec.priority ?? 0;
  const nominated = fwk.handle.nominator.nominatedPodsForNode(info.name).filter((pi) => (pi.pod.spec.priority ?? 0) >= prio && pi.pod.metadata.uid !== pod.metadata.uid);
  let withNominated: { state: CycleState; info: NodeInfo } | undefined;
  if (nominated.length) {
    withNominated = { state: state.clone(), info: info.clone() };
    for (const pi of nominated) {
      withNominated.info.addPodInfo(pi);
      const s = fwk.runPreFilterExtensionAddPod(withNominated.state, pod, pi, withNominated.info);
      if (!isSuccess(s)) return [{ ...verdict(s), point: 'PreFilter' }];
    }
  }
  const out: Failure[] = [];
  for (const p of fwk.plugins.filter) {
    if (state.skipFilterPlugins.has(p.name)) continue;
    let s = withNominated ? runFilter(p, withNominated.state, pod, withNominated.info) : undefined;
    if (!s || isSuccess(s)) s = runFilter(p, state, pod, info);
    if (!isSuccess(s)) out.push({ ...verdict(s, p.name), point: 'Filter' });
  }
  return out;
}

function pickProfile(pod: Pod, config: KubeSchedulerConfiguration) {
  const want = pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME;
  const profile = config.profiles.find((p) => p.schedulerName === want);
  if (!profile)
    throw new ExplainError(`pod ${pod.metadata.namespace}/${pod.metadata.name} asks for schedulerName "${want}", which no profile provides (profiles: ${config.profiles.map((p) => p.schedulerName).join(', ')}); pass its KubeSchedulerConfiguration with --config`);
  return profile;
}

/** Nothing fits: PostFilter (preemption, dry run) and the FailedScheduling text the scheduler would write. */
function unschedulableEverywhere(fwk: Framework, state: CycleState, pod: Pod, diagnosis: Diagnosis, numAllNodes: number, out: Explanation): void {
  const p = explainPreemption(fwk, state, pod, diagnosis.nodeToStatus);
  if (p) out.preemption = p;
  if (p?.error) out.error = p.error;
  if (p?.message) diagnosis.postFilterMsg = p.message;
  out.message = fitErrorMessage(numAllNodes, diagnosis);
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Runs the pod's profile over `objects` and explains every node's verdict and score. */
export function explainSchedule(target: Pod, objects: ClusterObjects, opts: ExplainOptions = {}): Explanation {
  const problems = objectProblems('pods', target, true);
  if (problems.length) throw new ExplainError(`pod ${target.metadata?.namespace}/${target.metadata?.name} is invalid, the scheduler does not schedule it: ${problems.slice(0, 3).join('; ')}`);
  const config = opts.config ?? defaultConfiguration();
  const profile = pickProfile(target, config);
  const inputs = buildInputs(objects, target);
  // A bound pod is explained as if it were pending again: "where would it go now".
  const pod: Pod = target.spec.nodeName ? { ...target, spec: { ...target.spec, nodeName: undefined } } : target;
  let fwk: Framework | undefined;
  const handle: Handle = {
    snapshot: () => inputs.snapshot,
    listers: inputs.listers,
    nominator: inputs.nominator,
    framework: () => fwk!,
    now: opts.now ?? Date.now,
  };
  fwk = buildFramework(profile, opts.registry ?? defaultRegistry, handle, config.percentageOfNodesToScore ?? 0);
  const all = inputs.snapshot.list();

  const state = new CycleState();
  const out: Explanation = {
    pod: {
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name ?? '',
      schedulerName: profile.schedulerName,
      ...(target.spec.nodeName ? { boundTo: target.spec.nodeName } : {}),
      ...(pod.status?.nominatedNodeName ? { nominatedNodeName: pod.status.nominatedNodeName } : {}),
    },
    profile: profile.schedulerName,
    preFilter: { code: Code.Success, reasons: [], skipped: [], narrowedBy: [] },
    filterPlugins: fwk.plugins.filter.map((p) => p.name),
    scorePlugins: fwk.plugins.score.map((s) => ({ plugin: s.plugin.name, weight: s.weight })),
    nodes: [],
    feasible: 0,
    feasibleNodesToFind: numFeasibleNodesToFind(fwk.percentageOfNodesToScore, all.length),
    best: [],
    skippedObjects: inputs.skipped,
  };
  const gate = fwk.runPreEnqueuePlugins(pod);
  if (!isSuccess(gate)) out.preEnqueue = verdict(gate);
  const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
  if (all.length === 0) {
    out.message = fitErrorMessage(0, diagnosis);
    return out;
  }

  const pre = fwk.runPreFilterPlugins(state, pod, all);
  out.preFilter = { ...verdict(pre.status), skipped: [...state.skipFilterPlugins], narrowedBy: pre.narrowedBy };
  if (pre.result?.nodeNames) out.preFilter.nodeNames = [...pre.result.nodeNames].sort();
  if (!isSuccess(pre.status)) {
    // Rejected before any Filter: the scheduler records this status for every node.
    const v = verdict(pre.status);
    out.nodes = all.map((n) => ({ name: n.name, feasible: false, status: v, failures: [{ ...v, point: 'PreFilter' as const }], scores: [] })).sort(byName);
    if (pre.status.code === Code.Error) out.error = pre.status.reasons.join(', ');
    else {
      diagnosis.preFilterMsg = pre.status.reasons.join(', ');
      for (const n of all) diagnosis.nodeToStatus.set(n.name, pre.status);
      unschedulableEverywhere(fwk, state, pod, diagnosis, all.length, out);
    }
    return out;
  }

  const feasible: NodeInfo[] = [];
  const rows = new Map<string, NodeExplanation>();
  for (const info of all) {
    const row: NodeExplanation = { name: info.name, feasible: false, failures: [], scores: [] };
    rows.set(info.name, row);
    let status: Status;
    if (pre.result?.nodeNames && !pre.result.nodeNames.has(info.name)) {
      status = { ...unresolvable(`node(s) didn't satisfy plugin(s) [${pre.narrowedBy.join(' ')}]`), plugin: pre.narrowedBy[0] };
      row.failures.push({ ...verdict(status), point: 'PreFilter' });
    } else status = fwk.runFilterPluginsWithNominatedPods(state, pod, info);
    row.failures.push(...everyFilterVerdict(fwk, state, pod, info));
    if (isSuccess(status)) {
      row.feasible = true;
      feasible.push(info);
      continue;
    }
    row.status = verdict(status);
    if (status.code === Code.Error) out.error ??= status.reasons.join(', ');
    else diagnosis.nodeToStatus.set(info.name, status);
  }
  out.feasible = feasible.length;
  if (feasible.length === 0 && !out.error) unschedulableEverywhere(fwk, state, pod, diagnosis, all.length, out);

  if (feasible.length > 0 && !out.error) {
    const scored = prioritizeNodes(fwk, state, pod, feasible);
    if ('error' in scored) out.error = scored.error;
    else {
      const totals = new Map(scored.totals.map((t) => [t.name, t.score]));
      const perPlugin = new Map([...scored.byPlugin].map(([plugin, scores]) => [plugin, new Map(scores.map((s) => [s.name, s.score]))]));
      for (const info of feasible) {
        const row = rows.get(info.name)!;
        row.total = totals.get(info.name) ?? 0;
        row.scores = out.scorePlugins.map(({ plugin, weight }) => {
          const score = perPlugin.get(plugin)?.get(info.name);
          return score === undefined ? { plugin, weight, weighted: 0 } : { plugin, weight, score, weighted: score * weight };
        });
      }
      const top = Math.max(...feasible.map((n) => rows.get(n.name)!.total!));
      out.best = feasible.map((n) => n.name).filter((n) => rows.get(n)!.total === top).sort();
      const nominated = pod.status?.nominatedNodeName;
      if (nominated && rows.get(nominated)?.feasible) {
        out.selected = nominated;
        out.selectedBecause = 'nominated';
      } else if (out.best.length === 1) {
        out.selected = out.best[0];
        out.selectedBecause = 'highest-score';
      }
    }
  }

  const ok = [...rows.values()].filter((r) => r.feasible).sort((a, b) => (b.total ?? 0) - (a.total ?? 0) || byName(a, b));
  const rejected = [...rows.values()].filter((r) => !r.feasible).sort(byName);
  out.nodes = [...ok, ...rejected];
  return out;
}
