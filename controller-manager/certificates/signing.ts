// csrsigning's decisions, pure: whether a request is for this signer to act on now, and the
// validity window of what it issues. Upstream's rules: the cluster-wide duration, shortened (not
// below 10 minutes) by spec.expirationSeconds; notBefore backdated 5 minutes for clock skew; for
// lifetimes under 8 hours the full duration still counts from the time of signing.
import { handledSigners } from './csr-checks';

export const BACKDATE_MS = 5 * 60_000;
const MIN_REQUESTED_MS = 10 * 60_000;
const SHORT_MS = 8 * 3600_000;

export interface SigningState {
  signerName: string;
  conditions: { type?: string }[];
  certificate?: string;
}

/** 'sign' for an approved, unissued, not failed request of a signer this controller serves. */
export function signingAction(s: SigningState): 'sign' | 'skip' {
  const has = (t: string) => s.conditions.some((c) => c.type === t);
  if (!handledSigners.has(s.signerName) || !has('Approved') || has('Denied') || has('Failed') || s.certificate) return 'skip';
  return 'sign';
}

/** The lifetime to issue: the cluster default, or the requested one when shorter (at least 10 min). */
export function signingDurationMs(clusterMs: number, expirationSeconds: number | undefined): number {
  if (expirationSeconds === undefined || expirationSeconds === null) return clusterMs;
  const asked = expirationSeconds * 1000;
  if (asked > clusterMs) return clusterMs;
  return Math.max(asked, MIN_REQUESTED_MS);
}

export function validityWindow(now: Date, durationMs: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const from = durationMs < SHORT_MS ? now : notBefore;
  return { notBefore, notAfter: new Date(from.getTime() + durationMs) };
}

export { parseGoDuration } from '../../lib/go-duration';
