// Status errors raised by the storage layer. Messages follow the apiserver's wording exactly,
// because kubectl and client libraries show them to users unchanged.
import { ApiError, apiError, statusOf } from '../../lib/errors';

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

/**
 * A read of a stored value the apiserver cannot decode (storage/object-decoder.ts): 500 with the
 * wording kube-apiserver uses for a corrupt object (an InternalError wrapping its StorageError,
 * code 7), so the key and the reason reach the client. Carries the key and the mod revision so
 * that the registry can delete exactly that value.
 */
export class CorruptObjectApiError extends ApiError {
  constructor(
    readonly storageKey: string,
    readonly modRevision: string,
    readonly why: string,
  ) {
    const inner = `StorageError: corrupt object, Code: 7, Key: ${storageKey}, ResourceVersion: 0, AdditionalErrorMsg: object not decodable revision=${modRevision}: ${why}`;
    super(statusOf(500, 'InternalError', `Internal error occurred: ${inner}`, { causes: [{ message: inner }] }));
  }
}

export const isCorruptObject = (e: unknown): e is CorruptObjectApiError => e instanceof CorruptObjectApiError;
