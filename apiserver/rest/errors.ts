// Turns anything thrown while serving a request into a Kubernetes Status: ApiErrors keep theirs,
// selector syntax errors are 400, everything else is a 500 InternalError (a real bug).
import type { Status } from '../../lib/api/types';
import { ApiError, statusOf } from '../../lib/errors';
import { SelectorParseError } from '../../lib/api/labels';

export function toStatus(err: unknown): { status: Status; internal: boolean } {
  if (err instanceof ApiError) return { status: err.status, internal: false };
  if (err instanceof SelectorParseError) return { status: statusOf(400, 'BadRequest', `unable to parse requirement: ${err.message}`), internal: false };
  const msg = err instanceof Error ? err.message : String(err);
  return { status: statusOf(500, 'InternalError', `Internal error occurred: ${msg}`), internal: true };
}

export function notFoundPath(path: string): Status {
  return statusOf(404, 'NotFound', `the server could not find the requested resource (${path})`, {});
}

export function successStatus(details: Status['details']): Status {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 200, details };
}
