// InterPodAffinity's required rules. PreFilter counts, once per cycle, per topology pair:
//  - existingAnti: terms of existing pods' required anti-affinity that select the incoming pod
//    (only nodes holding such pods are visited);
//  - affinity: existing pods matching all of the incoming pod's required affinity terms;
//  - anti: existing pods matching each of the incoming pod's required anti-affinity terms.
// Filter then answers per node with a few map lookups.
import type { Labels } from '../../../lib/api/labels';
import type { Node, Pod } from '../../../lib/api/types';
import type { StateData } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { termMatches, type PodInfo } from '../../framework/pod-info';
import { SUCCESS, unresolvable, unschedulable, type Status } from '../../framework/status';
import { incomingTermMatches, labelValue, matchesAllTerms, TopologyCounts, type NamespaceLabelsOf } from './counts';

export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";

export class PreFilterState implements StateData {
  constructor(
    readonly podInfo: PodInfo,
    /** The incoming pod's namespace labels (existing pods' namespaceSelectors are matched against them). */
    readonly nsLabels: Labels,
    readonly nsOf: NamespaceLabelsOf,
    readonly existingAnti: TopologyCounts,
    readonly affinity: TopologyCounts,
    readonly anti: TopologyCounts,
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(this.podInfo, this.nsLabels, this.nsOf, this.existingAnti.clone(), this.affinity.clone(), this.anti.clone());
  }

  /** Nothing to check: no required term of the pod and no existing anti-affinity against it. */
  get empty(): boolean {
    return this.existingAnti.size === 0 && this.podInfo.requiredAffinityTerms.length === 0 && this.podInfo.requiredAntiAffinityTerms.length === 0;
  }
}

function addExistingAnti(counts: TopologyCounts, existing: PodInfo, incoming: Pod, nsLabels: Labels, node: Node, delta: number): void {
  for (const t of existing.requiredAntiAffinityTerms) if (termMatches(t, incoming, nsLabels)) counts.addForNode(node, t.topologyKey, delta);
}

function addIncoming(s: { podInfo: PodInfo; nsOf: NamespaceLabelsOf; affinity: TopologyCounts; anti: TopologyCounts }, existing: Pod, node: Node, delta: number): void {
  const { requiredAffinityTerms: aff, requiredAntiAffinityTerms: anti } = s.podInfo;
  // An existing pod counts toward affinity only when it satisfies all the terms at once.
  if (matchesAllTerms(aff, existing, s.nsOf)) for (const t of aff) s.affinity.addForNode(node, t.topologyKey, delta);
  for (const t of anti) if (incomingTermMatches(t, existing, s.nsOf)) s.anti.addForNode(node, t.topologyKey, delta);
}

export function computePreFilterState(
  podInfo: PodInfo,
  nsLabels: Labels,
  nsOf: NamespaceLabelsOf,
  allNodes: readonly NodeInfo[],
  nodesWithRequiredAnti: readonly NodeInfo[],
): PreFilterState {
  const s = new PreFilterState(podInfo, nsLabels, nsOf, new TopologyCounts(), new TopologyCounts(), new TopologyCounts());
  for (const info of nodesWithRequiredAnti) {
    for (const existing of info.podsWithRequiredAntiAffinity) addExistingAnti(s.existingAnti, existing, podInfo.pod, nsLabels, info.node, 1);
  }
  if (podInfo.requiredAffinityTerms.length + podInfo.requiredAntiAffinityTerms.length > 0) {
    for (const info of allNodes) for (const existing of info.pods) addIncoming(s, existing.pod, info.node, 1);
  }
  return s;
}

/** AddPod / RemovePod (preemption's what-ifs): all three counts follow the pod. */
export function updateWithPod(s: PreFilterState, pi: PodInfo, node: Node, delta: 1 | -1): void {
  addExistingAnti(s.existingAnti, pi, s.podInfo.pod, s.nsLabels, node, delta);
  addIncoming(s, pi.pod, node, delta);
}

/**
 * Every required affinity term needs its key on the node and a matching pod in the node's
 * domain — except for the first pod of a group that selects itself: when no pod anywhere
 * matches and the pod matches all its own terms, any node with the keys will do.
 */
export function satisfiesPodAffinity(s: PreFilterState, labels: Labels): boolean {
  let podsExist = true;
  for (const t of s.podInfo.requiredAffinityTerms) {
    const v = labelValue(labels, t.topologyKey);
    if (v === undefined) return false;
    if (s.affinity.get(t.topologyKey, v) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return s.affinity.size === 0 && matchesAllTerms(s.podInfo.requiredAffinityTerms, s.podInfo.pod, s.nsOf);
}

export function satisfiesPodAntiAffinity(s: PreFilterState, labels: Labels): boolean {
  if (s.anti.size === 0) return true;
  for (const t of s.podInfo.requiredAntiAffinityTerms) {
    const v = labelValue(labels, t.topologyKey);
    if (v !== undefined && s.anti.get(t.topologyKey, v) > 0) return false;
  }
  return true;
}

export function satisfiesExistingPodsAntiAffinity(s: PreFilterState, labels: Labels): boolean {
  if (s.existingAnti.size === 0) return true;
  // Walk the (few) keys that have counts rather than every label of the node.
  for (const [key, values] of s.existingAnti.byKey) {
    const v = labelValue(labels, key);
    if (v !== undefined && (values.get(v) ?? 0) > 0) return false;
  }
  return true;
}

export function filterNode(s: PreFilterState, node: Node): Status {
  const labels = node.metadata.labels;
  // No pod could ever be added to make a missing affinity match here: preemption cannot help.
  if (!satisfiesPodAffinity(s, labels)) return unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
  if (!satisfiesPodAntiAffinity(s, labels)) return unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
  if (!satisfiesExistingPodsAntiAffinity(s, labels)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
  return SUCCESS;
}
