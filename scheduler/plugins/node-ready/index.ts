// NodeReady: only nodes whose Ready condition is True take pods. Kubernetes gets the same effect
// from not-ready/unreachable taints; checking the condition also covers a node registered a
// moment ago that has not reported any condition yet.
import type { Pod } from '../../../lib/api/types';
import { success, unschedulable, type FilterPlugin, type NodeInfo, type Status } from '../../framework/types';

export const REASON = 'node(s) were not ready';

export class NodeReady implements FilterPlugin {
  readonly name = 'NodeReady';
  filter(_pod: Pod, info: NodeInfo): Status {
    const ready = info.node.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.status === 'True' ? success() : unschedulable(REASON);
  }
}
