// csrcleaner's decision, pure: CertificateSigningRequests are garbage once their certificate has
// expired, an hour after they were issued, denied or failed, or a day after creation when still
// pending (upstream's deadlines), so that rotation does not pile them up.
import * as crypto from 'node:crypto';

const HOUR = 3600_000;
export const ISSUED_TTL_MS = HOUR;
export const DENIED_TTL_MS = HOUR;
export const FAILED_TTL_MS = HOUR;
export const PENDING_TTL_MS = 24 * HOUR;

export interface CleanupView {
  creationTimestamp?: string;
  conditions: { type?: string; lastUpdateTime?: string | null }[];
  /** status.certificate (base64 PEM). */
  certificate?: string;
}

const past = (iso: string | null | undefined, ttl: number, now: number) => !!iso && Date.parse(iso) + ttl < now;

/** Why the request can go, or undefined to keep it. */
export function cleanupReason(v: CleanupView, now: Date): string | undefined {
  const t = now.getTime();
  const cond = (type: string) => v.conditions.find((c) => c.type === type);
  if (v.certificate) {
    try {
      const x = new crypto.X509Certificate(Buffer.from(v.certificate, 'base64'));
      if (Date.parse(x.validTo) < t) return 'its certificate has expired';
    } catch {
      /* an unreadable certificate is judged by the deadlines below */
    }
  }
  const approved = cond('Approved');
  if (approved && v.certificate && past(approved.lastUpdateTime, ISSUED_TTL_MS, t)) return 'issued more than an hour ago';
  if (past(cond('Denied')?.lastUpdateTime, DENIED_TTL_MS, t)) return 'denied more than an hour ago';
  if (past(cond('Failed')?.lastUpdateTime, FAILED_TTL_MS, t)) return 'failed more than an hour ago';
  if (!approved && !cond('Denied') && past(v.creationTimestamp, PENDING_TTL_MS, t)) return 'pending for more than a day';
  return undefined;
}
