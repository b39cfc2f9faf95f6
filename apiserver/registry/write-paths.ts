// The registry's write paths on existing objects: update, patch, the scale subresource and pod
// binding. Each is a compare-and-swap loop whose first attempt may start from the watch cache's
// copy; they share readForWrite and updateFrom so every path retries and judges the same way.
import type { KObject } from '../../lib/api/types';
import { apiError, isConflict } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { ResourceSpec } from '../resources';
import type { WatchCaches } from '../cache/watch-caches';
import type { EtcdStore, ObjectKey } from '../storage/etcd-store';
import { conflict, qualifiedResource } from '../storage/errors';
import { applyPatch } from '../patch';
import { bumpGeneration, deepCopy, mergeForUpdate, sameObject } from './object-meta';
import type { ServiceAllocator } from './service-allocator';
import { applyScale, bindPod, scaleOf, type Binding, type Scale } from './subresources';
import type { PatchType, ResourceDef, WriteOptions } from './types';
import type { Admit } from '../admission';
import { invalidError } from '../resources/validation';
import { checkDepth, checkTypeMeta, keyOf, MAX_RETRIES, requireNamespace, requireScale, shaped, validateAll } from './write-checks';

const log = componentLogger('apiserver', { part: 'registry' });

export interface WritePathDeps {
  store: EtcdStore;
  caches: WatchCaches;
  allocator: ServiceAllocator;
  now: () => Date;
  specOf: (def: ResourceDef) => ResourceSpec;
  /** Mutating admission of the main resource's updates. */
  admit?: Admit;
  /** Validating admission that reads other objects (quota), on main-resource updates of namespaced kinds. */
  admitUpdate?: (s: ResourceSpec, next: KObject, stored: KObject, dryRun: boolean) => Promise<void>;
}

export interface WritePaths {
  update(s: ResourceSpec, namespace: string | undefined, name: string, input: KObject, o: WriteOptions): Promise<KObject>;
  patch(s: ResourceSpec, namespace: string | undefined, name: string, type: PatchType, body: unknown, o: WriteOptions): Promise<KObject>;
  bind(namespace: string | undefined, podName: string, binding: Binding): Promise<KObject>;
}

export function createWritePaths({ store, caches, allocator, now, specOf, admit, admitUpdate }: WritePathDeps): WritePaths {
  /**
   * The object to base a compare-and-swap write on. The first attempt takes the watch cache's copy,
   * as Kubernetes' GuaranteedUpdate does: a stale copy only fails the swap, and the retry reads
   * etcd. With the client's resourceVersion, the copy is used only when it is at that version.
   */
  async function readForWrite(s: ResourceSpec, namespace: string | undefined, name: string, fresh: boolean, expectRv?: string): Promise<{ obj: KObject; cached: boolean }> {
    if (!fresh) {
      const cache = await caches.forResource(s).catch(() => undefined);
      const copy = cache?.get(s.namespaced ? namespace : undefined, name);
      if (copy && (!expectRv || copy.metadata.resourceVersion === expectRv)) return { obj: deepCopy(copy), cached: true };
    }
    return { obj: await store.get(keyOf(s, namespace, name)), cached: false };
  }

  async function bind(namespace: string | undefined, podName: string, binding: Binding): Promise<KObject> {
    const s = specOf({ apiVersion: 'v1', resource: 'pods' } as ResourceDef);
    const name = podName || binding.metadata?.name;
    if (!name) throw apiError(400, 'BadRequest', 'a Binding needs the pod name');
    for (let attempt = 0; ; attempt++) {
      const { obj: pod, cached } = await readForWrite(s, namespace, name, attempt > 0);
      try {
        const bound = bindPod(pod as never, binding, now());
        await store.update(keyOf(s, namespace, name), bound, pod.metadata.resourceVersion);
        return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 } as unknown as KObject;
      } catch (e) {
        // Whatever failed against the cache's copy is judged again against etcd's.
        if (cached || (isConflict(e) && attempt < MAX_RETRIES)) continue;
        throw e;
      }
    }
  }

  /** One update attempt; expectedRv empty = unconditional (against the freshly read object). */
  async function updateOnce(s: ResourceSpec, namespace: string | undefined, name: string, input: KObject, o: WriteOptions, fresh = true): Promise<KObject> {
    checkTypeMeta(s, input);
    if (input.metadata.name && input.metadata.name !== name)
      throw apiError(400, 'BadRequest', `the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    if (s.namespaced && input.metadata.namespace && namespace && input.metadata.namespace !== namespace)
      throw apiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    const key = keyOf(s, namespace, name);
    const { obj: stored, cached } = await readForWrite(s, namespace, name, fresh, input.metadata.resourceVersion);
    if (cached) {
      // Whatever fails against the cache's copy (a lost swap, a check of a stale field) and a
      // no-op (which writes nothing, so nothing confirmed the copy) is decided again on etcd's.
      try {
        const out = await updateFrom(s, key, name, input, o, stored);
        if (out !== stored) return out;
      } catch {
        /* judged again below */
      }
      return updateOnce(s, namespace, name, input, o, true);
    }
    return updateFrom(s, key, name, input, o, stored);
  }

  /** The update of one attempt, against the object it read. */
  async function updateFrom(s: ResourceSpec, key: ObjectKey, name: string, input: KObject, o: WriteOptions, stored: KObject): Promise<KObject> {
    const expectedRv = input.metadata.resourceVersion || stored.metadata.resourceVersion;
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== stored.metadata.resourceVersion)
      throw conflict(s, name);
    if (input.metadata.uid && input.metadata.uid !== stored.metadata.uid)
      throw apiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(s)} "${name}": Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${stored.metadata.uid}`);
    // A status-like subresource (a CSR's approval) merges as status does, then the kind's own
    // rules say what of the status it may change.
    const asked = s.hasStatus ? o.subresource : undefined;
    const subresource = asked && s.subresourceUpdate ? 'status' : asked;
    let next = input;
    shaped(s, input, () => {
      next = mergeForUpdate(s, { ...input, apiVersion: s.apiVersion, kind: s.kind }, stored, subresource);
      if (asked && s.subresourceUpdate) {
        const errs = s.subresourceUpdate(next, stored, asked);
        if (errs.length) throw invalidError(s.kind, name, errs);
      }
      next.apiVersion = s.apiVersion;
      next.kind = s.kind;
      if (subresource !== 'status') {
        s.defaults?.(next);
        admit?.(s.resource, next, 'update', stored);
        s.prepareForUpdate?.(next, stored);
        bumpGeneration(s, next, stored);
      }
    });
    validateAll(s, next, subresource === 'status' ? undefined : stored, subresource);
    if (sameObject(next, stored)) return stored;
    // The last finalizer removed from an object being deleted: the update completes the delete.
    if (stored.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length && !(s.resource === 'pods' && (stored.metadata.deletionGracePeriodSeconds ?? 0) > 0)) {
      if (o.dryRun) return next;
      const gone = await store.delete(key, expectedRv);
      if (s.resource === 'services') await allocator.release(gone).catch(() => undefined);
      return gone;
    }
    if (subresource !== 'status' && (s.namespaced || s.resource === 'priorityclasses')) await admitUpdate?.(s, next, stored, !!o.dryRun);
    if (o.dryRun) return next;
    const realloc = s.resource === 'services' && subresource !== 'status' ? await allocator.reallocate(next, stored) : undefined;
    try {
      const saved = await store.update(key, next, expectedRv, { ttlSeconds: s.ttlSeconds });
      await realloc?.commit().catch((e) => log.warn({ err: String(e) }, 'releasing service allocations failed'));
      return saved;
    } catch (e) {
      await realloc?.undo();
      throw e;
    }
  }

  async function update(s: ResourceSpec, namespace: string | undefined, name: string, input: KObject, o: WriteOptions): Promise<KObject> {
    requireNamespace(s, namespace);
    if (o.subresource === 'scale') return updateScale(s, namespace, name, input as Scale, o);
    const statusLike = o.subresource === 'status' || (!!o.subresource && !!s.subresourceUpdate && s.subresources.includes(o.subresource));
    if (o.subresource && !statusLike) throw apiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${o.subresource})`);
    const unconditional = !input?.metadata?.resourceVersion;
    for (let attempt = 0; ; attempt++) {
      try {
        return await updateOnce(s, namespace, name, input, o, attempt > 0);
      } catch (e) {
        // Unconditional updates lost a race with another writer: re-read and try again.
        if (unconditional && isConflict(e) && attempt < MAX_RETRIES) continue;
        throw e;
      }
    }
  }

  async function updateScale(s: ResourceSpec, namespace: string | undefined, name: string, scale: Scale, o: WriteOptions): Promise<KObject> {
    requireScale(s);
    for (let attempt = 0; ; attempt++) {
      const stored = await store.get(keyOf(s, namespace, name));
      const rv = scale.metadata?.resourceVersion;
      if (rv && rv !== stored.metadata.resourceVersion) throw conflict(s, name);
      const next = applyScale(stored, scale);
      try {
        const saved = await updateOnce(s, namespace, name, { ...next, metadata: { ...next.metadata, resourceVersion: stored.metadata.resourceVersion } }, { ...o, subresource: undefined });
        return scaleOf(saved);
      } catch (e) {
        if (!rv && isConflict(e) && attempt < MAX_RETRIES) continue;
        throw e;
      }
    }
  }

  async function patch(s: ResourceSpec, namespace: string | undefined, name: string, type: PatchType, body: unknown, o: WriteOptions): Promise<KObject> {
    requireNamespace(s, namespace);
    if (!['merge', 'json', 'strategic'].includes(type)) throw apiError(415, 'UnsupportedMediaType', `unsupported patch type "${type}"`);
    checkDepth(body);
    for (let attempt = 0; ; attempt++) {
      const { obj: stored, cached } = await readForWrite(s, namespace, name, attempt > 0);
      const isScale = o.subresource === 'scale';
      if (isScale) requireScale(s);
      let pinned = false;
      try {
        const original = isScale ? scaleOf(stored) : stored;
        const patched = applyPatch(type, deepCopy(original), body, isScale ? 'Scale' : s.kind);
        if (!patched || typeof patched !== 'object') throw apiError(422, 'Invalid', 'the patch produced something that is not an object');
        patched.metadata ??= {};
        o.checkPatched?.(patched, original);
        // A resourceVersion written by the patch itself is a precondition; otherwise we CAS on what we read.
        pinned = !!patched.metadata.resourceVersion && patched.metadata.resourceVersion !== original.metadata.resourceVersion;
        if (!pinned) patched.metadata.resourceVersion = stored.metadata.resourceVersion;
        if (isScale) return await updateScale(s, namespace, name, patched as Scale, o);
        return await updateOnce(s, namespace, name, patched, o, attempt > 0);
      } catch (e) {
        // A patch judged against the cache's copy is judged again against etcd's.
        if (cached || (!pinned && isConflict(e) && attempt < MAX_RETRIES)) continue;
        throw e;
      }
    }
  }

  return { update, patch, bind };
}
