// One scheduling decision, as upstream's schedulePod: PreFilter, then Filter over the nodes
// starting where the last cycle stopped until enough feasible nodes are found
// (percentageOfNodesToScore), then PreScore/Score, then the best node with ties broken at random.
// Pure over the framework and a snapshot: the scheduler loop, `k8ts explain-schedule` and the
// tests call it alike. When nothing fits, the diagnosis says why per node, and fitErrorMessage
// renders it in the form kubectl users know:
// "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
import type { Pod } from '../../lib/api/types';
import type { CycleState } from './cycle-state';
import type { NodeInfo } from './node-info';
import type { Framework, ScoreResult } from './runtime';
import { Code, isSuccess, unresolvable, type Status } from './status';
import type { NodeScore, SharedLister } from './types';

/** Upstream's constants for percentageOfNodesToScore. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
export const DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE = 50;

export interface Diagnosis {
  /** Why each rejected node was rejected. */
  nodeToStatus: Map<string, Status>;
  /** Plugins that rejected the pod somewhere (the queue requeues it on their events). */
  unschedulablePlugins: Set<string>;
  /** Set when PreFilter rejected the pod for every node. */
  preFilterMsg?: string;
  /** Set by the caller after PostFilter (preemption) failed to help. */
  postFilterMsg?: string;
}

export type ScheduleResult =
  | { kind: 'scheduled'; nodeName: string; evaluatedNodes: number; feasibleNodes: number; scores?: ScoreResult }
  | { kind: 'unschedulable'; numAllNodes: number; diagnosis: Diagnosis }
  | { kind: 'error'; message: string; diagnosis: Diagnosis };

/** Rotates across cycles so every node gets evaluated when only a share of them is searched. */
export interface SearchState {
  nextStartNodeIndex: number;
}

/** How many feasible nodes to look for among numAllNodes, as upstream (adaptive when percentage ≤ 0). */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentageOfNodesToScore;
  if (pct <= 0) {
    pct = DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE - Math.floor(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  if (pct >= 100) return numAllNodes;
  const n = Math.floor((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

const newDiagnosis = (): Diagnosis => ({ nodeToStatus: new Map(), unschedulablePlugins: new Set() });

function record(d: Diagnosis, node: string, s: Status): void {
  d.nodeToStatus.set(node, s);
  if (s.plugin) d.unschedulablePlugins.add(s.plugin);
}

export interface ScheduleOptions {
  random?: () => number;
  /** Filter and score every node (explain-schedule). */
  evaluateAll?: boolean;
  /** Keep per-plugin scores in the result. */
  keepScores?: boolean;
}

export function schedulePod(fwk: Framework, state: CycleState, pod: Pod, snapshot: SharedLister, search: SearchState, opts: ScheduleOptions = {}): ScheduleResult {
  const all = snapshot.list();
  const diagnosis = newDiagnosis();
  if (all.length === 0) return { kind: 'unschedulable', numAllNodes: 0, diagnosis };

  const pre = fwk.runPreFilterPlugins(state, pod, all);
  if (!isSuccess(pre.status)) {
    if (pre.status.code === Code.Error) return { kind: 'error', message: pre.status.reasons.join(', '), diagnosis };
    // Rejected for every node: no node is worth filtering.
    for (const n of all) record(diagnosis, n.name, pre.status);
    diagnosis.preFilterMsg = pre.status.reasons.join(', ');
    return { kind: 'unschedulable', numAllNodes: all.length, diagnosis };
  }

  // A pod that preempted room on a node tries that node first, as upstream.
  const nominated = pod.status?.nominatedNodeName;
  if (nominated && !opts.evaluateAll) {
    const info = snapshot.get(nominated);
    if (info && (!pre.result?.nodeNames || pre.result.nodeNames.has(nominated)) && isSuccess(fwk.runFilterPluginsWithNominatedPods(state, pod, info))) {
      return { kind: 'scheduled', nodeName: nominated, evaluatedNodes: 1, feasibleNodes: 1 };
    }
  }

  let nodes = all;
  if (pre.result?.nodeNames) {
    const names = pre.result.nodeNames;
    nodes = all.filter((n) => names.has(n.name));
    const rejected = unresolvable(`node(s) didn't satisfy plugin(s) [${pre.narrowedBy.join(' ')}]`);
    rejected.plugin = pre.narrowedBy[0];
    for (const n of all) if (!names.has(n.name)) record(diagnosis, n.name, rejected);
  }

  const feasible = findFeasible(fwk, state, pod, nodes, search, diagnosis, opts.evaluateAll ?? false);
  if (feasible.error) return { kind: 'error', message: feasible.error, diagnosis };
  const fit = feasible.nodes;
  const evaluated = fit.length + diagnosis.nodeToStatus.size;
  if (fit.length === 0) return { kind: 'unschedulable', numAllNodes: all.length, diagnosis };
  if (fit.length === 1 && !opts.evaluateAll) return { kind: 'scheduled', nodeName: fit[0].name, evaluatedNodes: evaluated, feasibleNodes: 1 };

  const prioritized = prioritizeNodes(fwk, state, pod, fit);
  if ('error' in prioritized) return { kind: 'error', message: prioritized.error, diagnosis };
  const nodeName = selectHost(prioritized.totals, opts.random ?? Math.random);
  return { kind: 'scheduled', nodeName, evaluatedNodes: evaluated, feasibleNodes: fit.length, scores: opts.keepScores ? prioritized : undefined };
}

/** Filters from search.nextStartNodeIndex round the list until enough nodes fit or all were tried. */
function findFeasible(fwk: Framework, state: CycleState, pod: Pod, nodes: NodeInfo[], search: SearchState, d: Diagnosis, evaluateAll: boolean): { nodes: NodeInfo[]; error?: string } {
  const n = nodes.length;
  if (n === 0) return { nodes: [] };
  const want = evaluateAll ? n : numFeasibleNodesToFind(fwk.percentageOfNodesToScore, n);
  const start = search.nextStartNodeIndex % n;
  const out: NodeInfo[] = [];
  let processed = 0;
  if (!fwk.hasFilterPlugins()) {
    for (let i = 0; i < Math.min(want, n); i++) out.push(nodes[(start + i) % n]);
    search.nextStartNodeIndex = (start + out.length) % n;
    return { nodes: out };
  }
  for (let i = 0; i < n && out.length < want; i++) {
    const info = nodes[(start + i) % n];
    processed++;
    const s = fwk.runFilterPluginsWithNominatedPods(state, pod, info);
    if (s.code === Code.Success) out.push(info);
    else if (s.code === Code.Error) return { nodes: [], error: s.reasons.join(', ') };
    else record(d, info.name, s);
  }
  search.nextStartNodeIndex = (start + processed) % n;
  return { nodes: out };
}

/** Scores of the feasible nodes; without Score plugins every node scores 1, as upstream. */
export function prioritizeNodes(fwk: Framework, state: CycleState, pod: Pod, nodes: NodeInfo[]): ScoreResult | { error: string } {
  if (!fwk.hasScorePlugins()) return { totals: nodes.map((n) => ({ name: n.name, score: 1 })), byPlugin: new Map() };
  const pre = fwk.runPreScorePlugins(state, pod, nodes);
  if (!isSuccess(pre)) return { error: pre.reasons.join(', ') };
  const r = fwk.runScorePlugins(state, pod, nodes);
  if (!r.result) return { error: r.status.reasons.join(', ') };
  return r.result;
}

/** The highest-scoring node; ties broken uniformly at random by reservoir sampling, as upstream. */
export function selectHost(scores: NodeScore[], random: () => number): string {
  let best = scores[0];
  let ties = 1;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i];
    if (s.score > best.score) {
      best = s;
      ties = 1;
    } else if (s.score === best.score) {
      ties++;
      if (random() * ties < 1) best = s;
    }
  }
  return best.name;
}

/** Upstream's FitError text: reasons as "<count> <reason>" sorted as strings, then the preemption part. */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  if (numAllNodes === 0) return 'no nodes available to schedule pods';
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const histogram = new Map<string, number>();
    for (const s of d.nodeToStatus.values()) for (const r of s.reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
    const parts = [...histogram].map(([r, c]) => `${c} ${r}`).sort();
    msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
