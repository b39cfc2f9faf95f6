// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), the subset k8ts reads: profiles
// with their plugin sets per extension point (multiPoint first), plugin arguments, the queue's
// backoff, and percentageOfNodesToScore. Field names are upstream's, so a config file written for
// kube-scheduler works here.

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface PluginSetConfig {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}

export const EXTENSION_POINTS = [
  'queueSort',
  'preEnqueue',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export type PluginsConfig = Partial<Record<ExtensionPoint | 'multiPoint', PluginSetConfig>>;

export interface ProfileConfig {
  schedulerName: string;
  /** Overrides the top-level value for this profile; 0/absent: inherit. */
  percentageOfNodesToScore?: number;
  plugins?: PluginsConfig;
  pluginConfig?: { name: string; args?: Record<string, unknown> }[];
}

export interface KubeSchedulerConfiguration {
  apiVersion: 'kubescheduler.config.k8s.io/v1';
  kind: 'KubeSchedulerConfiguration';
  /** Accepted for compatibility; one JavaScript thread does the filtering. */
  parallelism?: number;
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles: ProfileConfig[];
}

export class SchedulerConfigError extends Error {
  readonly code = 'SCHEDULER_CONFIG_INVALID';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'SchedulerConfigError';
  }
}
