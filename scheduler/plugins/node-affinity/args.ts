// NodeAffinityArgs (KubeSchedulerConfiguration v1): addedAffinity is node affinity the scheduler
// enforces on every pod of its profile, on top of the pod's own (required) and added to its
// preferences (preferred). Validated as the apiserver validates a pod's node affinity.
import type { NodeSelector, NodeSelectorRequirement, NodeSelectorTerm } from '../../../lib/api/node-affinity';
import { NODE_NAME_FIELD } from '../../../lib/api/node-affinity';
import { PluginArgsError } from '../../framework/types';

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface NodeAffinitySpec {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
}

export interface NodeAffinityArgs {
  addedAffinity?: NodeAffinitySpec;
}

const LABEL_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']);

function requirementProblem(r: NodeSelectorRequirement, field: boolean): string | undefined {
  if (!r || typeof r !== 'object') return 'must be an object';
  if (typeof r.key !== 'string' || r.key === '') return 'key: Required value';
  const values = r.values ?? [];
  if (!Array.isArray(values)) return 'values: must be a list';
  if (field) {
    if (r.key !== NODE_NAME_FIELD) return `key: Invalid value: "${r.key}": not a valid field selector key`;
    if (r.operator !== 'In' && r.operator !== 'NotIn') return `operator: Invalid value: "${r.operator}": not a valid selector operator`;
    if (values.length !== 1) return 'values: Required value: must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector';
    return undefined;
  }
  if (!LABEL_OPERATORS.has(r.operator)) return `operator: Invalid value: "${r.operator}": not a valid selector operator`;
  if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0) return "values: Required value: must be specified when `operator` is 'In' or 'NotIn'";
  if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values.length > 0) return "values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'";
  if ((r.operator === 'Gt' || r.operator === 'Lt') && (values.length !== 1 || !/^[+-]?\d+$/.test(String(values[0])))) return "values: Required value: must be specified single integer value when `operator` is 'Lt' or 'Gt'";
  return undefined;
}

function termProblems(term: NodeSelectorTerm, path: string): string[] {
  const out: string[] = [];
  if (!term || typeof term !== 'object') return [`${path}: must be an object`];
  (term.matchExpressions ?? []).forEach((r, i) => {
    const p = requirementProblem(r, false);
    if (p) out.push(`${path}.matchExpressions[${i}].${p}`);
  });
  (term.matchFields ?? []).forEach((r, i) => {
    const p = requirementProblem(r, true);
    if (p) out.push(`${path}.matchFields[${i}].${p}`);
  });
  return out;
}

/** Defaults nothing (an absent addedAffinity adds nothing); throws PluginArgsError when invalid. */
export function validateNodeAffinityArgs(plugin: string, raw: unknown): NodeAffinityArgs {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object') throw new PluginArgsError(plugin, 'args must be an object');
  const args = raw as NodeAffinityArgs;
  const added = args.addedAffinity;
  if (added === undefined || added === null) return {};
  const problems: string[] = [];
  const required = added.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) {
    const terms = required.nodeSelectorTerms;
    if (!Array.isArray(terms) || terms.length === 0) problems.push('addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term');
    else terms.forEach((t, i) => problems.push(...termProblems(t, `addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`)));
  }
  const preferred = added.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  if (!Array.isArray(preferred)) problems.push('addedAffinity.preferredDuringSchedulingIgnoredDuringExecution: must be a list');
  else
    preferred.forEach((t, i) => {
      const path = `addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (!Number.isInteger(t?.weight) || t.weight < 1 || t.weight > 100) problems.push(`${path}.weight: Invalid value: ${JSON.stringify(t?.weight)}: must be in the range 1-100`);
      problems.push(...termProblems(t?.preference, `${path}.preference`));
    });
  if (problems.length) throw new PluginArgsError(plugin, problems.join('; '));
  return { addedAffinity: added };
}
