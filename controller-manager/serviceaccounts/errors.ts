// The API answers these controllers treat as "nothing to do".
import { ApiError } from '../../lib/errors';

export { isAlreadyExists, isNotFound, isConflict } from '../../lib/errors';

/** 403 from the namespace lifecycle check: the namespace is being deleted. */
export const isForbiddenTerminating = (e: unknown): boolean => e instanceof ApiError && e.code === 403 && /is being terminated/.test(e.message);
