// Bootstrap tokens as Kubernetes defines them: "<id>.<secret>" backed by a Secret of type
// bootstrap.kubernetes.io/token named bootstrap-token-<id> in kube-system. Pure: parsing, the
// Secret a token is stored as, and the judgement of a presented token against its Secret.
import * as crypto from 'node:crypto';
import type { KObject } from './types';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
export const BOOTSTRAP_TOKEN_PREFIX = 'bootstrap-token-';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';

export const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const TOKEN_ID_RE = /^[a-z0-9]{6}$/;
export const TOKEN_SECRET_RE = /^[a-z0-9]{16}$/;
/** Extra groups a token may put its user in (upstream's BootstrapGroupPattern). */
export const EXTRA_GROUP_RE = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export interface BootstrapToken {
  id: string;
  secret: string;
}

type SecretLike = KObject & { type?: string; data?: Record<string, string> };

export function parseToken(s: string): BootstrapToken | undefined {
  const m = TOKEN_RE.exec(s);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export const tokenSecretName = (id: string): string => `${BOOTSTRAP_TOKEN_PREFIX}${id}`;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(n: number): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 36).
  let out = '';
  while (out.length < n) for (const b of crypto.randomBytes(n)) if (b < 252 && out.length < n) out += ALPHABET[b % 36];
  return out;
}

export function generateToken(): BootstrapToken {
  return { id: randomString(6), secret: randomString(16) };
}

export const formatToken = (t: BootstrapToken): string => `${t.id}.${t.secret}`;

/** RFC 3339 without fractional seconds, as upstream writes expiration. */
export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface TokenSecretOptions {
  expiration?: Date;
  description?: string;
  /** Extra groups (each system:bootstrappers:*). */
  extraGroups?: string[];
  /** usage-bootstrap-signing too (kubeadm sets both). */
  signing?: boolean;
}

/** The Secret that stores a token, with data base64-encoded as the API stores it. */
export function tokenSecret(t: BootstrapToken, o: TokenSecretOptions = {}): SecretLike {
  const plain: Record<string, string> = { 'token-id': t.id, 'token-secret': t.secret, 'usage-bootstrap-authentication': 'true' };
  if (o.signing) plain['usage-bootstrap-signing'] = 'true';
  if (o.expiration) plain.expiration = rfc3339(o.expiration);
  if (o.description) plain.description = o.description;
  if (o.extraGroups?.length) plain['auth-extra-groups'] = o.extraGroups.join(',');
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(plain)) data[k] = Buffer.from(v).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: tokenSecretName(t.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE },
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    data,
  };
}

/** A data value decoded (undefined when absent or not base64 text). */
export function secretValue(s: SecretLike, key: string): string | undefined {
  const v = s.data?.[key];
  if (typeof v !== 'string') return undefined;
  return Buffer.from(v, 'base64').toString('utf8');
}

/** True when the token Secret's expiration has passed (an unparseable one counts as expired). */
export function tokenExpired(s: SecretLike, now: Date): boolean {
  const exp = secretValue(s, 'expiration');
  if (exp === undefined) return false;
  const t = Date.parse(exp);
  return Number.isNaN(t) || t <= now.getTime();
}

export function extraGroups(s: SecretLike): string[] {
  const v = secretValue(s, 'auth-extra-groups');
  return v ? v.split(',').map((g) => g.trim()).filter(Boolean) : [];
}

export type TokenVerdict = { ok: true; user: string; groups: string[] } | { ok: false; why: string };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // timingSafeEqual needs equal lengths; comparing x with itself keeps the time independent of b.
  return crypto.timingSafeEqual(x, x.length === y.length ? y : x) && x.length === y.length;
}

/**
 * Whether a presented token authenticates against its Secret (upstream's bootstrap token
 * authenticator): the right type, id and secret (compared in constant time), not being deleted,
 * not expired, usage-bootstrap-authentication "true", and valid extra groups. `why` is for logs only:
 * the client is told just 401, as upstream does.
 */
export function judgeToken(t: BootstrapToken, s: SecretLike | undefined, now: Date): TokenVerdict {
  if (!s) return { ok: false, why: 'no secret' };
  if (s.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return { ok: false, why: `secret has type ${s.type}` };
  if (s.metadata.deletionTimestamp) return { ok: false, why: 'secret is being deleted' };
  if (secretValue(s, 'token-id') !== t.id) return { ok: false, why: 'token-id does not match' };
  if (!sameSecret(t.secret, secretValue(s, 'token-secret') ?? '')) return { ok: false, why: 'token-secret does not match' };
  if (tokenExpired(s, now)) return { ok: false, why: 'token expired' };
  if (secretValue(s, 'usage-bootstrap-authentication') !== 'true') return { ok: false, why: 'not usable for authentication' };
  const extra = extraGroups(s);
  const bad = extra.find((g) => !EXTRA_GROUP_RE.test(g));
  if (bad) return { ok: false, why: `invalid extra group ${bad}` };
  return { ok: true, user: `${BOOTSTRAP_USER_PREFIX}${t.id}`, groups: [...new Set([BOOTSTRAPPERS_GROUP, ...extra])] };
}

/**
 * Problems of a bootstrap token Secret's fields, as [data key, message] pairs, for admission.
 * Stricter than kube-apiserver (which stores them unchecked and only ignores a bad one when a token
 * is presented): a Secret that could never authenticate is refused when written.
 */
export function tokenSecretProblems(s: SecretLike): [string, string][] {
  const out: [string, string][] = [];
  const id = secretValue(s, 'token-id');
  const secret = secretValue(s, 'token-secret');
  if (id === undefined) out.push(['token-id', 'required']);
  else if (!TOKEN_ID_RE.test(id)) out.push(['token-id', 'must be 6 characters of [a-z0-9]']);
  else if (s.metadata.name && s.metadata.name !== tokenSecretName(id)) out.push(['token-id', `must match the secret name ${s.metadata.name} (expected ${tokenSecretName(id)})`]);
  if (secret === undefined) out.push(['token-secret', 'required']);
  else if (!TOKEN_SECRET_RE.test(secret)) out.push(['token-secret', 'must be 16 characters of [a-z0-9]']);
  const exp = secretValue(s, 'expiration');
  if (exp !== undefined && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(exp) || Number.isNaN(Date.parse(exp))))
    out.push(['expiration', 'must be an RFC3339 time, e.g. 2006-01-02T15:04:05Z']);
  for (const g of extraGroups(s)) if (!EXTRA_GROUP_RE.test(g)) out.push(['auth-extra-groups', `group "${g}" must match ${EXTRA_GROUP_RE.source}`]);
  return out;
}
