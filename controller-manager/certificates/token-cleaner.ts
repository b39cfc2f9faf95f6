// tokencleaner: deletes bootstrap token Secrets in kube-system once their expiration has passed,
// each at its expiry (requeued until then), as kube-controller-manager's tokencleaner does.
import type { KObject } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { BOOTSTRAP_TOKEN_SECRET_TYPE, secretValue } from '../../lib/api/bootstrap-token';

/** ms until the token Secret expires (<= 0: expired); undefined for no expiration or not a token. */
export function msUntilExpiry(s: KObject & { type?: string; data?: Record<string, string> }, now: Date): number | undefined {
  if (s.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return undefined;
  const exp = secretValue(s, 'expiration');
  if (exp === undefined) return undefined;
  const t = Date.parse(exp);
  // An expiration that does not parse never authenticates: clean it up like an expired one.
  return Number.isNaN(t) ? 0 : t - now.getTime();
}

export class TokenCleaner {
  private readonly log = componentLogger('tokencleaner');
  private readonly queue = new WorkQueue({ name: 'tokencleaner' });

  constructor(
    private readonly client: ApiClient,
    private readonly secrets: Informer<KObject>,
  ) {}

  start(): void {
    this.secrets.addHandler({ onAdd: (s) => this.queue.add(keyOf(s)), onUpdate: (_o, s) => this.queue.add(keyOf(s)) });
    this.queue.run(1, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const s = this.secrets.get(namespace, name);
    if (!s) return;
    const left = msUntilExpiry(s, new Date());
    if (left === undefined) return;
    if (left > 0) {
      this.queue.addAfter(key, left + 100);
      return;
    }
    try {
      await this.client.delete(Resources.secrets, namespace, name, { preconditions: { uid: s.metadata.uid, resourceVersion: s.metadata.resourceVersion } });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    this.log.info({ secret: key }, 'deleted expired bootstrap token');
  }
}
