// PrioritySort: the active queue pops the highest spec.priority first (the Priority admission step
// fills it from the PriorityClass), and among equals the pod that entered the queue first, so a
// retried pod keeps its place instead of going to the back.
import type { Pod } from '../../../lib/api/types';
import type { PluginDefinition, QueuedPodInfo, QueueSortPlugin } from '../../framework/types';

export const NAME = 'PrioritySort';

/** spec.priority, 0 when unset (as upstream's corev1helpers.PodPriority). */
export function podPriority(pod: Pod): number {
  const p = (pod.spec as { priority?: unknown }).priority;
  return typeof p === 'number' && Number.isFinite(p) ? p : 0;
}

export class PrioritySort implements QueueSortPlugin {
  readonly name = NAME;
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = podPriority(a.podInfo.pod);
    const pb = podPriority(b.podInfo.pod);
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  }
}

export const plugin: PluginDefinition = { name: NAME, factory: () => new PrioritySort() };
