// NodeSelector (upstream's NodeAffinity filter): every spec.nodeSelector label must be present with
// the same value on the node, and the required node affinity (labels and metadata.name fields, as
// DaemonSet pods are pinned to their node) must match.
import type { Pod } from '../../../lib/api/types';
import { podFitsNodeAffinity } from '../../../lib/api/node-affinity';
import { success, unschedulable, type FilterPlugin, type NodeInfo, type Status } from '../../framework/types';

export const REASON = "node(s) didn't match Pod's node affinity/selector";

export class NodeSelector implements FilterPlugin {
  readonly name = 'NodeSelector';
  filter(pod: Pod, info: NodeInfo): Status {
    return podFitsNodeAffinity(pod, info.node) ? success() : unschedulable(REASON);
  }
}
