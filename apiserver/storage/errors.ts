// Status errors raised by the storage layer. Messages follow the apiserver's wording exactly,
// because kubectl and client libraries show them to users unchanged.
import { apiError, type ApiError } from '../../lib/errors';

/** A resource as named in error messages: "pods", or "deployments.apps" for a group. */
export interface ResourceName {
  group: string;
  resource: string;
}

export function qualifiedResource(r: ResourceName): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export function notFound(r: ResourceName, name: string): ApiError {
  return apiError(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

export function alreadyExists(r: ResourceName, name: string): ApiError {
  return apiError(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

export function conflict(r: ResourceName, name: string, why?: string): ApiError {
  const reason = why ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return apiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${reason}`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

export function expired(message = 'too old resource version'): ApiError {
  return apiError(410, 'Expired', message);
}

export function internal(message: string): ApiError {
  return apiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function unavailable(message: string): ApiError {
  return apiError(503, 'ServiceUnavailable', message);
}
