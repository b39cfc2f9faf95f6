// spec.podFailurePolicy: the first rule that matches a failed pod decides what its failure means —
// FailJob, FailIndex, Ignore (not counted against backoffLimit) or Count (the default handling).
import type { ContainerStatus, Pod } from '../../lib/api/types';
import type { PodFailurePolicy, PodFailurePolicyRule } from '../../lib/api/batch';

export type { PodFailurePolicy } from '../../lib/api/batch';

export type PolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PolicyMatch {
  /** The matched rule's action; undefined when no rule matched (the default handling). */
  action?: PolicyAction;
  /** Whether the failure counts against backoffLimit. */
  countFailed: boolean;
  /** For FailJob: the reason text of the Job's failure. */
  message?: string;
}

const ACTIONS = new Set(['FailJob', 'FailIndex', 'Ignore', 'Count']);

/** The first terminated container (init containers first) whose non-zero exit code satisfies the rule. */
function matchExitCodes(p: Pod, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): ContainerStatus | undefined {
  const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
  for (const cs of statuses) {
    if (req.containerName && req.containerName !== cs.name) continue;
    const code = cs.state?.terminated?.exitCode;
    if (typeof code !== 'number' || code === 0) continue;
    const listed = (req.values ?? []).includes(code);
    if ((req.operator === 'In' && listed) || (req.operator === 'NotIn' && !listed)) return cs;
  }
  return undefined;
}

function matchConditions(p: Pod, patterns: NonNullable<PodFailurePolicyRule['onPodConditions']>): string | undefined {
  for (const pat of patterns) {
    const want = pat.status ?? 'True';
    const c = (p.status?.conditions ?? []).find((x) => x.type === pat.type && x.status === want);
    if (c) return c.type;
  }
  return undefined;
}

/** Evaluates the policy against a failed pod; rules with an unknown action are skipped, as upstream. */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, p: Pod): PolicyMatch {
  if (!policy) return { countFailed: true };
  const pod = `${p.metadata.namespace}/${p.metadata.name}`;
  for (const [i, rule] of (policy.rules ?? []).entries()) {
    if (!ACTIONS.has(rule.action)) continue;
    const action = rule.action as PolicyAction;
    let what: string | undefined;
    if (rule.onExitCodes) {
      const cs = matchExitCodes(p, rule.onExitCodes);
      if (cs) what = `Container ${cs.name} for pod ${pod} failed with exit code ${cs.state.terminated!.exitCode} matching ${action} rule at index ${i}`;
    } else if (rule.onPodConditions) {
      const type = matchConditions(p, rule.onPodConditions);
      if (type) what = `Pod ${pod} has condition ${type} matching ${action} rule at index ${i}`;
    }
    if (what === undefined) continue;
    if (action === 'Ignore') return { action, countFailed: false };
    if (action === 'FailJob') return { action, countFailed: true, message: what };
    return { action, countFailed: true };
  }
  return { countFailed: true };
}
