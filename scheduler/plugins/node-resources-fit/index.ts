// NodeResourcesFit: the pod's cpu/memory requests must fit in the node's allocatable minus what
// the pods already there (bound or assumed) request, and the node's pod count must allow one more.
import type { Pod } from '../../../lib/api/types';
import { podRequests } from '../../framework/node-info';
import { success, unschedulable, type FilterPlugin, type NodeInfo, type Status } from '../../framework/types';

export class NodeResourcesFit implements FilterPlugin {
  readonly name = 'NodeResourcesFit';
  filter(pod: Pod, info: NodeInfo): Status {
    const want = podRequests(pod);
    const reasons: string[] = [];
    if (info.requested.pods + 1 > info.allocatable.pods) reasons.push('Too many pods');
    if (want.milliCpu > 0 && want.milliCpu > info.allocatable.milliCpu - info.requested.milliCpu) reasons.push('Insufficient cpu');
    if (want.memory > 0 && want.memory > info.allocatable.memory - info.requested.memory) reasons.push('Insufficient memory');
    return reasons.length ? unschedulable(...reasons) : success();
  }
}
