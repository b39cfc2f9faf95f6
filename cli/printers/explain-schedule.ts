// The text of `k8ts explain-schedule`: a header (pod, profile, PreEnqueue and PreFilter verdicts),
// one row per node — its result, each Score plugin's normalized score (the header carries the
// weight), the weighted total, and every plugin that rejects it with its reasons — and a closing
// line: the node the scheduler would pick, a tie, or the FailedScheduling text when nothing fits
// (and then what preemption would evict, where).
// The failures come last because they are the one long column.
import type { Explanation, NodeExplanation, Verdict } from '../../scheduler/explain/explain';

const SEP = '   ';

/** Columns padded to their widest cell, kubectl style (no trailing spaces). */
export function alignColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join(SEP).trimEnd() + '\n').join('');
}

const reasons = (v: Verdict): string => (v.reasons.length ? v.reasons.join(', ') : v.code);
const byPlugin = (v: Verdict): string => (v.plugin ? `${v.plugin}: ${reasons(v)}` : reasons(v));
const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));

function result(e: Explanation, n: NodeExplanation): string {
  if (!n.feasible) return n.status?.code === 'Error' ? 'error' : 'fails';
  if (e.selected === n.name) return 'picked';
  if (!e.selected && e.best.length > 1 && e.best.includes(n.name)) return 'tied';
  return 'fits';
}

function header(e: Explanation): string {
  const lines = [`Pod ${e.pod.namespace}/${e.pod.name}, profile ${e.profile}`];
  if (e.pod.boundTo) lines.push(`Bound to ${e.pod.boundTo}: explained as if it were pending again (it does not count against its node).`);
  if (e.pod.nominatedNodeName) lines.push(`Nominated node: ${e.pod.nominatedNodeName}.`);
  if (e.preEnqueue) lines.push(`Not queued: ${byPlugin(e.preEnqueue)} (the scheduler does not try the pod until this clears).`);
  const pre = e.preFilter;
  let p = pre.code === 'Success' ? 'PreFilter: Success' : `PreFilter: ${pre.code}, ${byPlugin(pre)}`;
  if (pre.nodeNames) p += `; narrowed to ${pre.nodeNames.length} node(s) by ${pre.narrowedBy.join(', ')}`;
  if (pre.skipped.length && pre.code === 'Success') p += `; Filter skipped for ${pre.skipped.join(', ')}`;
  lines.push(p);
  return lines.join('\n') + '\n';
}

function table(e: Explanation): string {
  // Nothing was scored when nothing fits (or a plugin failed): the score columns would be all dashes.
  const plugins = e.feasible > 0 && !e.error ? e.scorePlugins : [];
  const rows: string[][] = [['NODE', 'RESULT', ...plugins.map((s) => `${s.plugin}×${s.weight}`), ...(plugins.length ? ['TOTAL'] : []), 'FAILED PLUGINS: REASONS']];
  for (const n of e.nodes) {
    const scores = plugins.map((sp) => {
      if (!n.feasible) return '-';
      const s = n.scores.find((x) => x.plugin === sp.plugin);
      return s?.score === undefined ? 'skip' : num(s.score);
    });
    const total = plugins.length ? [n.total === undefined ? '-' : num(n.total)] : [];
    rows.push([n.name, result(e, n), ...scores, ...total, n.failures.map((f) => (f.point === 'PreFilter' ? `${byPlugin(f)} (PreFilter)` : byPlugin(f))).join('; ')]);
  }
  return alignColumns(rows);
}

/** What DefaultPreemption would do (it is not done: explain-schedule writes nothing). */
function preemptionPlan(e: Explanation): string {
  const p = e.preemption!;
  const victims = (p.victims ?? []).map((v) => `${v.namespace}/${v.name} (priority ${v.priority})`).join(', ');
  const pdb = p.pdbViolations ? `, violating ${p.pdbViolations} PodDisruptionBudget(s)` : '';
  return `Preemption would evict ${victims} from ${p.node}${pdb} and nominate ${p.node} for the pod.`;
}

function conclusion(e: Explanation): string[] {
  if (e.error) return [`error: ${e.error} (the scheduler would retry the pod with backoff)`];
  if (e.message) return e.preemption?.node ? [e.message, preemptionPlan(e)] : [e.message];
  const lines: string[] = [];
  const top = e.nodes.find((n) => n.name === e.best[0]);
  const of = `${e.feasible} feasible node${e.feasible === 1 ? '' : 's'}`;
  if (e.selectedBecause === 'nominated') lines.push(`Would pick ${e.selected}: the pod's nominated node fits, and the scheduler tries it first.`);
  else if (e.selected) lines.push(`Would pick ${e.selected}: the highest total, ${num(top?.total ?? 0)}, of ${of}.`);
  else if (e.best.length > 1) lines.push(`Tie at ${num(top?.total ?? 0)} between ${e.best.join(', ')} (of ${of}): the scheduler picks one of them at random.`);
  // Only when more nodes fit than the scheduler looks for does its search stop early.
  if (e.feasible > e.feasibleNodesToFind)
    lines.push(`Every node was evaluated; the scheduler stops filtering once ${e.feasibleNodesToFind} of the ${e.nodes.length} nodes fit (percentageOfNodesToScore), so it may choose among fewer.`);
  return lines;
}

export function printExplanation(e: Explanation): string {
  let out = header(e) + '\n';
  if (e.nodes.length) out += table(e) + '\n';
  out += conclusion(e).join('\n') + '\n';
  if (e.skippedObjects.length) out += `Left out (as the scheduler skips them): ${e.skippedObjects.join('; ')}\n`;
  return out;
}
