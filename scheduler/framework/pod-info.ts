// PodInfo: a pod with what the scheduler reads from it again and again parsed once — its resource
// requests and its inter-pod (anti-)affinity terms — as upstream's framework.PodInfo. NodeInfos
// hold PodInfos, so the InterPodAffinity and PodTopologySpread plugins match thousands of existing
// pods without re-parsing their specs on every scheduling cycle.
import type { LabelSelector, Pod } from '../../lib/api/types';
import { labelSelectorRequirements, matchesRequirements, type Labels, type Requirement } from '../../lib/api/labels';
import { podRequests } from './resources';
import type { Resources } from './types';

export interface PodAffinityTermSpec {
  labelSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | null;
  namespaces?: string[];
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | null;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTermSpec {
  weight: number;
  podAffinityTerm: PodAffinityTermSpec;
}

/** One compiled (anti-)affinity term. */
export interface AffinityTerm {
  /** Namespaces named by the term (the pod's own when it names none and has no namespaceSelector). */
  namespaces: Set<string>;
  /** null: the label selector is missing or unreadable, which matches no pod. */
  selector: Requirement[] | null;
  /** null: no namespace selector; [] (empty selector): every namespace. */
  namespaceSelector: Requirement[] | null;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface PodInfo {
  pod: Pod;
  /** Requests as the filter counts them (unreadable quantities count as zero; see `unreadable`). */
  requests: Resources;
  /** Requests with the scoring defaults for containers that ask for no cpu or memory. */
  nonZeroRequests: { milliCpu: number; memory: number };
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
  /** Why the pod's requests could not be read, when they could not. */
  unreadable?: string;
}

interface AffinitySpec {
  podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermSpec[]; preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTermSpec[] };
  podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermSpec[]; preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTermSpec[] };
}

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export function affinityOf(pod: Pod): AffinitySpec | undefined {
  const a = (pod.spec as { affinity?: AffinitySpec }).affinity;
  return a && typeof a === 'object' ? a : undefined;
}

function compileSelector(sel: PodAffinityTermSpec['labelSelector']): Requirement[] | null {
  try {
    return labelSelectorRequirements((sel ?? null) as LabelSelector | null);
  } catch {
    return null;
  }
}

/**
 * Compiles a term for a pod: matchLabelKeys add "key in (the pod's value)" and mismatchLabelKeys
 * "key notin (the pod's value)" to the selector, as upstream (MatchLabelKeysInPodAffinity) does.
 */
export function compileTerm(term: PodAffinityTermSpec, pod: Pod): AffinityTerm {
  let selector = compileSelector(term.labelSelector);
  const labels = pod.metadata.labels ?? {};
  if (selector) {
    const extra: Requirement[] = [];
    for (const k of list<string>(term.matchLabelKeys)) if (k in labels) extra.push({ key: k, op: 'in', values: [labels[k]] });
    for (const k of list<string>(term.mismatchLabelKeys)) if (k in labels) extra.push({ key: k, op: 'notin', values: [labels[k]] });
    if (extra.length) selector = [...selector, ...extra];
  }
  const namespaceSelector = term.namespaceSelector == null ? null : compileSelector(term.namespaceSelector);
  const named = list<string>(term.namespaces);
  const namespaces = new Set(named.length === 0 && term.namespaceSelector == null ? [pod.metadata.namespace ?? 'default'] : named);
  return { namespaces, selector, namespaceSelector, topologyKey: term?.topologyKey ?? '' };
}

/** Whether `term` selects `pod` (whose namespace has `nsLabels`). */
export function termMatches(term: AffinityTerm, pod: Pod, nsLabels: Labels): boolean {
  if (!term.selector) return false;
  const ns = pod.metadata.namespace ?? 'default';
  const inNamespace = term.namespaces.has(ns) || (term.namespaceSelector !== null && matchesRequirements(term.namespaceSelector, nsLabels));
  return inNamespace && matchesRequirements(term.selector, pod.metadata.labels);
}

const compileAll = (terms: unknown, pod: Pod): AffinityTerm[] => list<PodAffinityTermSpec>(terms).filter((t) => t && typeof t === 'object').map((t) => compileTerm(t, pod));
const compileWeighted = (terms: unknown, pod: Pod): WeightedAffinityTerm[] =>
  list<WeightedPodAffinityTermSpec>(terms)
    .filter((t) => t && typeof t === 'object' && t.podAffinityTerm && typeof t.weight === 'number')
    .map((t) => ({ ...compileTerm(t.podAffinityTerm, pod), weight: t.weight }));

export function newPodInfo(pod: Pod): PodInfo {
  let requests: Resources;
  let nonZero: Resources;
  let unreadable: string | undefined;
  try {
    requests = podRequests(pod);
    nonZero = podRequests(pod, true);
  } catch (e) {
    // A pod whose requests do not parse still takes a pod slot on its node, with no cpu or memory.
    unreadable = (e as Error).message;
    requests = { milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 1, scalar: {} };
    nonZero = requests;
  }
  const a = affinityOf(pod);
  return {
    pod,
    requests,
    nonZeroRequests: { milliCpu: nonZero.milliCpu, memory: nonZero.memory },
    requiredAffinityTerms: compileAll(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, pod),
    requiredAntiAffinityTerms: compileAll(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, pod),
    preferredAffinityTerms: compileWeighted(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, pod),
    preferredAntiAffinityTerms: compileWeighted(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, pod),
    unreadable,
  };
}

export const hasAffinity = (p: PodInfo): boolean =>
  p.requiredAffinityTerms.length + p.requiredAntiAffinityTerms.length + p.preferredAffinityTerms.length + p.preferredAntiAffinityTerms.length > 0;
export const hasRequiredAntiAffinity = (p: PodInfo): boolean => p.requiredAntiAffinityTerms.length > 0;
