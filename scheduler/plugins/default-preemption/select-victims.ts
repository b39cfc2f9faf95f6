// Which pods must go from one node for the preemptor to fit there, as upstream's
// SelectVictimsOnNode: on a copy of the node (and of the cycle state) every lower-priority pod is
// removed; if the preemptor still does not fit, the node is no candidate. Otherwise the removed
// pods are put back one by one — those whose PodDisruptionBudget would be violated first, then the
// others, each group most important first — and every pod whose return makes the preemptor no
// longer fit stays a victim. Pure: the framework's filters decide what fits.
import type { Pod } from '../../../lib/api/types';
import type { PodDisruptionBudget } from '../../../lib/api/pdb';
import { labelSelectorRequirements, matchesRequirements } from '../../../lib/api/labels';
import type { CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { error, isSuccess, SUCCESS, unresolvable, type Status } from '../../framework/status';
import type { FrameworkView } from '../../framework/types';

export const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** corev1helpers.PodPriority: spec.priority, 0 when unset. */
export const podPriority = (p: Pod): number => (p.spec as { priority?: number }).priority ?? 0;

/** GetPodStartTime in ms: status.startTime, or now for pods not started yet (assumed, just bound). */
export function podStartMs(p: Pod, nowMs: number): number {
  const t = p.status?.startTime ? Date.parse(p.status.startTime) : NaN;
  return Number.isNaN(t) ? nowMs : t;
}

/** MoreImportantPod: higher priority, then the one that started earlier. */
export function moreImportantPod(a: Pod, b: Pod, nowMs: number): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return podStartMs(a, nowMs) < podStartMs(b, nowMs);
}

/** Sort comparator for "most important first". */
export const byImportance = (nowMs: number) => (a: Pod, b: Pod): number => (moreImportantPod(a, b, nowMs) ? -1 : moreImportantPod(b, a, nowMs) ? 1 : 0);

/**
 * Whether a budget covers the pod for preemption's count. Unlike eviction, a budget with a missing
 * or empty selector covers nothing here (upstream's preemption reads it so), and a pod already in
 * status.disruptedPods was counted by the apiserver and is not counted again.
 */
function coversForPreemption(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  const sel = pdb.spec?.selector;
  if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return false;
  let reqs;
  try {
    reqs = labelSelectorRequirements(sel);
  } catch {
    return false; // an unreadable selector matches nothing
  }
  if (!reqs || !matchesRequirements(reqs, pod.metadata.labels)) return false;
  return !(pod.metadata.name! in (pdb.status?.disruptedPods ?? {}));
}

/**
 * filterPodsWithPDBViolation: walking the pods in order, each one a budget covers uses up one of
 * its disruptionsAllowed; a pod that takes a budget below zero would violate it.
 */
export function splitByPDBViolation(pods: PodInfo[], pdbs: PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((b) => b.status?.disruptionsAllowed ?? 0);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of pods) {
    let violated = false;
    if (Object.keys(pi.pod.metadata.labels ?? {}).length > 0) {
      pdbs.forEach((b, i) => {
        if (!coversForPreemption(b, pi.pod)) return;
        allowed[i]--;
        if (allowed[i] < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}

export interface VictimSelection {
  /** Most important first. */
  victims: Pod[];
  numPDBViolations: number;
  status: Status;
}

/**
 * Victims on `nodeInfo` (a copy the caller gives up: pods are removed from it) for `pod`, with
 * `state` a clone of the cycle's state (PreFilter extensions update it as pods come and go).
 */
export function selectVictimsOnNode(fw: FrameworkView, state: CycleState, pod: Pod, nodeInfo: NodeInfo, pdbs: PodDisruptionBudget[], nowMs: number): VictimSelection {
  const fail = (status: Status): VictimSelection => ({ victims: [], numPDBViolations: 0, status });
  const remove = (pi: PodInfo): Status => {
    if (!nodeInfo.removePod(pi.pod)) return error(`pod ${pi.pod.metadata.namespace}/${pi.pod.metadata.name} is not on node ${nodeInfo.name}`);
    return fw.runPreFilterExtensionRemovePod(state, pod, pi, nodeInfo);
  };
  const add = (pi: PodInfo): Status => {
    nodeInfo.addPodInfo(pi);
    return fw.runPreFilterExtensionAddPod(state, pod, pi, nodeInfo);
  };

  const priority = podPriority(pod);
  const potential: PodInfo[] = [];
  for (const pi of [...nodeInfo.pods]) {
    if (podPriority(pi.pod) >= priority) continue;
    potential.push(pi);
    const s = remove(pi);
    if (!isSuccess(s)) return fail(s);
  }
  if (potential.length === 0) return fail(unresolvable(NO_VICTIMS));
  // Not fitting with every lower-priority pod gone: no candidate. (A pod with affinity to a victim
  // is not considered, as upstream: affinity to lower-priority pods is not worth the cost.)
  const fits = fw.runFilterPluginsWithNominatedPods(state, pod, nodeInfo);
  if (!isSuccess(fits)) return fail(fits);

  const order = byImportance(nowMs);
  potential.sort((a, b) => order(a.pod, b.pod));
  const { violating, nonViolating } = splitByPDBViolation(potential, pdbs);
  const victims: Pod[] = [];
  let numPDBViolations = 0;
  /** Puts the pod back; true when the preemptor still fits (the pod is spared). */
  const reprieve = (pi: PodInfo): boolean | Status => {
    const s = add(pi);
    if (!isSuccess(s)) return s;
    if (isSuccess(fw.runFilterPluginsWithNominatedPods(state, pod, nodeInfo))) return true;
    const r = remove(pi);
    if (!isSuccess(r)) return r;
    victims.push(pi.pod);
    return false;
  };
  for (const pi of violating) {
    const r = reprieve(pi);
    if (typeof r === 'object') return fail(r);
    if (!r) numPDBViolations++;
  }
  for (const pi of nonViolating) {
    const r = reprieve(pi);
    if (typeof r === 'object') return fail(r);
  }
  // Two walks appended in two orders: restore most-important-first.
  if (violating.length > 0 && nonViolating.length > 0) victims.sort(order);
  return { victims, numPDBViolations, status: SUCCESS };
}
