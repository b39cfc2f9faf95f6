// The in-tree plugin registry: a literal map from plugin name to its definition (factory and
// default arguments). Profiles name plugins from here; upstream's names, plus k8ts' NodeReady.
import { plugin as DefaultBinder } from '../plugins/default-binder';
import { plugin as DefaultPreemption } from '../plugins/default-preemption';
import { plugin as ImageLocality } from '../plugins/image-locality';
import { plugin as InterPodAffinity } from '../plugins/inter-pod-affinity';
import { plugin as NodeAffinity } from '../plugins/node-affinity';
import { plugin as NodeName } from '../plugins/node-name';
import { plugin as NodePorts } from '../plugins/node-ports';
import { plugin as NodeReady } from '../plugins/node-ready';
import { plugin as NodeResourcesBalancedAllocation } from '../plugins/node-resources-balanced-allocation';
import { plugin as NodeResourcesFit } from '../plugins/node-resources-fit';
import { plugin as NodeUnschedulable } from '../plugins/node-unschedulable';
import { plugin as NodeVolumeLimits } from '../plugins/node-volume-limits';
import { plugin as PodTopologySpread } from '../plugins/pod-topology-spread';
import { plugin as PrioritySort } from '../plugins/priority-sort';
import { plugin as SchedulingGates } from '../plugins/scheduling-gates';
import { plugin as TaintToleration } from '../plugins/taint-toleration';
import { plugin as VolumeBinding } from '../plugins/volume-binding';
import { plugin as VolumeRestrictions } from '../plugins/volume-restrictions';
import type { PluginDefinition } from './types';

export const registry: Record<string, PluginDefinition> = {
  PrioritySort,
  SchedulingGates,
  NodeUnschedulable,
  NodeReady,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
  VolumeRestrictions,
  NodeVolumeLimits,
  VolumeBinding,
  PodTopologySpread,
  InterPodAffinity,
  DefaultPreemption,
  NodeResourcesBalancedAllocation,
  ImageLocality,
  DefaultBinder,
};
