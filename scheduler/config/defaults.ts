// Upstream's default plugin set (v1, multiPoint) with its score weights, in upstream's order.
// NodeReady is k8ts' own: it keeps pods off a node that registered a moment ago and has reported
// no Ready condition yet (upstream relies on the not-ready taint the node controller adds later).
import type { KubeSchedulerConfiguration, PluginRef, ProfileConfig } from './types';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const DEFAULT_MULTI_POINT: PluginRef[] = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeReady' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

export const DEFAULT_INITIAL_BACKOFF_SECONDS = 1;
export const DEFAULT_MAX_BACKOFF_SECONDS = 10;

export const defaultProfile = (schedulerName = DEFAULT_SCHEDULER_NAME): ProfileConfig => ({ schedulerName });

export function defaultConfiguration(): KubeSchedulerConfiguration {
  return {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    percentageOfNodesToScore: 0,
    podInitialBackoffSeconds: DEFAULT_INITIAL_BACKOFF_SECONDS,
    podMaxBackoffSeconds: DEFAULT_MAX_BACKOFF_SECONDS,
    profiles: [defaultProfile()],
  };
}
