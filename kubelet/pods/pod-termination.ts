// Pure: when a pod sync in progress must be abandoned. As upstream's pod workers cancel a sync
// that is starting a pod once the pod is marked for termination: a start that went on would
// create and start containers that the next sync must then stop within the grace period, so a
// delete would wait for the whole grace period (containers that ignore SIGTERM) for nothing.
import type { Pod } from '../../lib/api/types';

/** The pod is being terminated: deleted from the API, or given a deletionTimestamp. */
export const isTerminating = (pod: Pod | undefined): boolean => !pod || !!pod.metadata.deletionTimestamp;

/**
 * Whether a sync that began with `syncing` must stop, now that the newest pod with its UID is
 * `latest` (undefined once gone). A sync that was itself tearing the pod down runs to its end.
 */
export function abandonsSync(syncing: Pod, latest: Pod | undefined): boolean {
  return !isTerminating(syncing) && isTerminating(latest);
}

/** The points of a pod start where an abandoned sync stops (for the log line). */
export type StartStep = 'before-sandbox' | 'after-sandbox' | 'before-image' | 'after-image' | 'before-create' | 'before-start';
