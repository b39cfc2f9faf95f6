// TaintToleration: a node's NoSchedule/NoExecute taints keep off pods that do not tolerate them
// (node-lifecycle taints unreachable nodes with node.kubernetes.io/unreachable:NoSchedule).
import type { Pod } from '../../../lib/api/types';
import { isTolerated, type Taint } from '../../framework/taints';
import { success, unschedulable, type FilterPlugin, type NodeInfo, type Status } from '../../framework/types';

export class TaintToleration implements FilterPlugin {
  readonly name = 'TaintToleration';
  filter(pod: Pod, info: NodeInfo): Status {
    const taints = (info.node.spec?.taints ?? []) as Taint[];
    for (const t of taints) {
      if (t.effect === 'PreferNoSchedule') continue;
      if (!isTolerated(pod, t)) return unschedulable(`node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`);
    }
    return success();
  }
}
