// The kubelet's last step for the fake nodes of bench:scheduler: a pod marked for deletion on a
// node (a preemption victim) is removed for good (grace 0), as a kubelet does once its containers
// stopped. Without it the PreemptionBasic preemptors would wait for victims nobody finalizes.
import { Resources } from '../lib/api/resources';
import type { Pod } from '../lib/api/types';
import type { ApiClient } from '../lib/client/api-client';
import { Informer } from '../lib/client/informer';

export interface Finalizer {
  finalized(): number;
  stop(): void;
}

export async function startFinalizer(client: ApiClient, namespace: string): Promise<Finalizer> {
  let n = 0;
  const pods = new Informer<Pod>(client, Resources.pods, { namespace, name: 'bench-finalizer' });
  const finish = (p: Pod) => {
    if (!p.metadata.deletionTimestamp || !p.spec.nodeName) return;
    client
      .delete(Resources.pods, namespace, p.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } })
      .then(() => n++)
      .catch(() => undefined);
  };
  pods.addHandler({ onAdd: finish, onUpdate: (_o, p) => finish(p) });
  await pods.start();
  return { finalized: () => n, stop: () => pods.stop() };
}
