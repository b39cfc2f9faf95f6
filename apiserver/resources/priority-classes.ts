// scheduling.k8s.io/v1 PriorityClass: a name for a pod priority. The two system classes are created
// by the apiserver at start-up (bootstrap.ts) and cannot be changed into something else; user
// classes stay at or below one billion. Resolving spec.priorityClassName into spec.priority (the
// Priority admission step), the single globalDefault and preemption are issue 12's.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, Bool, opt, req } from './schemas';
import { forbidden, immutable, notSupported, required, type FieldError } from './validation';

type Pc = KObject & { value?: number; globalDefault?: boolean; description?: string; preemptionPolicy?: string };

export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** The classes every cluster has (SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

/** IsKnownSystemPriorityClass: undefined when the name, value and globalDefault are a system class's. */
function systemClassError(name: string, value: unknown, globalDefault: boolean): string | undefined {
  const sys = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!sys) return `${name} is not a known system priority class`;
  if (value !== sys.value) return `value of ${name} PriorityClass must be ${sys.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function priorityClassErrors(o: KObject): FieldError[] {
  const pc = o as Pc;
  const errs: FieldError[] = [];
  const name = pc.metadata?.name ?? '';
  if (typeof pc.value !== 'number') errs.push(required('value'));
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const why = systemClassError(name, pc.value, !!pc.globalDefault);
    if (why) errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${why}`));
  } else if (typeof pc.value === 'number' && pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy !== undefined && !PREEMPTION_POLICIES.includes(pc.preemptionPolicy)) errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, PREEMPTION_POLICIES));
  return errs;
}

export const priorityclasses = defineResource({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  resource: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  schema: kindSchema(
    {
      value: req(Int, 'The integer value of this priority class: the actual priority that pods receive when they have the name of this class in their pod spec.'),
      globalDefault: opt(Bool, 'Whether this PriorityClass is the default priority for pods that do not have any priority class.'),
      description: opt(Str, 'An arbitrary string that usually provides guidelines on when this priority class should be used.'),
      preemptionPolicy: opt(Str, 'The Policy for preempting pods with lower priority: Never or PreemptLowerPriority (the default).'),
    },
    'PriorityClass defines mapping from a priority class name to the priority integer value.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Value', 'integer', "Value is the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
    col('Global-Default', 'boolean', 'GlobalDefault specifies whether this PriorityClass should be considered as the default priority.'),
    AGE_COLUMN,
    col('PreemptionPolicy', 'string', 'PreemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  printRow: (o) => {
    const pc = o as Pc;
    return [pc.metadata.name, pc.value ?? 0, !!pc.globalDefault, objAge(pc), pc.preemptionPolicy ?? ''];
  },
  defaults: (o) => {
    (o as Pc).preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: priorityClassErrors,
  validateUpdate: (o, old) => {
    const errs: FieldError[] = [];
    if ((o as Pc).value !== (old as Pc).value) errs.push(forbidden('value', 'may not be changed in an update.'));
    if ((o as Pc).preemptionPolicy !== (old as Pc).preemptionPolicy) errs.push(immutable('preemptionPolicy', (o as Pc).preemptionPolicy));
    return errs;
  },
});
