// The resource quota controller: keeps each ResourceQuota's status.hard (its spec's) and
// status.used (recalculated from the namespace's objects) right. Quota admission charges creates
// as they happen; this controller gives usage back when objects go away (pods deleted or
// finished, services deleted or retyped, claims, config maps and secrets deleted), takes up new or changed quotas, and
// recalculates every quota on a resync period (upstream's --resource-quota-sync-period), which
// also corrects charges whose object was never stored.
import type { KObject, Pod } from '../../lib/api/types';
import { Resources, type ResourceType } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { podChargesCompute, type GroupResource, type ResourceQuotaLike } from '../../lib/api/quota-usage';
import { desiredQuotaStatus, grKey, quotaStatusDiffers, trackedKinds } from './usage-plan';
import { jsonEqual } from '../../lib/api/json-equal';

const groupOf = (rt: ResourceType): string => (rt.apiVersion.includes('/') ? rt.apiVersion.split('/')[0] : '');
/** Every kind a quota can count, by group/resource, from the client's resource table. */
const KINDS: Map<string, ResourceType> = new Map(Object.values(Resources).map((rt) => [grKey({ group: groupOf(rt), resource: rt.resource }), rt]));
const KNOWN: GroupResource[] = [...KINDS.values()].filter((rt) => rt.namespaced).map((rt) => ({ group: groupOf(rt), resource: rt.resource }));

export interface ResourceQuotaControllerOptions {
  /** Full recalculation of every quota at this interval. */
  resyncMs: number;
  now?: () => Date;
}

export class ResourceQuotaController {
  private readonly log = componentLogger('resourcequota-controller');
  private readonly queue = new WorkQueue({ name: 'resourcequota_primary' });
  private resyncTimer?: NodeJS.Timeout;
  private readonly now: () => Date;

  constructor(
    private readonly client: ApiClient,
    private readonly quotas: Informer<ResourceQuotaLike>,
    private readonly pods: Informer<Pod>,
    private readonly services: Informer<KObject>,
    private readonly opts: ResourceQuotaControllerOptions,
    /** Caches of other counted kinds (claims, config maps, secrets): their deletions give usage back. */
    private readonly others: { rt: ResourceType; informer: Informer<KObject> }[] = [],
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  start(workers = 2): void {
    this.quotas.addHandler({
      onAdd: (q) => this.queue.add(keyOf(q)),
      // Status writes (admission's charges, our own) need no recalculation; spec changes do.
      onUpdate: (o, q) => {
        if (!jsonEqual(o.spec, q.spec) || !jsonEqual(q.spec?.hard ?? {}, q.status?.hard ?? {})) this.queue.add(keyOf(q));
      },
    });
    const replenish = (ns: string | undefined) => {
      for (const q of this.quotas.list(ns)) this.queue.add(keyOf(q));
    };
    this.pods.addHandler({
      onUpdate: (o, p) => {
        const now = this.now();
        if (podChargesCompute(o, now) && !podChargesCompute(p, now)) replenish(p.metadata.namespace);
      },
      onDelete: (p) => replenish(p.metadata.namespace),
    });
    this.services.addHandler({
      onUpdate: (o, s) => {
        if ((o as { spec?: { type?: string } }).spec?.type !== (s as { spec?: { type?: string } }).spec?.type) replenish(s.metadata.namespace);
      },
      onDelete: (s) => replenish(s.metadata.namespace),
    });
    for (const { informer } of this.others) {
      informer.addHandler({
        onUpdate: (o, n) => {
          // A resized claim (RequiresQuotaReplenish); other kinds only count as objects.
          const size = (x: KObject) => JSON.stringify((x as { spec?: { resources?: { requests?: unknown } } }).spec?.resources?.requests ?? null);
          if (size(o) !== size(n)) replenish(n.metadata.namespace);
        },
        onDelete: (x) => replenish(x.metadata.namespace),
      });
    }
    if (this.opts.resyncMs > 0) {
      this.resyncTimer = setInterval(() => replenish(undefined), this.opts.resyncMs);
      this.resyncTimer.unref();
    }
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  async stop(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.queue.shutdown();
  }

  /** The namespace's objects of a kind: pods and services from the caches, others listed. */
  private async objectsOf(gr: GroupResource, namespace: string): Promise<KObject[]> {
    if (!gr.group && gr.resource === 'pods') return this.pods.list(namespace);
    if (!gr.group && gr.resource === 'services') return this.services.list(namespace);
    if (!gr.group && gr.resource === 'resourcequotas') return this.quotas.list(namespace);
    const cached = this.others.find((o) => o.rt.resource === gr.resource && groupOf(o.rt) === gr.group);
    if (cached) return cached.informer.list(namespace);
    const rt = KINDS.get(grKey(gr));
    if (!rt) return [];
    return (await this.client.list(rt, namespace)).items;
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const quota = this.quotas.get(namespace, name);
    if (!quota) return;
    const names = Object.keys(quota.spec?.hard ?? {});
    const objects = new Map<string, KObject[]>();
    for (const gr of trackedKinds(names, KNOWN)) objects.set(grKey(gr), await this.objectsOf(gr, namespace!));
    const status = desiredQuotaStatus(quota, objects, KNOWN, this.now());
    if (!quotaStatusDiffers(quota, status)) return;
    try {
      await this.client.updateStatus(Resources.resourcequotas, { ...quota, status });
      this.log.info({ quota: key, used: status.used }, 'quota status updated');
    } catch (e) {
      if (isNotFound(e)) return;
      // Admission charged it meanwhile: judge again from the newer object.
      if (isConflict(e)) {
        this.queue.addAfter(key, 100);
        return;
      }
      throw e;
    }
  }
}
