// The root-ca-cert-publisher: every active namespace has the kube-root-ca.crt ConfigMap holding
// the cluster CA (what in-cluster clients verify the apiserver with), created when missing and
// put back when edited or deleted. Handlers enqueue namespace names; reconcile plans from the caches.
import type { KObject } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue } from '../../lib/client/workqueue';
import { componentLogger } from '../../lib/log';
import { isAlreadyExists, isConflict, isForbiddenTerminating, isNotFound } from './errors';
import { planRootCa, ROOT_CA_CONFIGMAP } from './plan';

export class RootCaPublisher {
  private readonly log = componentLogger('root-ca-cert-publisher');
  private readonly queue = new WorkQueue({ name: 'root_ca_cert_publisher' });

  /** configMaps: an informer on kube-root-ca.crt ConfigMaps only (field selector on the name). */
  constructor(
    private readonly client: ApiClient,
    private readonly namespaces: Informer<KObject>,
    private readonly configMaps: Informer<KObject>,
    private readonly caPem: string,
  ) {}

  start(workers = 1): void {
    const enqueueNs = (ns: KObject) => this.queue.add(ns.metadata.name!);
    this.namespaces.addHandler({ onAdd: enqueueNs, onUpdate: (_o, ns) => enqueueNs(ns) });
    const enqueueCm = (cm: KObject) => {
      if (cm.metadata.name === ROOT_CA_CONFIGMAP && cm.metadata.namespace) this.queue.add(cm.metadata.namespace);
    };
    this.configMaps.addHandler({ onUpdate: (_o, cm) => enqueueCm(cm), onDelete: enqueueCm });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(namespace: string): Promise<void> {
    const ns = this.namespaces.get(undefined, namespace);
    const plan = planRootCa(ns, this.configMaps.get(namespace, ROOT_CA_CONFIGMAP), this.caPem);
    try {
      if (plan.action === 'create') {
        await this.client.create(Resources.configmaps, plan.configMap);
        this.log.info({ namespace }, 'root CA config map created');
      } else if (plan.action === 'update') {
        await this.client.update(Resources.configmaps, plan.configMap);
        this.log.info({ namespace }, 'root CA config map restored');
      }
    } catch (e) {
      if (isForbiddenTerminating(e) || (plan.action === 'update' && isNotFound(e))) return;
      // The cache was behind: the watch brings the object and the key comes back.
      if (isAlreadyExists(e) || isConflict(e)) {
        this.queue.addAfter(namespace, 500);
        return;
      }
      throw e;
    }
  }
}
