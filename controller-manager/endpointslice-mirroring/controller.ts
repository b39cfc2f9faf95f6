// The EndpointSlice mirroring controller (upstream's endpointslice-mirroring-controller): the
// hand-written Endpoints of a Service without a selector become EndpointSlices, so that
// slice-only consumers (kube-proxy, cluster DNS) see those Services. What to mirror and how is
// plan.ts; this file turns events into keys (namespace/name of the Endpoints and Service) and
// applies the plan.
//
// The mirrored slices of a key are listed from the apiserver, not from the cache, before any
// write: slices are created with generateName, so a cache that has not seen a fresh slice yet
// would make a second one. The cache only spares that list when nothing is to be mirrored and it
// holds no mirrored slice for the key (the common case: Endpoints of selector Services); a slice
// it has not seen yet arrives as an event and brings the key back.
import type { Endpoints, Service } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../endpoints/slices';
import { MIRRORING_MANAGED_BY, notMirroredBecause, planMirroring, type MirroredSlice } from './plan';

const isMirrored = (s: MirroredSlice) => s.metadata.labels?.[MANAGED_BY_LABEL] === MIRRORING_MANAGED_BY;

export class EndpointSliceMirroringController {
  private readonly log = componentLogger('endpointslice-mirroring-controller');
  private readonly queue = new WorkQueue({ name: 'endpointslice-mirroring' });

  constructor(
    private readonly client: ApiClient,
    private readonly services: Informer<Service>,
    private readonly endpoints: Informer<Endpoints>,
    private readonly slices: Informer<MirroredSlice>,
  ) {}

  start(workers = 2): void {
    const key = (o: Service | Endpoints) => this.queue.add(keyOf(o));
    this.services.addHandler({ onAdd: key, onUpdate: (_o, n) => key(n), onDelete: key });
    this.endpoints.addHandler({ onAdd: key, onUpdate: (_o, n) => key(n), onDelete: key });
    // A mirrored slice changed or deleted by someone else is put back; one left over is removed.
    const slice = (s: MirroredSlice) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (isMirrored(s) && svc) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    this.slices.addHandler({ onAdd: slice, onUpdate: (o, n) => (slice(o), slice(n)), onDelete: slice });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.get(namespace, name);
    const ep = this.endpoints.get(namespace, name);
    const why = notMirroredBecause(svc, ep);
    const cached = this.slices.list(namespace).filter((s) => isMirrored(s) && s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
    if (why !== undefined && cached.length === 0) return;

    const existing = (await this.client.list<MirroredSlice>(Resources.endpointslices, namespace, {
      labelSelector: `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${MIRRORING_MANAGED_BY}`,
    })).items;
    const plan = planMirroring(svc, ep, existing);
    for (const s of plan.delete) {
      try {
        await this.client.delete(Resources.endpointslices, namespace, s.metadata.name!, { preconditions: { uid: s.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    // A conflict throws: the queue retries with a fresh list.
    for (const s of plan.update) await this.client.update(Resources.endpointslices, s);
    for (const s of plan.create) await this.client.create(Resources.endpointslices, s);
    if (plan.delete.length + plan.update.length + plan.create.length) {
      this.log.info(
        { endpoints: key, created: plan.create.length, updated: plan.update.length, deleted: plan.delete.length, ...(why ? { why } : {}) },
        why ? 'removed mirrored endpoint slices' : 'mirrored endpoints into endpoint slices',
      );
    }
  }
}
