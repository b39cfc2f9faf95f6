// Objects a controller skips because they fail their kind's check (the informer logs and counts
// them): for the kinds a user edits and expects a controller to act on, a Warning Event on the
// object says why nothing happens, so `kubectl describe` tells the story.
import type { KObject } from '../../lib/api/types';
import type { EventRecorder } from '../../lib/client/event-recorder';

export const INVALID_OBJECT_REASON = 'InvalidObject';

/** The Event to record about an invalid object, or undefined when its metadata cannot name it. */
export function invalidObjectEvent(raw: KObject, kind: string, apiVersion: string, controller: string, problems: string[]): { about: KObject; message: string } | undefined {
  const m = raw?.metadata;
  if (!m || typeof m.name !== 'string' || typeof m.namespace !== 'string' || !m.name || !m.namespace) return undefined;
  const shown = problems.slice(0, 3).join('; ');
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return {
    about: { apiVersion, kind, metadata: { name: m.name, namespace: m.namespace, uid: typeof m.uid === 'string' ? m.uid : undefined } },
    message: `${controller} skips this ${kind} until it is valid: ${shown}${more}`,
  };
}

/** Records the Warning Event for an invalid object, when it can be named. */
export function warnInvalid(recorder: EventRecorder, raw: KObject, kind: string, apiVersion: string, controller: string, problems: string[]): void {
  const ev = invalidObjectEvent(raw, kind, apiVersion, controller, problems);
  if (ev) recorder.event(ev.about, 'Warning', INVALID_OBJECT_REASON, ev.message);
}
