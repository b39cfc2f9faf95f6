// NodeResourcesLeastAllocated: prefers the node with the most free cpu and memory after placing
// the pod, so replicas spread. Pods without requests count with the scoring defaults (100m, 200Mi)
// or empty pods would all pile onto one node.
import type { Pod } from '../../../lib/api/types';
import { podRequests } from '../../framework/node-info';
import type { NodeInfo, ScorePlugin } from '../../framework/types';

function free(requested: number, allocatable: number): number {
  if (allocatable <= 0 || requested > allocatable) return 0;
  return ((allocatable - requested) * 100) / allocatable;
}

export class NodeResourcesLeastAllocated implements ScorePlugin {
  readonly name = 'NodeResourcesLeastAllocated';
  score(pod: Pod, info: NodeInfo): number {
    const want = podRequests(pod, true);
    const cpu = free(info.nonZeroRequested.milliCpu + want.milliCpu, info.allocatable.milliCpu);
    const mem = free(info.nonZeroRequested.memory + want.memory, info.allocatable.memory);
    return Math.floor((cpu + mem) / 2);
  }
}
