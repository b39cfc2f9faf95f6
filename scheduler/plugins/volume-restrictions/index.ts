// VolumeRestrictions, as upstream's plugin: a node cannot take a pod whose in-tree disk (GCE PD,
// AWS EBS, RBD, ISCSI) is already mounted there in a conflicting way, and a ReadWriteOncePod
// claim can be used by one pod in the whole cluster only. The second rule does not depend on the
// node: PreFilter counts, over the snapshot, the pods already using the pod's ReadWriteOncePod
// claims, and the AddPod/RemovePod extensions keep that count right for preemption's what-ifs.
import type { Pod } from '../../../lib/api/types';
import type { CycleState, StateData } from '../../framework/cycle-state';
import { error, skip, SUCCESS, unresolvable, unschedulable, type Status } from '../../framework/status';
import {
  ActionType,
  type ClusterEventWithHint,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type NodeInfo,
  type PluginDefinition,
  type PodInfo,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreFilterResult,
} from '../../framework/types';
import { claimKey, podVolumes, type Claim } from '../volume-binding/volumes';
import { isDiskVolume, volumesConflict, type DiskVolume } from './disk-conflict';

export const NAME = 'VolumeRestrictions';
export const REASON_DISK_CONFLICT = 'node(s) had no available disk';
export const REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

const STATE_KEY = `PreFilter${NAME}`;

class RestrictionsState implements StateData {
  constructor(
    /** ns/claim of the pod's ReadWriteOncePod claims. */
    readonly rwopClaims: Set<string>,
    /** How many pods (anywhere) already use one of them. */
    public conflicting: number,
  ) {}
  clone(): StateData {
    return new RestrictionsState(this.rwopClaims, this.conflicting);
  }
  /** Counts `pod` in (sign 1) or out (-1) of the pods using the claims. */
  update(pod: Pod, sign: 1 | -1): void {
    for (const k of pvcKeys(pod)) if (this.rwopClaims.has(k)) this.conflicting += sign;
  }
}

const diskVolumes = (pod: Pod): DiskVolume[] => (podVolumes(pod) as DiskVolume[]).filter(isDiskVolume);
const pvcKeys = (pod: Pod): string[] => podVolumes(pod).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [claimKey(pod.metadata.namespace, v.persistentVolumeClaim.claimName)] : []));

/** Whether the plugin has anything to check for the pod (upstream: disk volumes or claims). */
export const needsRestrictionsCheck = (pod: Pod): boolean => podVolumes(pod).some((v) => isDiskVolume(v as DiskVolume) || !!v.persistentVolumeClaim);

/** Whether one of the pod's disks conflicts with a disk of a pod already on the node. */
export function hasDiskConflict(pod: Pod, nodeInfo: NodeInfo): boolean {
  const mine = diskVolumes(pod);
  if (mine.length === 0) return false;
  return nodeInfo.pods.some((pi) => diskVolumes(pi.pod).some((theirs) => mine.some((v) => volumesConflict(v, theirs))));
}

export class VolumeRestrictions implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NAME;
  constructor(private readonly handle: Handle) {}

  preFilter(state: CycleState, pod: Pod, nodes?: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    if (!needsRestrictionsCheck(pod)) return { status: skip() };
    const ns = pod.metadata.namespace ?? 'default';
    const rwop = new Set<string>();
    for (const v of podVolumes(pod)) {
      const name = v.persistentVolumeClaim?.claimName;
      if (!name) continue;
      const claim = this.handle.listers.claim(ns, name) as Claim | undefined;
      if (!claim) return { status: unresolvable(`persistentvolumeclaim "${name}" not found`) };
      if ((claim.spec.accessModes ?? []).includes('ReadWriteOncePod')) rwop.add(claimKey(ns, name));
    }
    let conflicting = 0;
    if (rwop.size > 0) {
      for (const info of nodes ?? this.handle.snapshot().list()) for (const k of rwop) conflicting += info.pvcRefCounts.get(k) ?? 0;
    }
    state.write(STATE_KEY, new RestrictionsState(rwop, conflicting));
    return { status: SUCCESS };
  }

  preFilterExtensions(): PreFilterExtensions {
    const apply = (state: CycleState, pi: PodInfo, sign: 1 | -1): Status => {
      const s = state.read<RestrictionsState>(STATE_KEY);
      if (!s) return error(`reading ${STATE_KEY} from cycle state: not found`);
      s.update(pi.pod, sign);
      return SUCCESS;
    };
    return {
      addPod: (state, _pod, toAdd) => apply(state, toAdd, 1),
      removePod: (state, _pod, toRemove) => apply(state, toRemove, -1),
    };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    if (hasDiskConflict(pod, nodeInfo)) return unschedulable(REASON_DISK_CONFLICT);
    const s = state.read<RestrictionsState>(STATE_KEY);
    if (!s) return error(`reading ${STATE_KEY} from cycle state: not found`);
    return s.conflicting > 0 ? unresolvable(REASON_RWOP_CONFLICT) : SUCCESS;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      // A pod leaving frees its disks and its ReadWriteOncePod claims.
      { event: { resource: 'Pod', actionType: ActionType.Delete }, hint: (pod, old) => (deletedPodFrees(pod, old as Pod | undefined) ? 'Queue' : 'QueueSkip') },
      // A claim the pod waits for appears, or its access modes are read again.
      { event: { resource: 'PersistentVolumeClaim', actionType: ActionType.Add | ActionType.Update } },
      { event: { resource: 'Node', actionType: ActionType.Add } },
    ];
  }
}

/** Whether the deleted pod held a disk or a claim that the waiting pod wants. */
export function deletedPodFrees(pod: Pod, deleted: Pod | undefined): boolean {
  if (!deleted?.spec) return true;
  const theirs = diskVolumes(deleted);
  if (diskVolumes(pod).some((v) => theirs.some((t) => volumesConflict(v, t)))) return true;
  const claims = new Set(pvcKeys(deleted));
  return pvcKeys(pod).some((k) => claims.has(k));
}

export const plugin: PluginDefinition = {
  name: NAME,
  factory: (_args, handle) => new VolumeRestrictions(handle),
};
