// PodTopologySpreadArgs (KubeSchedulerConfiguration v1): the cluster-level default constraints
// applied to pods that declare none, and whether they are the built-in ("System") ones or the
// configured list ("List"). Validated as upstream's ValidatePodTopologySpreadArgs.
import { PluginArgsError } from '../../framework/types';
import { HOSTNAME, type TopologySpreadConstraintSpec } from './constraints';

export const NAME = 'PodTopologySpread';
export const ZONE = 'topology.kubernetes.io/zone';

export interface PodTopologySpreadArgs {
  defaultConstraints?: TopologySpreadConstraintSpec[];
  defaultingType?: 'System' | 'List';
}

/** Spread over hosts (skew 3) and zones (skew 5), as a preference only: upstream's system defaults. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraintSpec[] = Object.freeze([
  { topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

export const defaultArgs = (): PodTopologySpreadArgs => ({ defaultingType: 'System', defaultConstraints: [] });

/** Returns the constraints to default pods with, and whether they are the system ones. */
export function validateArgs(raw: unknown): { defaults: TopologySpreadConstraintSpec[]; systemDefaulted: boolean } {
  const fail = (m: string): never => {
    throw new PluginArgsError(NAME, m);
  };
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) fail('args must be an object');
  const args = (raw ?? {}) as PodTopologySpreadArgs;
  const type = args.defaultingType ?? 'System';
  if (type !== 'System' && type !== 'List') fail(`defaultingType: Unsupported value: "${String(type)}": supported values: "System", "List"`);
  const list = args.defaultConstraints ?? [];
  if (!Array.isArray(list)) fail('defaultConstraints: must be a list');
  if (type === 'System') {
    if (list.length > 0) fail('defaultConstraints: Invalid value: must be empty when defaultingType is "System"');
    return { defaults: [...SYSTEM_DEFAULT_CONSTRAINTS], systemDefaulted: true };
  }
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const at = `defaultConstraints[${i}]`;
    if (!c || typeof c !== 'object') return fail(`${at}: must be an object`);
    if (!Number.isInteger(c.maxSkew) || c.maxSkew <= 0) fail(`${at}.maxSkew: Invalid value: ${String(c.maxSkew)}: must be greater than zero`);
    if (typeof c.topologyKey !== 'string' || c.topologyKey === '') fail(`${at}.topologyKey: Required value: can not be empty`);
    if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway')
      fail(`${at}.whenUnsatisfiable: Unsupported value: "${String(c.whenUnsatisfiable)}": supported values: "DoNotSchedule", "ScheduleAnyway"`);
    if (c.labelSelector != null) fail(`${at}.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`);
    if (c.minDomains != null && (!Number.isInteger(c.minDomains) || c.minDomains <= 0)) fail(`${at}.minDomains: Invalid value: ${String(c.minDomains)}: must be greater than zero`);
    const key = `${c.topologyKey}\0${c.whenUnsatisfiable}`;
    if (seen.has(key)) fail(`${at}: Duplicate value: {"${c.topologyKey}", "${c.whenUnsatisfiable}"}`);
    seen.add(key);
  });
  return { defaults: list, systemDefaulted: false };
}
