// NodeUnschedulable: cordoned nodes (spec.unschedulable) take no new pods unless the pod
// tolerates the node.kubernetes.io/unschedulable:NoSchedule taint.
import type { Pod } from '../../../lib/api/types';
import { isTolerated } from '../../framework/taints';
import { success, unschedulable, type FilterPlugin, type NodeInfo, type Status } from '../../framework/types';

export const REASON = 'node(s) were unschedulable';

export class NodeUnschedulable implements FilterPlugin {
  readonly name = 'NodeUnschedulable';
  filter(pod: Pod, info: NodeInfo): Status {
    if (!info.node.spec?.unschedulable) return success();
    if (isTolerated(pod, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return success();
    return unschedulable(REASON);
  }
}
