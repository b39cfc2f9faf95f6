// The garbage collector, generic over every kind the apiserver serves (monitors.ts learns them by
// discovery). An object whose owners are all gone is deleted (each owner checked by uid against
// the cache, confirmed by a live read, so a lagging cache never causes a wrong delete); one that
// keeps a live owner loses only its dangling references. Owners ask for the deletion modes:
// the `orphan` finalizer (dependents lose their reference, then the owner goes) and the
// `foregroundDeletion` finalizer (dependents are collected first; those with blockOwnerDeletion
// are waited for). The decisions are owners.ts's; this gathers facts and carries them out.
import type { KObject, OwnerReference } from '../../lib/api/types';
import type { ApiClient, ServedResource } from '../../lib/client/api-client';
import type { EventRecorder } from '../../lib/client/event-recorder';
import type { InformerHandlers } from '../../lib/client/informer';
import { WorkQueue } from '../../lib/client/workqueue';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { deepCopy } from '../common/pod-utils';
import { Monitors, ownInformers, resourceKey, type InformerSource, type Monitor } from './monitors';
import {
  FOREGROUND_FINALIZER, ORPHAN_FINALIZER, hasFinalizer, invalidNamespaceMessage, isDeletingDependents, planDeletingOwner, planDependent, unblocked,
  withoutOwner, type DependentAction, type OwnerState,
} from './owners';

/** An owner reference names a kind the apiserver does not serve (yet): the object is retried. */
export class UnresolvableOwnerError extends Error {
  readonly code = 'GC_OWNER_KIND_UNRESOLVABLE';
  constructor(refs: OwnerReference[]) {
    super(`unable to get REST mapping for ${refs.map((r) => `${r.apiVersion}/${r.kind}`).join(', ')}`);
    this.name = 'UnresolvableOwnerError';
  }
}

export interface GarbageCollectorOptions {
  /** Every served resource (the apiserver's kind registry). */
  discover: () => Promise<ServedResource[]>;
  recorder?: EventRecorder;
  /** How often discovery runs again to pick up new kinds (ms). */
  discoveryPeriodMs?: number;
  workers?: number;
  /** The informers to use (the controller-manager's shared ones); by default the collector's own. */
  informers?: InformerSource;
}

const keyOf = (rt: ServedResource, ns: string | undefined, name: string) => `${resourceKey(rt)}|${ns ?? ''}|${name}`;

export class GarbageCollector {
  private readonly log = componentLogger('garbage-collector');
  private readonly queue = new WorkQueue({ name: 'garbage-collector' });
  readonly monitors: Monitors;

  constructor(private readonly client: ApiClient, private readonly opts: GarbageCollectorOptions) {
    this.monitors = new Monitors(opts.informers ?? ownInformers(client), opts.discover, (m) => this.handlers(m), opts.discoveryPeriodMs);
  }

  start(): void {
    void this.monitors.start();
    this.queue.run(this.opts.workers ?? 4, (k) => this.reconcile(k));
  }

  /** Resolves once the first discovery's informers have listed (tests wait on it). */
  async started(): Promise<void> {
    await this.monitors.resync();
  }

  async stop(): Promise<void> {
    this.monitors.stop();
    await this.queue.shutdown();
  }

  private handlers(m: Monitor): InformerHandlers<KObject> {
    const enqueue = (o: KObject) => this.queue.add(keyOf(m.rt, o.metadata.namespace, o.metadata.name!));
    const enqueueOwners = (o: KObject, refs: OwnerReference[]) => {
      for (const r of refs) {
        const rt = this.monitors.kind(r.apiVersion, r.kind);
        if (rt) this.queue.add(keyOf(rt, rt.namespaced ? o.metadata.namespace : undefined, r.name));
      }
    };
    const enqueueDependents = (o: KObject) => {
      for (const d of this.monitors.dependentsOf(o.metadata.uid!)) this.queue.add(keyOf(d.m.rt, d.obj.metadata.namespace, d.obj.metadata.name!));
    };
    const touch = (o: KObject) => {
      if (o.metadata.ownerReferences?.length || hasFinalizer(o, ORPHAN_FINALIZER) || hasFinalizer(o, FOREGROUND_FINALIZER)) enqueue(o);
      // Its dependents now see a waiting owner.
      if (isDeletingDependents(o)) enqueueDependents(o);
    };
    return {
      onAdd: touch,
      onUpdate: (old, n) => {
        touch(n);
        // A reference dropped or unblocked may be what a foreground deletion waits for.
        const now = new Map((n.metadata.ownerReferences ?? []).map((r) => [r.uid, r]));
        enqueueOwners(n, (old.metadata.ownerReferences ?? []).filter((r) => !now.has(r.uid) || (r.blockOwnerDeletion && !now.get(r.uid)!.blockOwnerDeletion)));
      },
      onDelete: (o) => {
        // Its dependents may now be orphans; an owner waiting in foreground may now be free.
        enqueueDependents(o);
        enqueueOwners(o, o.metadata.ownerReferences ?? []);
      },
    };
  }

  async reconcile(key: string): Promise<void> {
    const [apiVersion, resource, ns, name] = key.split('|');
    const m = this.monitors.get(`${apiVersion}|${resource}`);
    const obj = m?.informer.get(ns || undefined, name);
    if (!m || !obj) return;
    if (obj.metadata.deletionTimestamp) return this.reconcileDeleting(m, obj);
    let plan = await this.planFor(obj);
    if (plan.action === 'none') return;
    // Decide on the live object: the cache may lag behind an adoption or a new owner.
    let latest: KObject;
    try {
      latest = await this.client.get(m.rt, obj.metadata.namespace, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (latest.metadata.uid !== obj.metadata.uid || latest.metadata.deletionTimestamp) return;
    plan = await this.planFor(latest);
    await this.carryOut(m, latest, plan);
  }

  private async planFor(obj: KObject): Promise<DependentAction> {
    const owners = new Map<string, OwnerState>();
    for (const r of obj.metadata.ownerReferences ?? []) owners.set(r.uid, await this.ownerState(r, obj));
    const dependents = this.monitors.dependentsOf(obj.metadata.uid!);
    return planDependent({ obj, owners, hasDependents: dependents.length > 0, dependentDeletingDependents: dependents.some((d) => isDeletingDependents(d.obj)) });
  }

  private async carryOut(m: Monitor, obj: KObject, plan: DependentAction): Promise<void> {
    const where = { resource: resourceKey(m.rt), namespace: obj.metadata.namespace, name: obj.metadata.name };
    switch (plan.action) {
      case 'none':
        return;
      case 'retry':
        throw new UnresolvableOwnerError(plan.refs);
      case 'invalidNamespace':
        for (const r of plan.refs) this.opts.recorder?.event(obj, 'Warning', 'OwnerRefInvalidNamespace', invalidNamespaceMessage(r, obj.metadata.namespace));
        this.log.info(where, 'cluster-scoped object refers to a namespaced owner kind; not collected');
        return;
      case 'dropRefs':
        this.log.info({ ...where, keep: plan.ownerReferences.map((r) => r.uid) }, 'dropping references to owners gone or waiting');
        await this.ignoreNotFound(() =>
          this.client.patch(m.rt, obj.metadata.namespace, obj.metadata.name!, 'merge', { metadata: { ownerReferences: plan.ownerReferences, resourceVersion: obj.metadata.resourceVersion } }),
        );
        return;
      case 'delete':
        if (plan.unblock) {
          await this.ignoreNotFound(() =>
            this.client.patch(m.rt, obj.metadata.namespace, obj.metadata.name!, 'merge', { metadata: { ownerReferences: unblocked(obj), resourceVersion: obj.metadata.resourceVersion } }),
          );
        }
        this.log.info({ ...where, policy: plan.policy }, 'deleting object whose owners are gone');
        try {
          await this.client.delete(m.rt, obj.metadata.namespace, obj.metadata.name!, { propagationPolicy: plan.policy, preconditions: { uid: obj.metadata.uid } });
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e;
        }
    }
  }

  /** An owner reference against the cache, confirmed by a live read when it looks gone. */
  private async ownerState(r: OwnerReference, dependent: KObject): Promise<OwnerState> {
    const rt = this.monitors.kind(r.apiVersion, r.kind);
    if (!rt) return 'unresolvable';
    if (rt.namespaced && !dependent.metadata.namespace) return 'invalidNamespace';
    const ns = rt.namespaced ? dependent.metadata.namespace : undefined;
    const judge = (o: KObject): OwnerState => (isDeletingDependents(o) ? 'waiting' : 'solid');
    const cached = this.monitors.get(resourceKey(rt))?.informer.get(ns, r.name);
    if (cached && cached.metadata.uid === r.uid) return judge(cached);
    let state: OwnerState;
    try {
      const live = await this.client.get(rt, ns, r.name);
      state = live.metadata.uid === r.uid ? judge(live) : 'dangling';
    } catch (e) {
      if (!isNotFound(e)) throw e;
      state = 'dangling';
    }
    // An owner with that uid in another namespace does not count (references are namespace-local).
    if (state === 'dangling' && rt.namespaced && this.monitors.withUid(rt, r.uid).some((o) => o.metadata.namespace !== ns)) {
      this.opts.recorder?.event(dependent, 'Warning', 'OwnerRefInvalidNamespace', invalidNamespaceMessage(r, ns));
    }
    return state;
  }

  private async reconcileDeleting(m: Monitor, owner: KObject): Promise<void> {
    const dependents = this.monitors.dependentsOf(owner.metadata.uid!);
    const plan = planDeletingOwner(owner, dependents.map((d) => d.obj));
    if (plan.action === 'orphan') {
      for (const d of dependents) {
        const left = withoutOwner(d.obj, owner.metadata.uid!);
        // null removes the field: Kubernetes never serves an empty ownerReferences list.
        await this.ignoreNotFound(() =>
          this.client.patch(d.m.rt, d.obj.metadata.namespace, d.obj.metadata.name!, 'merge', { metadata: { ownerReferences: left.length ? left : null, resourceVersion: d.obj.metadata.resourceVersion } }),
        );
      }
      this.log.info({ owner: owner.metadata.name, kind: owner.kind, dependents: dependents.length }, 'orphaned dependents');
      await this.removeFinalizer(m, owner, ORPHAN_FINALIZER);
    } else if (plan.action === 'foreground') {
      // Each dependent sees its owner waiting and is collected (in foreground itself when it has
      // dependents); the owner goes once no dependent blocks it any more.
      for (const d of dependents) if (!d.obj.metadata.deletionTimestamp) this.queue.add(keyOf(d.m.rt, d.obj.metadata.namespace, d.obj.metadata.name!));
      if (plan.blocking === 0) await this.removeFinalizer(m, owner, FOREGROUND_FINALIZER);
    }
  }

  private async removeFinalizer(m: Monitor, owner: KObject, finalizer: string): Promise<void> {
    const copy = deepCopy(owner);
    copy.metadata.finalizers = (copy.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    await this.ignoreNotFound(() => this.client.update(m.rt, copy));
  }

  private async ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
