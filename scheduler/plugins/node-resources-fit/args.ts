// NodeResourcesFitArgs (KubeSchedulerConfiguration v1): defaults and validation. The default
// strategy is LeastAllocated over cpu and memory with weight 1 each; a resource's weight 0 means 1.
import { PluginArgsError } from '../../framework/types';
import type { ResourceSpec } from './resource-allocation';
import type { UtilizationShapePoint } from './scorers';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface ScoringStrategy {
  type: ScoringStrategyType;
  resources: ResourceSpec[];
  requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
}

export interface NodeResourcesFitArgs {
  ignoredResources: string[];
  ignoredResourceGroups: string[];
  scoringStrategy: ScoringStrategy;
}

export const defaultResources = (): ResourceSpec[] => [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export const defaultFitArgs = (): NodeResourcesFitArgs => ({
  ignoredResources: [],
  ignoredResourceGroups: [],
  scoringStrategy: { type: 'LeastAllocated', resources: defaultResources() },
});

const STRATEGIES = new Set<ScoringStrategyType>(['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio']);
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Resource specs with weight 0 defaulted to 1; problems (names, ranges, duplicates) collected. */
export function checkResources(raw: unknown, path: string, problems: string[], weightRule: (w: number) => string | undefined): ResourceSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${path}: must be a list`);
    return [];
  }
  const seen = new Set<string>();
  return raw.map((r, i) => {
    const name = isObj(r) && typeof r.name === 'string' ? r.name : '';
    const weight = isObj(r) && r.weight !== undefined && r.weight !== null ? Number(r.weight) : 0;
    if (!name) problems.push(`${path}[${i}].name: Required value`);
    else if (seen.has(name)) problems.push(`${path}[${i}].name: Duplicate value: "${name}"`);
    seen.add(name);
    const w = weight === 0 ? 1 : weight;
    const bad = Number.isInteger(w) ? weightRule(w) : 'must be an integer';
    if (bad) problems.push(`${path}[${i}].weight: Invalid value: ${JSON.stringify(weight)}: ${bad}`);
    return { name, weight: w };
  });
}

function checkShape(raw: unknown, path: string, problems: string[]): UtilizationShapePoint[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push(`${path}: Required value: at least one point must be specified`);
    return [];
  }
  const shape = raw.map((p) => ({ utilization: Number(isObj(p) ? p.utilization ?? 0 : NaN), score: Number(isObj(p) ? p.score ?? 0 : NaN) }));
  shape.forEach((p, i) => {
    if (!Number.isInteger(p.utilization) || p.utilization < 0 || p.utilization > 100) problems.push(`${path}[${i}].utilization: Invalid value: ${p.utilization}: not in valid range [0, 100]`);
    else if (i > 0 && p.utilization <= shape[i - 1].utilization) problems.push(`${path}[${i}].utilization: Invalid value: ${p.utilization}: utilization values must be sorted in increasing order`);
    if (!Number.isInteger(p.score) || p.score < 0 || p.score > 10) problems.push(`${path}[${i}].score: Invalid value: ${p.score}: not in valid range [0, 10]`);
  });
  return shape;
}

/** Defaults and validates; throws PluginArgsError listing every problem. */
export function validateFitArgs(plugin: string, raw: unknown): NodeResourcesFitArgs {
  const problems: string[] = [];
  const a = isObj(raw) ? raw : {};
  if (raw !== undefined && raw !== null && !isObj(raw)) problems.push('args must be an object');
  const strList = (v: unknown, path: string): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      problems.push(`${path}: must be a list of resource names`);
      return [];
    }
    return v as string[];
  };
  const ignoredResources = strList(a.ignoredResources, 'ignoredResources');
  const ignoredResourceGroups = strList(a.ignoredResourceGroups, 'ignoredResourceGroups');
  ignoredResourceGroups.forEach((g, i) => {
    if (g.includes('/')) problems.push(`ignoredResourceGroups[${i}]: Invalid value: "${g}": resource group name can't contain '/'`);
  });
  const s = isObj(a.scoringStrategy) ? a.scoringStrategy : {};
  const type = (s.type ?? 'LeastAllocated') as ScoringStrategyType;
  if (!STRATEGIES.has(type)) problems.push(`scoringStrategy.type: Unsupported value: "${String(type)}": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"`);
  let resources = checkResources(s.resources, 'scoringStrategy.resources', problems, (w) => (w < 1 || w > 100 ? 'resource weight not in valid range [1, 100]' : undefined));
  if (resources.length === 0) resources = defaultResources();
  const strategy: ScoringStrategy = { type, resources };
  if (type === 'RequestedToCapacityRatio') {
    const rtc = isObj(s.requestedToCapacityRatio) ? s.requestedToCapacityRatio : {};
    strategy.requestedToCapacityRatio = { shape: checkShape(rtc.shape, 'scoringStrategy.requestedToCapacityRatio.shape', problems) };
  }
  if (problems.length) throw new PluginArgsError(plugin, problems.join('; '));
  return { ignoredResources, ignoredResourceGroups, scoringStrategy: strategy };
}
