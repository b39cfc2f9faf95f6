// Builds a profile's Framework from its configuration: upstream's plugin-set merge (the default
// multiPoint set, the profile's multiPoint enabled/disabled, then per-extension-point lists, which
// come first and win), each plugin created once with its arguments (pluginConfig over the
// plugin's defaults) and placed at every extension point it implements.
import { DEFAULT_MULTI_POINT } from '../config/defaults';
import { EXTENSION_POINTS, SchedulerConfigError, type ExtensionPoint, type PluginRef, type PluginSetConfig, type ProfileConfig } from '../config/types';
import { Framework, type PluginSet } from './runtime';
import { staticHandle } from './static-handle';
import type { AnyPlugin, Handle, PluginDefinition } from './types';

export class UnknownPluginError extends SchedulerConfigError {
  constructor(name: string) {
    super(`plugin "${name}" is not registered`);
    this.name = 'UnknownPluginError';
  }
}

/** The method that tells whether a plugin implements an extension point. */
const METHOD: Record<ExtensionPoint, keyof AnyPlugin> = {
  queueSort: 'less',
  preEnqueue: 'preEnqueue',
  preFilter: 'preFilter',
  filter: 'filter',
  postFilter: 'postFilter',
  preScore: 'preScore',
  score: 'score',
  reserve: 'reserve',
  permit: 'permit',
  preBind: 'preBind',
  bind: 'bind',
  postBind: 'postBind',
};

const implementsPoint = (p: AnyPlugin, point: ExtensionPoint) => typeof p[METHOD[point]] === 'function';

/** Defaults with the profile's set merged in: disabled ones dropped ("*" drops all), enabled ones replace or append. */
export function mergePluginSet(defaults: PluginRef[], custom: PluginSetConfig | undefined): PluginRef[] {
  const disabled = new Set((custom?.disabled ?? []).map((r) => r.name));
  const enabled = custom?.enabled ?? [];
  const byName = new Map(enabled.map((r) => [r.name, r]));
  const out: PluginRef[] = [];
  const placed = new Set<string>();
  if (!disabled.has('*')) {
    for (const d of defaults) {
      if (disabled.has(d.name)) continue;
      out.push(byName.get(d.name) ?? d);
      placed.add(d.name);
    }
  }
  for (const e of enabled) if (!placed.has(e.name)) (out.push(e), placed.add(e.name));
  return out;
}

/** plugin name → ordered extension-point placement, before instantiation (for tests and listing). */
export function resolvePlugins(cfg: ProfileConfig, registry: Record<string, PluginDefinition>, handle: Handle): { plugins: Map<string, AnyPlugin>; points: Record<ExtensionPoint, PluginRef[]> } {
  const multi = mergePluginSet(DEFAULT_MULTI_POINT, cfg.plugins?.multiPoint);
  const args = new Map((cfg.pluginConfig ?? []).map((c) => [c.name, c.args ?? {}]));
  const plugins = new Map<string, AnyPlugin>();
  const instance = (name: string): AnyPlugin => {
    let p = plugins.get(name);
    if (p) return p;
    const def = registry[name];
    if (!def) throw new UnknownPluginError(name);
    const merged = { ...((def.defaultArgs?.() as object) ?? {}), ...((args.get(name) as object) ?? {}) };
    p = def.factory(merged, handle);
    plugins.set(name, p);
    return p;
  };
  for (const name of args.keys()) if (!registry[name]) throw new UnknownPluginError(name);
  const points = {} as Record<ExtensionPoint, PluginRef[]>;
  for (const point of EXTENSION_POINTS) {
    const set = cfg.plugins?.[point];
    const disabled = new Set((set?.disabled ?? []).map((r) => r.name));
    const list: PluginRef[] = [];
    const seen = new Set<string>();
    for (const r of set?.enabled ?? []) {
      if (!implementsPoint(instance(r.name), point)) throw new SchedulerConfigError(`plugin "${r.name}" does not extend ${point} plugin`, `profiles[${cfg.schedulerName}].plugins.${point}`);
      list.push(r);
      seen.add(r.name);
    }
    if (!disabled.has('*')) {
      for (const r of multi) {
        if (seen.has(r.name) || disabled.has(r.name)) continue;
        if (!implementsPoint(instance(r.name), point)) continue;
        list.push(r);
        seen.add(r.name);
      }
    }
    points[point] = list;
  }
  return { plugins, points };
}

const used = (points: Record<ExtensionPoint, PluginRef[]>): Set<string> => new Set(Object.values(points).flatMap((l) => l.map((r) => r.name)));

export function buildFramework(cfg: ProfileConfig, registry: Record<string, PluginDefinition>, handle: Handle, globalPercentage = 0): Framework {
  const { plugins, points } = resolvePlugins(cfg, registry, handle);
  const get = <T>(point: ExtensionPoint): T[] => points[point].map((r) => plugins.get(r.name) as unknown as T);
  if (points.queueSort.length !== 1) throw new SchedulerConfigError(`exactly one queueSort plugin must be enabled, got ${points.queueSort.length}`, `profiles[${cfg.schedulerName}].plugins.queueSort`);
  if (points.bind.length === 0) throw new SchedulerConfigError('at least one bind plugin is needed', `profiles[${cfg.schedulerName}].plugins.bind`);
  const set: PluginSet = {
    queueSort: get<PluginSet['queueSort']>('queueSort')[0],
    preEnqueue: get('preEnqueue'),
    preFilter: get('preFilter'),
    filter: get('filter'),
    postFilter: get('postFilter'),
    preScore: get('preScore'),
    score: points.score.map((r) => ({ plugin: plugins.get(r.name) as PluginSet['score'][number]['plugin'], weight: r.weight || 1 })),
    reserve: get('reserve'),
    permit: get('permit'),
    preBind: get('preBind'),
    bind: get('bind'),
    postBind: get('postBind'),
    enqueueExtensions: [...used(points)].map((n) => plugins.get(n)!).filter((p) => typeof p.eventsToRegister === 'function') as PluginSet['enqueueExtensions'],
  };
  return new Framework(cfg.schedulerName, set, handle, cfg.percentageOfNodesToScore || globalPercentage);
}

/**
 * Builds every profile once against an inert handle, so unknown plugins, plugins enabled at
 * extension points they do not implement, and bad plugin arguments fail start-up with a message.
 */
export function validateProfiles(profiles: ProfileConfig[], registry: Record<string, PluginDefinition>): void {
  const inert = staticHandle(() => {
    throw new Error('no snapshot while validating');
  });
  for (const p of profiles) buildFramework(p, registry, inert);
}
