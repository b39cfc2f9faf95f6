// The answer to a resourceVersion the apiserver has not seen yet, worded as Kubernetes words it
// (storage.NewTooLargeResourceVersionError): clients recognise it by the cause and retry.
import { apiError, type ApiError } from '../../lib/errors';

export const TOO_LARGE_CAUSE = 'ResourceVersionTooLarge';
export const TOO_LARGE_CAUSE_MESSAGE = 'Too large resource version';

/** 504 Timeout; retryAfterSeconds 0 leaves the hint out (the etcd read path gives none). */
export function tooLargeResourceVersion(asked: string, current: string, retryAfterSeconds = 1): ApiError {
  const details: { causes: { reason: string; message: string }[]; retryAfterSeconds?: number } = {
    causes: [{ reason: TOO_LARGE_CAUSE, message: TOO_LARGE_CAUSE_MESSAGE }],
  };
  if (retryAfterSeconds > 0) details.retryAfterSeconds = retryAfterSeconds;
  return apiError(504, 'Timeout', `Timeout: Too large resource version: ${asked}, current: ${current}`, details);
}

export function isTooLargeResourceVersion(e: unknown): boolean {
  const causes = (e as ApiError)?.status?.details?.causes ?? [];
  return (e as ApiError)?.code === 504 && causes.some((c) => c.reason === TOO_LARGE_CAUSE);
}
