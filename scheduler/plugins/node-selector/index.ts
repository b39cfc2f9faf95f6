// NodeSelector: every spec.nodeSelector label must be present with the same value on the node.
import type { Pod } from '../../../lib/api/types';
import { success, unschedulable, type FilterPlugin, type NodeInfo, type Status } from '../../framework/types';

export const REASON = "node(s) didn't match Pod's node affinity/selector";

export class NodeSelector implements FilterPlugin {
  readonly name = 'NodeSelector';
  filter(pod: Pod, info: NodeInfo): Status {
    const labels = info.node.metadata.labels ?? {};
    const ok = Object.entries(pod.spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
    return ok ? success() : unschedulable(REASON);
  }
}
