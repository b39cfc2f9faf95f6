// SchedulingGates: a pod with spec.schedulingGates stays out of the active queue (PreEnqueue) until
// every gate is removed; removing the last gate is the one event that lets it in.
import type { Pod } from '../../../lib/api/types';
import { SUCCESS, unresolvable, type Status } from '../../framework/status';
import { ActionType, type ClusterEventWithHint, type EnqueueExtensions, type PluginDefinition, type PreEnqueuePlugin, type QueueingHint } from '../../framework/types';

export const NAME = 'SchedulingGates';

/** The names of the pod's scheduling gates, in order (entries without a name are left out). */
export function gateNames(pod: Pod): string[] {
  const gates = (pod.spec as { schedulingGates?: unknown }).schedulingGates;
  if (!Array.isArray(gates)) return [];
  return gates.filter((g): g is { name: string } => !!g && typeof g === 'object' && typeof (g as { name?: unknown }).name === 'string').map((g) => g.name);
}

/** The reason users read, worded as upstream prints its list: "[a b]". */
export const gatedReason = (names: string[]): string => `waiting for scheduling gates: [${names.join(' ')}]`;

export class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  readonly name = NAME;

  preEnqueue(pod: Pod): Status {
    const names = gateNames(pod);
    return names.length === 0 ? SUCCESS : unresolvable(gatedReason(names));
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: 'Pod', actionType: ActionType.UpdatePodSchedulingGatesEliminated }, hint: isSchedulableAfterGatesEliminated }];
  }
}

/** Only the gated pod's own update can un-gate it; other pods losing their gates change nothing for it. */
export function isSchedulableAfterGatesEliminated(pod: Pod, _old: unknown, newObj: unknown): QueueingHint {
  const modified = newObj as Pod | undefined;
  if (!modified?.metadata) return 'Queue';
  return modified.metadata.uid === pod.metadata.uid ? 'Queue' : 'QueueSkip';
}

export const plugin: PluginDefinition = { name: NAME, factory: () => new SchedulingGates() };
