// Finishes the deletion of pods no kubelet will finish: a pod bound to a node but failing the pod
// check (it decodes, but was written around the apiserver's validation) is skipped by its kubelet,
// so the graceful deletion the apiserver starts for it would wait forever — and with it
// `kubectl delete` and the deletion of its namespace. Once its grace period is over, this deletes
// it with gracePeriodSeconds=0, as upstream's pod garbage collector does for terminating pods on
// nodes that cannot finish them.
import type { KObject } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';

/** When to force the deletion of an invalid pod (epoch ms), or undefined when it is not ours to finish. */
export function forceDeleteAt(raw: KObject): number | undefined {
  const m = raw?.metadata;
  if (!m || typeof m.name !== 'string' || typeof m.namespace !== 'string' || typeof m.deletionTimestamp !== 'string') return undefined;
  // Finalizers are other controllers' business; the apiserver keeps the pod until they are gone.
  if (Array.isArray(m.finalizers) && m.finalizers.length > 0) return undefined;
  const spec = (raw as { spec?: { nodeName?: unknown } }).spec;
  // Unbound pods are removed at once by the apiserver: only bound ones wait for a kubelet.
  if (!spec || typeof spec !== 'object' || typeof spec.nodeName !== 'string' || !spec.nodeName) return undefined;
  const at = Date.parse(m.deletionTimestamp);
  return Number.isFinite(at) ? at : 0;
}

/** Wait before trying a failed forced deletion again. */
const RETRY_MS = 5000;

export class InvalidPodsController {
  private readonly log = componentLogger('invalid-pods-controller');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly client: ApiClient,
    private readonly pods: Informer<KObject>,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.pods.addHandler({
      onInvalid: (raw) => this.consider(raw),
      // A pod that is valid again (or gone) is its kubelet's again.
      onAdd: (p) => this.cancel(`${p.metadata.namespace}/${p.metadata.name}`),
      onUpdate: (_o, p) => this.cancel(`${p.metadata.namespace}/${p.metadata.name}`),
      onDelete: (p) => this.cancel(`${p.metadata.namespace}/${p.metadata.name}`),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private consider(raw: KObject): void {
    const at = forceDeleteAt(raw);
    const m = raw?.metadata;
    if (at === undefined || this.stopped) {
      if (typeof m?.name === 'string' && typeof m.namespace === 'string') this.cancel(`${m.namespace}/${m.name}`);
      return;
    }
    this.schedule(m.namespace!, m.name!, typeof m.uid === 'string' ? m.uid : undefined, at - this.now());
  }

  private schedule(namespace: string, name: string, uid: string | undefined, delayMs: number): void {
    const key = `${namespace}/${name}`;
    this.cancel(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      void this.forceDelete(namespace, name, uid);
    }, Math.max(0, delayMs));
    t.unref?.();
    this.timers.set(key, t);
  }

  private async forceDelete(namespace: string, name: string, uid: string | undefined): Promise<void> {
    if (this.stopped) return;
    try {
      await this.client.delete(Resources.pods, namespace, name, { gracePeriodSeconds: 0, preconditions: uid ? { uid } : undefined });
      this.log.warn({ pod: `${namespace}/${name}` }, 'deleted an invalid pod no kubelet can finish');
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      this.log.warn({ pod: `${namespace}/${name}`, err: (err as Error).message }, 'deleting an invalid pod failed, retrying');
      this.schedule(namespace, name, uid, RETRY_MS);
    }
  }
}
