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

/**
 * Users by TLS connection: getPeerCertificate() decodes the certificate into a fresh object on
 * every call, and a kept-alive connection's certificate never changes, so it is read once.
 */
const usersBySocket = new WeakMap<TLSSocket, { user: UserInfo | undefined }>();

export function authenticate(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  let known = usersBySocket.get(socket);
  if (!known) {
    const cert = socket.getPeerCertificate();
    known = { user: !cert || Object.keys(cert).length === 0 ? undefined : userFromSubject(cert.subject as unknown as Record<string, unknown>) };
    usersBySocket.set(socket, known);
  }
  // Each request gets its own copy: callers may extend what they are handed.
  return known.user && { name: known.user.name, groups: [...known.user.groups] };
}

/** Paths that answer without credentials (health probes). */
export function isAnonymousPath(pathname: string): boolean {
  return /^\/(healthz|livez|readyz)(\/.*)?$/.test(pathname);
}
