// Turns anything thrown while serving a request into a Kubernetes Status: ApiErrors keep theirs,
// selector syntax errors are 400, everything else is a 500 InternalError (a real bug). Also the
// Statuses kube-apiserver answers without a resource to blame, worded and shaped as upstream's.
import type { Status } from '../../lib/api/types';
import { ApiError, statusOf } from '../../lib/errors';
import { SelectorParseError } from '../../lib/api/labels';

export function toStatus(err: unknown): { status: Status; internal: boolean } {
  if (err instanceof ApiError) return { status: err.status, internal: false };
  if (err instanceof SelectorParseError) return { status: statusOf(400, 'BadRequest', `unable to parse requirement: ${err.message}`), internal: false };
  const msg = err instanceof Error ? err.message : String(err);
  return { status: statusOf(500, 'InternalError', `Internal error occurred: ${msg}`), internal: true };
}

/**
 * A path under a served API group that names nothing (unknown resource, subresource or version):
 * kube-apiserver's generic NotFound, with empty (but present) details.
 */
export function notFoundStatus(): Status {
  return statusOf(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** A method a served path does not take: kube-apiserver's generic MethodNotAllowed. */
export function methodNotAllowedStatus(): Status {
  return statusOf(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** The body of a delete that removed the object at once: kube-apiserver's has no code. */
export function successStatus(details: Status['details']): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** What kube-apiserver answers, as plain text, for a path outside every API group it serves. */
export const PAGE_NOT_FOUND = '404 page not found\n';
