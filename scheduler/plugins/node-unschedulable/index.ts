// NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods, except pods that
// tolerate node.kubernetes.io/unschedulable:NoSchedule (DaemonSet pods do). Preemption cannot
// uncordon a node, so the rejection is unresolvable.
import type { Node, Pod } from '../../../lib/api/types';
import { isTolerated, TAINT_UNSCHEDULABLE, type Taint } from '../../../lib/api/taints';
import type { CycleState } from '../../framework/cycle-state';
import type { NodeInfo } from '../../framework/node-info';
import { SUCCESS, unresolvable, type Status } from '../../framework/status';
import { ActionType, type ClusterEventWithHint, type EnqueueExtensions, type FilterPlugin, type PluginDefinition, type QueueingHint } from '../../framework/types';

export const NAME = 'NodeUnschedulable';
export const REASON = 'node(s) were unschedulable';

const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' };

export const toleratesUnschedulable = (pod: Pod): boolean => isTolerated(pod, UNSCHEDULABLE_TAINT);
const cordoned = (node: Node | undefined): boolean => node?.spec?.unschedulable === true;

export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    if (!cordoned(nodeInfo.node) || toleratesUnschedulable(pod)) return SUCCESS;
    return unresolvable(REASON);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      // Uncordoning is reported as a taint change (the node lifecycle adds/removes the taint with it).
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint }, hint: isSchedulableAfterNodeChange },
      { event: { resource: 'Pod', actionType: ActionType.UpdatePodTolerations }, hint: isSchedulableAfterPodTolerationChange },
    ];
  }
}

/** A node helps only if it is schedulable now and was not before (or is new). */
export function isSchedulableAfterNodeChange(_pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Node | undefined;
  if (!modified?.metadata) return 'Queue';
  if (cordoned(modified)) return 'QueueSkip';
  const original = oldObj as Node | undefined;
  return original?.metadata && !cordoned(original) ? 'QueueSkip' : 'Queue';
}

/** The pod's own toleration update helps when it now tolerates the unschedulable taint. */
export function isSchedulableAfterPodTolerationChange(pod: Pod, _old: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Pod | undefined;
  if (!modified?.metadata) return 'Queue';
  if (modified.metadata.uid !== pod.metadata.uid) return 'QueueSkip';
  return toleratesUnschedulable(modified) ? 'Queue' : 'QueueSkip';
}

export const plugin: PluginDefinition = { name: NAME, factory: () => new NodeUnschedulable() };
