// NodeName: a pod that names its node (spec.nodeName set by its author, not by a binding) fits that
// node only. No other node can ever take it, so the rejection is unresolvable by preemption.
import type { Node, Pod } from '../../../lib/api/types';
import type { CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { SUCCESS, unresolvable, type Status } from '../../framework/status';
import { ActionType, type ClusterEventWithHint, type EnqueueExtensions, type FilterPlugin, type PluginDefinition, type QueueingHint } from '../../framework/types';

export const NAME = 'NodeName';
export const REASON = "node(s) didn't match the requested node name";

/** Whether the pod may run on the node as far as spec.nodeName goes. */
export const fitsNodeName = (pod: Pod, node: Node): boolean => !pod.spec.nodeName || pod.spec.nodeName === node.metadata.name;

export class NodeName implements FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    return fitsNodeName(pod, nodeInfo.node) ? SUCCESS : unresolvable(REASON);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    // A node's name never changes, so only a new node can make a rejected pod fit.
    return [{ event: { resource: 'Node', actionType: ActionType.Add }, hint: isSchedulableAfterNodeAdd }];
  }
}

export function isSchedulableAfterNodeAdd(pod: Pod, _old: unknown, newObj: unknown): QueueingHint {
  const node = newObj as Node | undefined;
  if (!node?.metadata) return 'Queue';
  return fitsNodeName(pod, node) ? 'Queue' : 'QueueSkip';
}

export const plugin: PluginDefinition = { name: NAME, factory: () => new NodeName() };
