// Authentication by client certificate: a certificate that verified against the cluster CA makes
// the user its CN and the groups its O entries. Bearer tokens are ../auth/token-authenticator.ts's;
// anything else is anonymous.
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../registry/types';

export type { UserInfo };

export function userFromSubject(subject: Record<string, unknown> | undefined): UserInfo | undefined {
  if (!subject) return undefined;
  const cn = subject.CN;
  const name = Array.isArray(cn) ? String(cn[0]) : typeof cn === 'string' ? cn : undefined;
  if (!name) return undefined;
  const o = subject.O;
  const groups = Array.isArray(o) ? o.map(String) : typeof o === 'string' ? [o] : [];
  return { name, groups: [...groups, 'system:authenticated'] };
}

export function authenticate(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  return userFromSubject(cert.subject as unknown as Record<string, unknown>);
}

/** Paths that answer without credentials (health probes). */
export function isAnonymousPath(pathname: string): boolean {
  return /^\/(healthz|livez|readyz)(\/.*)?$/.test(pathname);
}
