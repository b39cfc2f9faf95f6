// Reads a KubeSchedulerConfiguration file (YAML or JSON) and checks it: known apiVersion/kind,
// unique scheduler names, numbers in range. Plugin names and arguments are checked when the
// profiles are built (they need the registry). Errors name the file and field.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { defaultConfiguration, DEFAULT_SCHEDULER_NAME } from './defaults';
import { EXTENSION_POINTS, SchedulerConfigError, type KubeSchedulerConfiguration, type ProfileConfig } from './types';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function checkPercentage(v: unknown, field: string): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) throw new SchedulerConfigError('must be an integer between 0 and 100', field);
}

function checkProfile(p: unknown, i: number): ProfileConfig {
  const f = `profiles[${i}]`;
  if (!isObj(p)) throw new SchedulerConfigError('must be an object', f);
  const name = p.schedulerName ?? (i === 0 ? DEFAULT_SCHEDULER_NAME : undefined);
  if (typeof name !== 'string' || name === '') throw new SchedulerConfigError('Required value', `${f}.schedulerName`);
  checkPercentage(p.percentageOfNodesToScore, `${f}.percentageOfNodesToScore`);
  if (p.plugins !== undefined) {
    if (!isObj(p.plugins)) throw new SchedulerConfigError('must be an object', `${f}.plugins`);
    for (const [point, set] of Object.entries(p.plugins)) {
      if (point !== 'multiPoint' && !(EXTENSION_POINTS as readonly string[]).includes(point)) throw new SchedulerConfigError(`unknown extension point "${point}"`, `${f}.plugins`);
      if (set === null) continue;
      if (!isObj(set)) throw new SchedulerConfigError('must be an object', `${f}.plugins.${point}`);
      for (const k of ['enabled', 'disabled'] as const) {
        const list = set[k];
        if (list === undefined || list === null) continue;
        if (!Array.isArray(list)) throw new SchedulerConfigError('must be a list', `${f}.plugins.${point}.${k}`);
        list.forEach((r, j) => {
          if (!isObj(r) || typeof r.name !== 'string' || !r.name) throw new SchedulerConfigError('Required value', `${f}.plugins.${point}.${k}[${j}].name`);
          if (r.weight !== undefined && (typeof r.weight !== 'number' || !Number.isInteger(r.weight) || r.weight < 0 || r.weight > 100))
            throw new SchedulerConfigError('must be an integer between 0 and 100', `${f}.plugins.${point}.${k}[${j}].weight`);
        });
      }
    }
  }
  if (p.pluginConfig !== undefined) {
    if (!Array.isArray(p.pluginConfig)) throw new SchedulerConfigError('must be a list', `${f}.pluginConfig`);
    const seen = new Set<string>();
    p.pluginConfig.forEach((c, j) => {
      if (!isObj(c) || typeof c.name !== 'string') throw new SchedulerConfigError('Required value', `${f}.pluginConfig[${j}].name`);
      if (seen.has(c.name)) throw new SchedulerConfigError(`Duplicate value: "${c.name}"`, `${f}.pluginConfig[${j}]`);
      seen.add(c.name);
      if (c.args !== undefined && c.args !== null && !isObj(c.args)) throw new SchedulerConfigError('must be an object', `${f}.pluginConfig[${j}].args`);
    });
  }
  return { ...(p as unknown as ProfileConfig), schedulerName: name };
}

/** Validates a parsed document and fills upstream's defaults. */
export function parseConfiguration(doc: unknown): KubeSchedulerConfiguration {
  if (!isObj(doc)) throw new SchedulerConfigError('the configuration must be an object');
  if (doc.apiVersion !== 'kubescheduler.config.k8s.io/v1') throw new SchedulerConfigError(`unsupported apiVersion "${String(doc.apiVersion)}" (want kubescheduler.config.k8s.io/v1)`, 'apiVersion');
  if (doc.kind !== 'KubeSchedulerConfiguration') throw new SchedulerConfigError(`unsupported kind "${String(doc.kind)}"`, 'kind');
  const def = defaultConfiguration();
  checkPercentage(doc.percentageOfNodesToScore, 'percentageOfNodesToScore');
  for (const k of ['podInitialBackoffSeconds', 'podMaxBackoffSeconds'] as const) {
    const v = doc[k];
    if (v !== undefined && (typeof v !== 'number' || !(v > 0))) throw new SchedulerConfigError('must be greater than 0', k);
  }
  const profiles = doc.profiles === undefined || doc.profiles === null ? def.profiles : doc.profiles;
  if (!Array.isArray(profiles) || profiles.length === 0) throw new SchedulerConfigError('Required value', 'profiles');
  const checked = profiles.map(checkProfile);
  const names = new Set<string>();
  checked.forEach((p, i) => {
    if (names.has(p.schedulerName)) throw new SchedulerConfigError(`Duplicate value: "${p.schedulerName}"`, `profiles[${i}].schedulerName`);
    names.add(p.schedulerName);
  });
  const initial = (doc.podInitialBackoffSeconds as number | undefined) ?? def.podInitialBackoffSeconds!;
  const max = (doc.podMaxBackoffSeconds as number | undefined) ?? def.podMaxBackoffSeconds!;
  if (max < initial) throw new SchedulerConfigError('must be greater than or equal to podInitialBackoffSeconds', 'podMaxBackoffSeconds');
  return {
    ...def,
    ...(doc as object),
    percentageOfNodesToScore: (doc.percentageOfNodesToScore as number | undefined) ?? 0,
    podInitialBackoffSeconds: initial,
    podMaxBackoffSeconds: max,
    profiles: checked,
  } as KubeSchedulerConfiguration;
}

/** Loads --config; errors say which file. */
export function loadConfigurationFile(path: string): KubeSchedulerConfiguration {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SchedulerConfigError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new SchedulerConfigError(`${path}: ${(e as Error).message}`);
  }
  try {
    return parseConfiguration(doc);
  } catch (e) {
    if (e instanceof SchedulerConfigError) throw new SchedulerConfigError(`${path}: ${e.message}`);
    throw e;
  }
}
