// The serviceaccounts controller: every active namespace has a `default` ServiceAccount; a new
// namespace gets one, and a deleted one is created again. Handlers enqueue namespace names;
// reconcile re-reads the caches and creates what is missing. Token Secrets are issue 13's.
import type { KObject } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue } from '../../lib/client/workqueue';
import { isAlreadyExists, isForbiddenTerminating } from './errors';
import { componentLogger } from '../../lib/log';
import { DEFAULT_SERVICE_ACCOUNTS, missingServiceAccounts } from './plan';

export class ServiceAccountsController {
  private readonly log = componentLogger('serviceaccount-controller');
  private readonly queue = new WorkQueue({ name: 'serviceaccount' });

  constructor(
    private readonly client: ApiClient,
    private readonly namespaces: Informer<KObject>,
    private readonly serviceAccounts: Informer<KObject>,
  ) {}

  start(workers = 1): void {
    const enqueueNs = (ns: KObject) => this.queue.add(ns.metadata.name!);
    this.namespaces.addHandler({ onAdd: enqueueNs, onUpdate: (_o, ns) => enqueueNs(ns) });
    this.serviceAccounts.addHandler({
      onDelete: (sa) => {
        if (DEFAULT_SERVICE_ACCOUNTS.includes(sa.metadata.name!) && sa.metadata.namespace) this.queue.add(sa.metadata.namespace);
      },
    });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(namespace: string): Promise<void> {
    const ns = this.namespaces.get(undefined, namespace);
    const existing = new Set(this.serviceAccounts.list(namespace).map((sa) => sa.metadata.name!));
    for (const sa of missingServiceAccounts(ns, existing)) {
      try {
        await this.client.create(Resources.serviceaccounts, sa);
        this.log.info({ namespace, serviceAccount: sa.metadata.name }, 'service account created');
      } catch (e) {
        // Already there (the cache is behind) or the namespace began terminating: nothing to do.
        if (isAlreadyExists(e) || isForbiddenTerminating(e)) continue;
        throw e;
      }
    }
  }
}
