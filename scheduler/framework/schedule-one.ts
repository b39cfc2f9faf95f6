// One scheduling decision as a pure function: run every filter on every node, score the feasible
// ones, pick the best (ties broken by the caller's random source), or explain why none fits in the
// form kubectl users know: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were not ready."
import type { Pod } from '../../lib/api/types';
import type { Profile } from './registry';
import { error, type FilterPlugin, type NodeInfo, type ScorePlugin, type Status } from './types';

export type ScheduleResult =
  | { ok: true; nodeName: string; feasible: number; scores: Record<string, number> }
  | { ok: false; message: string; reasons: Record<string, number>; error: boolean };

/**
 * A filter that throws (on something in the pod or node it cannot read) is an Error status for
 * that node, so one unreadable value fails one placement, never the scheduler.
 */
function runFilter(f: FilterPlugin, pod: Pod, info: NodeInfo): Status {
  try {
    return f.filter(pod, info);
  } catch (e) {
    return error(`${f.name}: ${(e as Error).message}`);
  }
}

/** A score that throws counts as 0 for that node. */
function runScore(p: ScorePlugin, pod: Pod, info: NodeInfo): number {
  try {
    const s = p.score(pod, info);
    return Number.isFinite(s) ? s : 0;
  } catch {
    return 0;
  }
}

export function findNode(pod: Pod, nodes: NodeInfo[], profile: Profile, random: () => number = Math.random): ScheduleResult {
  const reasons: Record<string, number> = {};
  const feasible: NodeInfo[] = [];
  let error = false;
  for (const info of nodes) {
    let fits = true;
    for (const f of profile.filters) {
      const st = runFilter(f, pod, info);
      if (st.code === 'Success') continue;
      if (st.code === 'Error') error = true;
      for (const r of st.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
      fits = false;
      break; // the first failing filter explains this node, as Kubernetes reports it
    }
    if (fits) feasible.push(info);
  }
  if (feasible.length === 0) return { ok: false, message: failureMessage(nodes.length, reasons), reasons, error };

  const scores: Record<string, number> = {};
  let best: NodeInfo[] = [];
  let bestScore = -Infinity;
  for (const info of feasible) {
    let s = 0;
    for (const { plugin, weight } of profile.scores) s += Math.max(0, Math.min(100, runScore(plugin, pod, info))) * weight;
    scores[info.node.metadata.name!] = s;
    if (s > bestScore) {
      bestScore = s;
      best = [info];
    } else if (s === bestScore) best.push(info);
  }
  const pick = best[Math.min(best.length - 1, Math.floor(random() * best.length))];
  return { ok: true, nodeName: pick.node.metadata.name!, feasible: feasible.length, scores };
}

export function failureMessage(total: number, reasons: Record<string, number>): string {
  if (total === 0) return '0/0 nodes are available: no nodes available to schedule pods.';
  const parts = Object.entries(reasons)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([r, n]) => `${n} ${r}`);
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}
