// The garbage collector: deletes objects whose owners are all gone (checked by uid, confirmed by a
// live read so a lagging cache never causes a wrong delete), drops dangling references when only
// some owners are gone, and carries out the two deletion modes owners can ask for: the `orphan`
// finalizer (dependents lose their reference, then the owner goes) and the `foregroundDeletion`
// finalizer (dependents are deleted first; blockOwnerDeletion ones are waited for).
import type { KObject, OwnerReference } from '../../lib/api/types';
import type { ResourceType } from '../../lib/api/resources';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue } from '../../lib/client/workqueue';
import { isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { deepCopy } from '../common/pod-utils';
import {
  FOREGROUND_FINALIZER, ORPHAN_FINALIZER, blockingDependents, hasFinalizer, planDependent, withoutOwner, type OwnerState,
} from './owners';

const OWNER_INDEX = 'gc-owner-uid';

export interface WatchedResource {
  rt: ResourceType;
  informer: Informer<KObject>;
}

const keyFor = (rt: ResourceType, ns: string | undefined, name: string) => `${rt.resource}|${ns ?? ''}|${name}`;

export class GarbageCollector {
  private readonly log = componentLogger('garbage-collector');
  private readonly queue = new WorkQueue({ name: 'garbage-collector' });
  private readonly byResource = new Map<string, WatchedResource>();

  constructor(private readonly client: ApiClient, private readonly watched: WatchedResource[]) {
    for (const w of watched) this.byResource.set(w.rt.resource, w);
  }

  start(workers = 2): void {
    for (const w of this.watched) {
      w.informer.addIndex(OWNER_INDEX, (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid));
      const touch = (o: KObject) => {
        if (o.metadata.ownerReferences?.length || hasFinalizer(o, ORPHAN_FINALIZER) || hasFinalizer(o, FOREGROUND_FINALIZER)) {
          this.queue.add(keyFor(w.rt, o.metadata.namespace, o.metadata.name!));
        }
      };
      w.informer.addHandler({
        onAdd: touch,
        onUpdate: (_o, n) => touch(n),
        onDelete: (o) => {
          // Its dependents may now be orphans; an owner waiting in foreground may now be free.
          for (const d of this.dependentsOf(o.metadata.uid!)) this.queue.add(keyFor(d.rt, d.obj.metadata.namespace, d.obj.metadata.name!));
          for (const r of o.metadata.ownerReferences ?? []) {
            const rt = this.rtForRef(r);
            if (rt) this.queue.add(keyFor(rt, rt.namespaced ? o.metadata.namespace : undefined, r.name));
          }
        },
      });
    }
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  private rtForRef(r: OwnerReference): ResourceType | undefined {
    return Object.values(Resources).find((rt) => rt.kind === r.kind && rt.apiVersion === r.apiVersion);
  }

  private dependentsOf(uid: string): { rt: ResourceType; obj: KObject }[] {
    const out: { rt: ResourceType; obj: KObject }[] = [];
    for (const w of this.watched) for (const obj of w.informer.byIndex(OWNER_INDEX, uid)) out.push({ rt: w.rt, obj });
    return out;
  }

  async reconcile(key: string): Promise<void> {
    const [resource, ns, name] = key.split('|');
    const w = this.byResource.get(resource);
    const obj = w?.informer.get(ns || undefined, name);
    if (!w || !obj) return;
    if (obj.metadata.deletionTimestamp) {
      if (hasFinalizer(obj, ORPHAN_FINALIZER)) await this.orphanDependents(w.rt, obj);
      else if (hasFinalizer(obj, FOREGROUND_FINALIZER)) await this.deleteDependentsFirst(w.rt, obj);
      return;
    }
    const states = new Map<string, OwnerState>();
    for (const r of obj.metadata.ownerReferences ?? []) states.set(r.uid, await this.ownerState(r, obj.metadata.namespace));
    const plan = planDependent(obj, states);
    try {
      if (plan.action === 'delete') {
        this.log.info({ object: key }, 'deleting object whose owners are gone');
        await this.client.delete(w.rt, obj.metadata.namespace, name, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } });
      } else if (plan.action === 'dropRefs') {
        await this.client.patch(w.rt, obj.metadata.namespace, name, 'merge', {
          metadata: { ownerReferences: plan.ownerReferences, resourceVersion: obj.metadata.resourceVersion },
        });
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Cache first; anything that looks gone is confirmed by a live read. */
  private async ownerState(r: OwnerReference, namespace: string | undefined): Promise<OwnerState> {
    const rt = this.rtForRef(r);
    if (!rt) return 'unknown';
    const ns = rt.namespaced ? namespace : undefined;
    const cached = this.byResource.get(rt.resource)?.informer.get(ns, r.name);
    if (cached && cached.metadata.uid === r.uid) return 'exists';
    try {
      const live = await this.client.get(rt, ns, r.name);
      return live.metadata.uid === r.uid ? 'exists' : 'absent';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }

  private async orphanDependents(rt: ResourceType, owner: KObject): Promise<void> {
    const uid = owner.metadata.uid!;
    for (const d of this.dependentsOf(uid)) {
      try {
        await this.client.patch(d.rt, d.obj.metadata.namespace, d.obj.metadata.name!, 'merge', {
          // null removes the field: Kubernetes never serves an empty ownerReferences list.
          metadata: { ownerReferences: withoutOwner(d.obj, uid).length ? withoutOwner(d.obj, uid) : null, resourceVersion: d.obj.metadata.resourceVersion },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    this.log.info({ owner: owner.metadata.name, kind: owner.kind }, 'orphaned dependents');
    await this.removeFinalizer(rt, owner, ORPHAN_FINALIZER);
  }

  private async deleteDependentsFirst(rt: ResourceType, owner: KObject): Promise<void> {
    const uid = owner.metadata.uid!;
    const dependents = this.dependentsOf(uid);
    for (const d of dependents) {
      if (d.obj.metadata.deletionTimestamp) continue;
      // Dependents with dependents of their own go in foreground too, so the chain unwinds bottom-up.
      const policy = this.dependentsOf(d.obj.metadata.uid!).length > 0 ? 'Foreground' : 'Background';
      try {
        await this.client.delete(d.rt, d.obj.metadata.namespace, d.obj.metadata.name!, { propagationPolicy: policy, preconditions: { uid: d.obj.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
    const blocking = blockingDependents(uid, dependents.map((d) => d.obj));
    if (blocking.length > 0) return; // their deletion events requeue the owner
    await this.removeFinalizer(rt, owner, FOREGROUND_FINALIZER);
  }

  private async removeFinalizer(rt: ResourceType, owner: KObject, finalizer: string): Promise<void> {
    const copy = deepCopy(owner);
    copy.metadata.finalizers = (copy.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.client.update(rt, copy);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
