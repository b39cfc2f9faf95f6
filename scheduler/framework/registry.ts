// The plugin registry: a literal map from plugin name to factory, and the default profile that
// says which plugins run at which extension point, in order.
import { NodeReady } from '../plugins/node-ready';
import { NodeResourcesFit } from '../plugins/node-resources-fit';
import { NodeResourcesLeastAllocated } from '../plugins/node-resources-least-allocated';
import { NodeSelector } from '../plugins/node-selector';
import { NodeUnschedulable } from '../plugins/node-unschedulable';
import { TaintToleration } from '../plugins/taint-toleration';
import { isFilter, isScore, type AnyPlugin, type FilterPlugin, type ScorePlugin } from './types';

export const registry: Record<string, () => AnyPlugin> = {
  NodeUnschedulable: () => new NodeUnschedulable(),
  NodeReady: () => new NodeReady(),
  TaintToleration: () => new TaintToleration(),
  NodeSelector: () => new NodeSelector(),
  NodeResourcesFit: () => new NodeResourcesFit(),
  NodeResourcesLeastAllocated: () => new NodeResourcesLeastAllocated(),
};

export interface ProfileConfig {
  schedulerName: string;
  filter: string[];
  score: { name: string; weight: number }[];
}

export const defaultProfileConfig: ProfileConfig = {
  schedulerName: 'default-scheduler',
  filter: ['NodeUnschedulable', 'NodeReady', 'TaintToleration', 'NodeSelector', 'NodeResourcesFit'],
  score: [{ name: 'NodeResourcesLeastAllocated', weight: 1 }],
};

export interface Profile {
  schedulerName: string;
  filters: FilterPlugin[];
  scores: { plugin: ScorePlugin; weight: number }[];
}

export class UnknownPluginError extends Error {
  readonly code = 'SCHEDULER_UNKNOWN_PLUGIN';
  constructor(name: string, point: string) {
    super(`plugin "${name}" is not registered for ${point}`);
    this.name = 'UnknownPluginError';
  }
}

export function buildProfile(cfg: ProfileConfig = defaultProfileConfig): Profile {
  const make = (name: string) => {
    const f = registry[name];
    if (!f) throw new UnknownPluginError(name, 'any extension point');
    return f();
  };
  return {
    schedulerName: cfg.schedulerName,
    filters: cfg.filter.map((n) => {
      const p = make(n);
      if (!isFilter(p)) throw new UnknownPluginError(n, 'filter');
      return p;
    }),
    scores: cfg.score.map(({ name, weight }) => {
      const p = make(name);
      if (!isScore(p)) throw new UnknownPluginError(name, 'score');
      return { plugin: p, weight };
    }),
  };
}
