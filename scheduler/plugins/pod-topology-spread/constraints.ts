// PodTopologySpread's view of a pod's spread constraints: each one compiled once per cycle (its
// selector with matchLabelKeys merged in, its defaults applied) and the pure helpers both the
// filter and the score share — which nodes count toward a constraint's domains and how many
// matching pods a node holds.
import type { Node, Pod } from '../../../lib/api/types';
import { labelSelectorRequirements, matchesRequirements, type Labels, type Requirement } from '../../../lib/api/labels';
import { podFitsNodeAffinity } from '../../../lib/api/node-affinity';
import { isTolerated, taintsOf } from '../../../lib/api/taints';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';

export type WhenUnsatisfiable = 'DoNotSchedule' | 'ScheduleAnyway';
export type NodeInclusionPolicy = 'Honor' | 'Ignore';

/** The API shape (pod.spec.topologySpreadConstraints, PodTopologySpreadArgs.defaultConstraints). */
export interface TopologySpreadConstraintSpec {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: WhenUnsatisfiable;
  labelSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | null;
  minDomains?: number | null;
  nodeAffinityPolicy?: NodeInclusionPolicy | null;
  nodeTaintsPolicy?: NodeInclusionPolicy | null;
  matchLabelKeys?: string[] | null;
}

/** One compiled constraint. `selector` null matches no pod (a constraint without a labelSelector). */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Requirement[] | null;
  minDomains: number;
  nodeAffinityPolicy: NodeInclusionPolicy;
  nodeTaintsPolicy: NodeInclusionPolicy;
}

export const HOSTNAME = 'kubernetes.io/hostname';

/** Own-property lookup: node and pod labels are plain JSON objects ("constructor" is not a label). */
export function labelValue(labels: Labels, key: string): string | undefined {
  return labels && Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
}

export const selectorMatches = (sel: Requirement[] | null, labels: Labels): boolean => sel !== null && matchesRequirements(sel, labels);

/** The pod's spec.topologySpreadConstraints (whatever is not an object is dropped). */
export function podConstraintSpecs(pod: Pod): TopologySpreadConstraintSpec[] {
  const c = (pod.spec as { topologySpreadConstraints?: unknown }).topologySpreadConstraints;
  return Array.isArray(c) ? (c.filter((x) => x && typeof x === 'object') as TopologySpreadConstraintSpec[]) : [];
}

/**
 * Compiles the constraints whose whenUnsatisfiable is `action`. matchLabelKeys add "key = the
 * pod's value" for every key the pod carries (keys it lacks are ignored); as upstream, a
 * constraint with no labelSelector but matchLabelKeys selects by those labels alone. Throws
 * SelectorParseError on an unreadable selector (the cycle fails with an Error status, as upstream).
 */
export function compileConstraints(specs: TopologySpreadConstraintSpec[], podLabels: Labels, action: WhenUnsatisfiable): Constraint[] {
  const out: Constraint[] = [];
  for (const c of specs) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = labelSelectorRequirements((c.labelSelector ?? null) as Parameters<typeof labelSelectorRequirements>[0]);
    const extra: Requirement[] = [];
    for (const k of Array.isArray(c.matchLabelKeys) ? c.matchLabelKeys : []) {
      const v = labelValue(podLabels, k);
      if (v !== undefined) extra.push({ key: k, op: '=', values: [v] });
    }
    if (extra.length) selector = [...extra, ...(selector ?? [])];
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: typeof c.minDomains === 'number' ? c.minDomains : 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
    });
  }
  return out;
}

/** Whether the node carries every constraint's topology key (else it belongs to no domain). */
export function nodeHasAllKeys(labels: Labels, constraints: Constraint[]): boolean {
  for (const c of constraints) if (labelValue(labels, c.topologyKey) === undefined) return false;
  return true;
}

function hasUntoleratedNoScheduleTaint(pod: Pod, node: Node): boolean {
  for (const t of taintsOf(node)) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!isTolerated(pod, t)) return true;
  }
  return false;
}

/**
 * Whether the node's domain counts for this constraint: with nodeAffinityPolicy Honor only nodes
 * the pod's nodeSelector / required node affinity admit, with nodeTaintsPolicy Honor only nodes
 * without NoSchedule/NoExecute taints the pod does not tolerate. `fitsAffinity` is the (once per
 * node) node-affinity verdict, computed lazily by the caller.
 */
export function includesNode(c: Constraint, pod: Pod, node: Node, fitsAffinity: () => boolean): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !fitsAffinity()) return false;
  if (c.nodeTaintsPolicy === 'Honor' && hasUntoleratedNoScheduleTaint(pod, node)) return false;
  return true;
}

/** A lazy, memoised podFitsNodeAffinity for one node (most constraints never need it). */
export function affinityCheck(pod: Pod, node: Node): () => boolean {
  let v: boolean | undefined;
  return () => (v ??= podFitsNodeAffinity(pod, node));
}

/**
 * Pods on a node that count toward a constraint: same namespace as the incoming pod, selected,
 * not terminating (a pod being deleted is about to free its domain) and not finished.
 */
export function countMatching(pods: readonly PodInfo[], selector: Requirement[] | null, ns: string): number {
  if (selector === null) return 0;
  let n = 0;
  for (const pi of pods) {
    const p = pi.pod;
    if (p.metadata.deletionTimestamp || (p.metadata.namespace ?? 'default') !== ns) continue;
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    if (matchesRequirements(selector, p.metadata.labels)) n++;
  }
  return n;
}

/**
 * The two domains with the fewest matching pods of one constraint (upstream's criticalPaths).
 * paths[0] is always the global minimum after PreFilter; AddPod/RemovePod keep it right for the
 * one-node-at-a-time changes preemption makes on its own copy of the state.
 */
export class CriticalPaths {
  v0 = '';
  n0 = Number.MAX_SAFE_INTEGER;
  v1 = '';
  n1 = Number.MAX_SAFE_INTEGER;

  update(value: string, num: number): void {
    if (value === this.v0 && this.n0 !== Number.MAX_SAFE_INTEGER) this.n0 = num;
    else if (value === this.v1 && this.n1 !== Number.MAX_SAFE_INTEGER) this.n1 = num;
    else if (num < this.n0) {
      this.v1 = this.v0;
      this.n1 = this.n0;
      this.v0 = value;
      this.n0 = num;
      return;
    } else {
      if (num < this.n1) {
        this.v1 = value;
        this.n1 = num;
      }
      return;
    }
    if (this.n0 > this.n1) this.swap();
  }

  private swap(): void {
    [this.v0, this.n0, this.v1, this.n1] = [this.v1, this.n1, this.v0, this.n0];
  }

  clone(): CriticalPaths {
    const c = new CriticalPaths();
    c.v0 = this.v0;
    c.n0 = this.n0;
    c.v1 = this.v1;
    c.n1 = this.n1;
    return c;
  }
}

/**
 * For each constraint, the index of the first constraint with the same selector: a pod's zone and
 * hostname constraints usually share one, and counting a node's pods once serves both.
 */
export function selectorGroups(constraints: readonly Constraint[]): number[] {
  const keys = constraints.map((c) => JSON.stringify(c.selector));
  return keys.map((k) => keys.indexOf(k));
}

/** The cache key of a selector in a namespace (selectors are rebuilt every cycle; keys repeat). */
export const selectorKey = (selector: Requirement[] | null, ns: string): string => `${ns}\x00${JSON.stringify(selector)}`;

const MAX_KEYS_PER_NODE = 64;
const nodeCounts = new WeakMap<NodeInfo, { generation: number; counts: Map<string, number> }>();

/**
 * countMatching over one node's pods, remembered across cycles for as long as the NodeInfo does
 * not change: a snapshot NodeInfo is a new object (and a new generation) whenever its pods
 * change, so a cycle recounts only the nodes that changed since the last one. Without this a
 * cycle counted every pod of the cluster for every constraint — 30,000 label matches per pod at
 * 1,000 nodes × 30 pods, most of the scheduler's time.
 */
export function countOnNode(info: NodeInfo, selector: Requirement[] | null, ns: string, key: string): number {
  let e = nodeCounts.get(info);
  if (!e || e.generation !== info.generation || e.counts.size >= MAX_KEYS_PER_NODE) {
    e = { generation: info.generation, counts: new Map() };
    nodeCounts.set(info, e);
  }
  let n = e.counts.get(key);
  if (n === undefined) {
    n = countMatching(info.pods, selector, ns);
    e.counts.set(key, n);
  }
  return n;
}

/** Per-node memo of countMatching by selector group (reset per node with `next`). */
export class NodeCounter {
  private readonly memo: number[];
  private readonly groups: number[];
  private readonly keys: string[];
  constructor(private readonly constraints: readonly Constraint[], private readonly ns: string) {
    this.groups = selectorGroups(constraints);
    this.memo = new Array<number>(constraints.length).fill(-1);
    this.keys = constraints.map((c) => selectorKey(c.selector, ns));
  }
  next(): void {
    this.memo.fill(-1);
  }
  count(i: number, info: NodeInfo): number {
    const g = this.groups[i];
    if (this.memo[g] < 0) this.memo[g] = countOnNode(info, this.constraints[g].selector, this.ns, this.keys[g]);
    return this.memo[g];
  }
}
