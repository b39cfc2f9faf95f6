// NodeReady (k8ts' own, not upstream's): only nodes whose Ready condition is True take pods.
// Upstream gets the same effect from the not-ready/unreachable taints the node controller adds;
// checking the condition also covers a node registered a moment ago that has reported no
// condition and has no taint yet. Unresolvable: evicting pods would not make a node ready.
import type { Pod } from '../../../lib/api/types';
import type { CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { SUCCESS, unresolvable, type Status } from '../../framework/status';
import { ActionType, type ClusterEventWithHint, type EnqueueExtensions, type FilterPlugin, type PluginDefinition } from '../../framework/types';

export const NAME = 'NodeReady';
export const REASON = 'node(s) were not ready';

export class NodeReady implements FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  filter(_state: CycleState, _pod: Pod, info: NodeInfo): Status {
    const conds = info.node.status?.conditions;
    if (conds) for (const c of conds) if (c.type === 'Ready') return c.status === 'True' ? SUCCESS : unresolvable(REASON);
    return unresolvable(REASON);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeCondition } }];
  }
}

export const plugin: PluginDefinition = { name: NAME, factory: () => new NodeReady() };
