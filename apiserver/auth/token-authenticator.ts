// Bearer token authentication: bootstrap tokens ("<id>.<secret>") checked against their Secrets in
// kube-system, as kube-apiserver's bootstrap token authenticator does. Used by both doors.
import type { KObject } from '../../lib/api/types';
import { BOOTSTRAP_TOKEN_NAMESPACE, judgeToken, parseToken, tokenSecretName } from '../../lib/api/bootstrap-token';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { Registry, UserInfo } from '../registry/types';

const log = componentLogger('apiserver', { part: 'authn' });

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = h ? /^bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? m[1] : undefined;
}

export class TokenAuthenticator {
  constructor(
    private readonly registry: Registry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The user a bearer token stands for, or 'invalid' (the caller answers 401): unknown format,
   * no Secret, wrong secret, expired, not for authentication. Why is logged, never told.
   */
  async authenticate(token: string): Promise<UserInfo | 'invalid'> {
    const t = parseToken(token);
    if (!t) {
      log.debug({}, 'bearer token is not a bootstrap token');
      return 'invalid';
    }
    const def = this.registry.resolve('v1', 'secrets');
    let secret: KObject | undefined;
    try {
      secret = def ? await this.registry.get(def, BOOTSTRAP_TOKEN_NAMESPACE, tokenSecretName(t.id)) : undefined;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const v = judgeToken(t, secret as never, this.now());
    if (!v.ok) {
      log.info({ tokenId: t.id, why: v.why }, 'bootstrap token refused');
      return 'invalid';
    }
    return { name: v.user, groups: [...v.groups, 'system:authenticated'] };
  }
}
