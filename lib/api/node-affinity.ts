// Required node affinity as Kubernetes matches it (component-helpers' nodeaffinity
// GetRequiredNodeAffinity(pod).Match(node)): the pod's nodeSelector labels, and then, when
// requiredDuringSchedulingIgnoredDuringExecution is set, at least one of its terms. A term matches
// when all of its label expressions and field expressions do; a term with neither matches no node.
// Shared by the scheduler's filter and the DaemonSet controller (which node should run a pod).
import type { Node, Pod } from './types';

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface NodeSelector {
  nodeSelectorTerms?: NodeSelectorTerm[];
}

/** The only field a node selector term may name (metav1.ObjectNameField). */
export const NODE_NAME_FIELD = 'metadata.name';

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const isInt = (s: string) => /^[+-]?\d+$/.test(s);

/** One label requirement against a node's labels; a malformed one matches nothing. */
export function labelRequirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  if (!r || typeof r.key !== 'string') return false;
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const values = list<string>(r.values);
  switch (r.operator) {
    case 'In':
      return values.length > 0 && has && values.includes(labels[r.key]);
    case 'NotIn':
      return values.length > 0 && (!has || !values.includes(labels[r.key]));
    case 'Exists':
      return values.length === 0 && has;
    case 'DoesNotExist':
      return values.length === 0 && !has;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !isInt(values[0]) || !has || !isInt(labels[r.key])) return false;
      const [label, bound] = [Number(labels[r.key]), Number(values[0])];
      return r.operator === 'Gt' ? label > bound : label < bound;
    }
    default:
      return false;
  }
}

/** One field requirement: metadata.name In/NotIn exactly one value. */
export function fieldRequirementMatches(r: NodeSelectorRequirement, nodeName: string): boolean {
  const values = list<string>(r?.values);
  if (!r || r.key !== NODE_NAME_FIELD || values.length !== 1) return false;
  if (r.operator === 'In') return values[0] === nodeName;
  if (r.operator === 'NotIn') return values[0] !== nodeName;
  return false;
}

export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = list<NodeSelectorRequirement>(term?.matchExpressions);
  const fields = list<NodeSelectorRequirement>(term?.matchFields);
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => labelRequirementMatches(r, labels)) && fields.every((r) => fieldRequirementMatches(r, node.metadata.name ?? ''));
}

/** A NodeSelector (ORed terms) against a node. */
export const nodeSelectorMatches = (sel: NodeSelector, node: Node): boolean => list<NodeSelectorTerm>(sel?.nodeSelectorTerms).some((t) => termMatches(t, node));

/** The pod's required node affinity, if it has one. */
export function requiredNodeAffinity(pod: Pod): NodeSelector | undefined {
  const spec = pod.spec as { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector } } };
  return spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? undefined;
}

/** spec.nodeSelector, then the required node affinity: whether the pod may run on the node at all. */
export function podFitsNodeAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  const sel = pod.spec?.nodeSelector;
  if (sel && typeof sel === 'object' && !Object.entries(sel).every(([k, v]) => labels[k] === v)) return false;
  const required = requiredNodeAffinity(pod);
  return required ? nodeSelectorMatches(required, node) : true;
}
