// Priority admission, as upstream's plugin (plugin/pkg/admission/priority): a new pod's
// spec.priorityClassName is resolved into spec.priority and spec.preemptionPolicy; a pod without a
// class gets the globalDefault class (and its name), or priority 0 and PreemptLowerPriority when
// there is none. A pod that states its own priority or preemption policy must agree with its
// class. On update the stored values are kept when the new body leaves them out (kubectl replace
// of a manifest without them), so that validation's immutability rule does not refuse it.
// The system classes may be used in any namespace, as upstream since 1.17 (a ResourceQuota with a
// PriorityClass scope is the tool to restrict them). Pure: the caller looks the classes up.
import type { KObject, Pod } from '../../lib/api/types';

export interface PriorityClassLike extends KObject {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

export const PREEMPT_LOWER_PRIORITY = 'PreemptLowerPriority';
/** The priority of a pod when no class applies (scheduling.DefaultPriorityWhenNoDefaultClassExists). */
export const DEFAULT_PRIORITY = 0;

type PodSpecPriority = { priorityClassName?: string; priority?: number; preemptionPolicy?: string };
const specOf = (pod: Pod) => pod.spec as unknown as PodSpecPriority;

/**
 * The globalDefault class; when a race left several, the one with the lowest value (as upstream,
 * so that the accident never raises anyone's priority).
 */
export function defaultPriorityClass(classes: PriorityClassLike[]): PriorityClassLike | undefined {
  let best: PriorityClassLike | undefined;
  for (const c of classes) {
    if (c.globalDefault !== true) continue;
    if (!best || (c.value ?? 0) < (best.value ?? 0)) best = c;
  }
  return best;
}

/** What the pod needs looked up: its class by name, or the default class. */
export const priorityClassNameOf = (pod: Pod): string => specOf(pod).priorityClassName ?? '';

/**
 * Fills spec.priority, spec.preemptionPolicy (and spec.priorityClassName from a default class) of
 * a pod being created. `named`: the class the pod names (null when it names one that does not
 * exist); `defaultClass`: the globalDefault class, for a pod that names none. Returns the reason
 * for a 403 (upstream's words, without the `pods "x" is forbidden: ` prefix), or undefined.
 */
export function admitPodPriority(pod: Pod, named: PriorityClassLike | null | undefined, defaultClass: PriorityClassLike | undefined): string | undefined {
  const spec = specOf(pod);
  let priority: number;
  let policy: string | undefined;
  if (!spec.priorityClassName) {
    if (defaultClass) {
      spec.priorityClassName = defaultClass.metadata.name;
      priority = defaultClass.value ?? DEFAULT_PRIORITY;
      policy = defaultClass.preemptionPolicy;
    } else {
      priority = DEFAULT_PRIORITY;
      policy = PREEMPT_LOWER_PRIORITY;
    }
  } else {
    if (!named) return `no PriorityClass with name ${spec.priorityClassName} was found`;
    priority = named.value ?? DEFAULT_PRIORITY;
    policy = named.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority)
    return `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`;
  spec.priority = priority;
  if (policy !== undefined) {
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== policy)
      return `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`;
    spec.preemptionPolicy = policy;
  }
  return undefined;
}

/** On a pod update: keep the priority and preemption policy admission gave the stored pod. */
export function keepPodPriority(pod: Pod, stored: Pod): void {
  const spec = specOf(pod);
  const old = specOf(stored);
  if (spec.priority == null && old.priority != null) spec.priority = old.priority;
  if (spec.preemptionPolicy == null && old.preemptionPolicy != null) spec.preemptionPolicy = old.preemptionPolicy;
}

/**
 * The PriorityClass half (upstream's validate): a class may become the global default only while
 * no other class is one (on an update, the default that admission picks must be this class).
 * Returns the reason for a 403, or undefined.
 */
export function globalDefaultConflict(pc: PriorityClassLike, classes: PriorityClassLike[], op: 'create' | 'update'): string | undefined {
  if (pc.globalDefault !== true) return undefined;
  const current = defaultPriorityClass(classes);
  if (!current || (op === 'update' && current.metadata.name === pc.metadata.name)) return undefined;
  return `PriorityClass ${current.metadata.name} is already marked as default. Only one default can exist`;
}
