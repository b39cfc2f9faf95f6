// How a list's resourceVersion / resourceVersionMatch / continue combine, decided apart from the
// reading: a pure validation that answers like Kubernetes 1.32 (ValidateListOptions: 422 Invalid
// on ListOptions.meta.k8s.io, each rule a field error), and a pure choice of how to read.
import { apiError } from '../../lib/errors';
import { forbidden, invalidError, notSupported, type FieldError } from '../resources/validation';
import type { ListQuery } from './types';

export const RESOURCE_VERSION_MATCH_EXACT = 'Exact';
export const RESOURCE_VERSION_MATCH_NOT_OLDER_THAN = 'NotOlderThan';

/** The message Kubernetes answers with when an exact list revision was compacted away. */
export const EXPIRED_LIST_MESSAGE = 'The resourceVersion for the provided list is too old.';

/** The field errors of a list's options, in the order Kubernetes reports them. */
export function listOptionErrors(q: ListQuery): FieldError[] {
  const errs: FieldError[] = [];
  const match = q.resourceVersionMatch;
  if (!match) return errs;
  const field = 'resourceVersionMatch';
  if (!q.resourceVersion) errs.push(forbidden(field, 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
  if (q.continueToken) errs.push(forbidden(field, 'resourceVersionMatch is forbidden when continue is provided'));
  if (match !== RESOURCE_VERSION_MATCH_EXACT && match !== RESOURCE_VERSION_MATCH_NOT_OLDER_THAN)
    errs.push(notSupported(field, match, [RESOURCE_VERSION_MATCH_EXACT, RESOURCE_VERSION_MATCH_NOT_OLDER_THAN, '']));
  if (match === RESOURCE_VERSION_MATCH_EXACT && q.resourceVersion === '0')
    errs.push(forbidden(field, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
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
