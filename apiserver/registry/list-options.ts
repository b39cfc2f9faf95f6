// How a list's resourceVersion / resourceVersionMatch / continue combine, decided apart from the
// reading: a pure validation that answers like Kubernetes 1.32 (ValidateListOptions: 422 Invalid
// on ListOptions.meta.k8s.io, each rule a field error), and a pure choice of how to read.
import { apiError } from '../../lib/errors';
import { forbidden, invalidError, notSupported, type FieldError } from '../resources/validation';
import type { ListQuery, WatchQuery } from './types';

export const RESOURCE_VERSION_MATCH_EXACT = 'Exact';
export const RESOURCE_VERSION_MATCH_NOT_OLDER_THAN = 'NotOlderThan';

/** The message Kubernetes answers with when an exact list revision was compacted away. */
export const EXPIRED_LIST_MESSAGE = 'The resourceVersion for the provided list is too old.';

/** The field errors of a list's options, in the order Kubernetes reports them. */
export function listOptionErrors(q: ListQuery): FieldError[] {
  const errs: FieldError[] = [];
  const match = q.resourceVersionMatch;
  const field = 'resourceVersionMatch';
  if (match) {
    if (!q.resourceVersion) errs.push(forbidden(field, 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (q.continueToken) errs.push(forbidden(field, 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== RESOURCE_VERSION_MATCH_EXACT && match !== RESOURCE_VERSION_MATCH_NOT_OLDER_THAN)
      errs.push(notSupported(field, match, [RESOURCE_VERSION_MATCH_EXACT, RESOURCE_VERSION_MATCH_NOT_OLDER_THAN, '']));
    if (match === RESOURCE_VERSION_MATCH_EXACT && q.resourceVersion === '0')
      errs.push(forbidden(field, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (q.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}

/** How a list is read once its options are valid. */
export type ListRead =
  /** Pages continue at the continue token's revision. */
  | { mode: 'continue' }
  /** resourceVersion unset: the newest state. */
  | { mode: 'consistent' }
  /** resourceVersion "0": whatever the watch cache holds (limit ignored). */
  | { mode: 'any' }
  /** At least this new. */
  | { mode: 'notOlderThan'; revision: string }
  /** Exactly at this etcd revision. */
  | { mode: 'exact'; revision: string };

/**
 * Validates the options (422 for resourceVersionMatch misuse, 400 for a malformed resourceVersion
 * or one sent beside a continue token) and says how to read. Without resourceVersionMatch a
 * non-zero resourceVersion with a limit is exact, as Kubernetes' legacy rule has it.
 */
export function planListRead(q: ListQuery): ListRead {
  const errs = listOptionErrors(q);
  if (errs.length) throw invalidError('ListOptions', '', errs, 'meta.k8s.io');
  const rv = q.resourceVersion;
  if (rv && !/^\d+$/.test(rv)) throw apiError(400, 'BadRequest', `invalid resource version "${rv}"`);
  if (q.continueToken) {
    if (rv && rv !== '0') throw apiError(400, 'BadRequest', 'specifying resource version is not allowed when using continue');
    return { mode: 'continue' };
  }
  if (!rv) return { mode: 'consistent' };
  if (q.resourceVersionMatch === RESOURCE_VERSION_MATCH_EXACT) return { mode: 'exact', revision: rv };
  if (rv === '0') return { mode: 'any' };
  if (!q.resourceVersionMatch && q.limit && q.limit > 0) return { mode: 'exact', revision: rv };
  return { mode: 'notOlderThan', revision: rv };
}

// Watches (Kubernetes 1.32 with the WatchList feature on, as its apiserver ships): the defaulting
// that turns a legacy "from now" watch into a streaming list, the validation (upstream's
// validateWatchOptions wording), and a pure plan of where the stream starts.

/** The annotation on the BOOKMARK that closes a watch's initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/**
 * Upstream's SetListOptionsDefaults: a watch with neither sendInitialEvents nor
 * resourceVersionMatch that starts "now" (resourceVersion unset or "0") is a streaming list; the
 * visible difference is the initial-events-end bookmark when bookmarks are allowed.
 */
export function defaultWatchQuery(q: WatchQuery): WatchQuery {
  if (q.sendInitialEvents !== undefined || q.resourceVersionMatch) return q;
  if (q.resourceVersion && q.resourceVersion !== '0') return q;
  return { ...q, sendInitialEvents: true, resourceVersionMatch: RESOURCE_VERSION_MATCH_NOT_OLDER_THAN };
}

/** The field errors of a (defaulted) watch's options, in the order Kubernetes reports them. */
export function watchOptionErrors(q: WatchQuery & { continueToken?: string }): FieldError[] {
  const errs: FieldError[] = [];
  const match = q.resourceVersionMatch;
  const field = 'resourceVersionMatch';
  if (q.sendInitialEvents !== undefined && match !== RESOURCE_VERSION_MATCH_NOT_OLDER_THAN)
    errs.push(forbidden(field, `sendInitialEvents requires setting resourceVersionMatch to ${RESOURCE_VERSION_MATCH_NOT_OLDER_THAN}`));
  if (match) {
    if (q.sendInitialEvents === undefined) errs.push(forbidden(field, 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== RESOURCE_VERSION_MATCH_NOT_OLDER_THAN) errs.push(notSupported(field, match, [RESOURCE_VERSION_MATCH_NOT_OLDER_THAN]));
    if (q.continueToken) errs.push(forbidden(field, 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errs;
}

/** Where a watch's view of the collection starts. */
export type WatchStart =
  /** resourceVersion unset: etcd's current revision (a consistent read). */
  | { mode: 'consistent' }
  /** resourceVersion "0": whatever the watch cache holds. */
  | { mode: 'any' }
  /** resourceVersion N: at least N (504 ResourceVersionTooLarge when nothing reaches it). */
  | { mode: 'notOlderThan'; revision: string };

export interface WatchPlan {
  start: WatchStart;
  /** Send the state at the start as ADDED events; otherwise only changes after the start. */
  initialEvents: boolean;
  /** Close the initial events with a BOOKMARK annotated k8s.io/initial-events-end. */
  markInitialEventsEnd: boolean;
}

/**
 * Defaults and validates a watch's options (422 for misuse, 400 for a malformed resourceVersion)
 * and says how to start it. Like Kubernetes' cacher, the initial-events-end bookmark is only sent
 * to a client that allows bookmarks; without them the initial events still come.
 */
export function planWatch(query: WatchQuery): WatchPlan {
  const q = defaultWatchQuery(query);
  const errs = watchOptionErrors(q);
  if (errs.length) throw invalidError('ListOptions', '', errs, 'meta.k8s.io');
  const rv = q.resourceVersion ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw apiError(400, 'BadRequest', `invalid resource version "${rv}"`);
  const start: WatchStart = rv === '' ? { mode: 'consistent' } : rv === '0' ? { mode: 'any' } : { mode: 'notOlderThan', revision: rv };
  const initialEvents = q.sendInitialEvents === true;
  return { start, initialEvents, markInitialEventsEnd: initialEvents && q.allowBookmarks === true };
}
