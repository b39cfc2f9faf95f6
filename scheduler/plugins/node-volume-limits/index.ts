// NodeVolumeLimits, upstream's CSI volume limits: a node's CSI drivers can attach only so many
// volumes (CSINode spec.drivers[].allocatable.count). The pod fits when, per driver, the unique
// volumes already used by the node's pods plus the pod's own new ones stay within the limit;
// volumes the pod shares with pods already there are attached once and cost nothing.
import type { Pod } from '../../../lib/api/types';
import type { CycleState } from '../../framework/cycle-state';
import { error, skip, SUCCESS, unresolvable, unschedulable, type Status } from '../../framework/status';
import {
  ActionType,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type NodeInfo,
  type PluginDefinition,
  type PreFilterPlugin,
  type PreFilterResult,
} from '../../framework/types';
import { podVolumes } from '../volume-binding/volumes';
import { ClaimNotFound, csiVolumesOf, perDriver, volumeLimits } from './count';

export const NAME = 'NodeVolumeLimits';
export const REASON_MAX_VOLUME_COUNT = 'node(s) exceed max volume count';

/** Volumes that may be CSI volumes: claims, generic ephemeral volumes, inline CSI volumes. */
const mayUseCsi = (pod: Pod): boolean => podVolumes(pod).some((v) => !!v.persistentVolumeClaim || !!v.ephemeral || !!(v as { csi?: unknown }).csi);

export class NodeVolumeLimits implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NAME;
  constructor(private readonly handle: Handle) {}

  preFilter(_state: CycleState, pod: Pod, _nodes?: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    return { status: mayUseCsi(pod) ? SUCCESS : skip() };
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const listers = this.handle.listers;
    let wanted: Map<string, string>;
    try {
      wanted = csiVolumesOf(pod, listers, true);
    } catch (e) {
      // A missing claim will not appear by evicting pods: no preemption for it.
      return e instanceof ClaimNotFound ? unresolvable((e as Error).message) : error((e as Error).message);
    }
    if (wanted.size === 0) return SUCCESS;
    const limits = volumeLimits(nodeInfo.node, listers.csiNode(nodeInfo.name));
    if (limits.size === 0) return SUCCESS;
    const attached = new Map<string, string>();
    for (const pi of nodeInfo.pods) for (const [k, d] of csiVolumesOf(pi.pod, listers, false)) attached.set(k, d);
    for (const k of attached.keys()) wanted.delete(k);
    const attachedCount = perDriver(attached);
    for (const [driver, n] of perDriver(wanted)) {
      const limit = limits.get(driver);
      if (limit !== undefined && (attachedCount.get(driver) ?? 0) + n > limit) return unschedulable(REASON_MAX_VOLUME_COUNT);
    }
    return SUCCESS;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      // A driver registered on a node, or its limit raised.
      { event: { resource: 'CSINode', actionType: ActionType.Add | ActionType.Update } },
      // A pod leaving frees attach slots.
      { event: { resource: 'Pod', actionType: ActionType.Delete } },
      // A claim appearing (or being bound, which may name another driver).
      { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add | ActionType.Update } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } },
    ];
  }
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (_args, handle) => new NodeVolumeLimits(handle),
};
