// The one generic registry both doors call: resolves resources, runs each kind's strategy
// (defaults, validation, server-owned metadata) and stores through EtcdStore with compare-and-swap.
import type { KList, KObject, Pod, Service } from '../../lib/api/types';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { ApiError, apiError, isConflict, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { allResources, type ResourceSpec } from '../resources';
import type { EtcdStore } from '../storage/etcd-store';
import { alreadyExists, conflict, isCorruptObject, notFound, qualifiedResource, type CorruptObjectApiError } from '../storage/errors';
import { invalid, invalidError } from '../resources/validation';
import { storedObjectCheck } from './stored-shape';
import { planDelete, checkPreconditions } from './deletion';
import { parseFieldSelector, matchesFields } from './field-selector';
import { createMeta, deepCopy, generatedName } from './object-meta';
import { ServiceAllocator } from './service-allocator';
import { scaleOf, type Binding } from './subresources';
import { compileLabelSelector, startWatch } from './watch-stream';
import { NamespaceCleaner } from './namespace-cleanup';
import { WatchCaches } from '../cache/watch-caches';
import { CachedReads, DEFAULT_CACHED_READ_OPTIONS, type CachedReadOptions } from '../cache/cached-reads';
import { tooLargeResourceVersion } from '../cache/too-large';
import { apiserverMetrics } from '../metrics';
import { decodeContinue, readChunk } from './list-chunking';
import { planListRead } from './list-options';
import { withRequestMetrics } from './request-metrics';
import { withServedVersions } from './served-versions';
import type { DeleteQuery, ListQuery, Registry, ResourceDef, WatchQuery, WatchSink, WatchStop, WriteOptions } from './types';
import { checkTypeMeta, keyOf, MAX_RETRIES, requireNamespace, requireScale, shaped, validateAll } from './write-checks';
import { createWritePaths } from './write-paths';
import { admissionChain, type AdmissionConfig } from '../admission';
import { admitDefaultStorageClass } from '../admission/default-storage-class';
import { evictPod, type EvictionStore } from './eviction';
import { ObjectAdmission } from '../admission/object-admission';
import { SYSTEM_PRIORITY_CLASSES } from '../resources/priority-classes';

const log = componentLogger('apiserver', { part: 'registry' });

const podsRef = { apiVersion: 'v1', resource: 'pods' } as ResourceDef;
const pdbsRef = { apiVersion: 'policy/v1', resource: 'poddisruptionbudgets' } as ResourceDef;
const PRIORITY_CLASSES = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };

export interface RegistryOptions {
  store: EtcdStore;
  serviceCidr?: string;
  nodePortRange?: string;
  /** BOOKMARK interval for watches that allow them. */
  bookmarkIntervalMs?: number;
  /** Seconds between passes of a namespace's content removal. */
  namespaceCleanupIntervalMs?: number;
  now?: () => Date;
  /** Events each resource's watch cache keeps for watches resuming from a resourceVersion. */
  watchCacheCapacity?: number;
  /** Bounds of the waits for the watch cache (consistent reads, too-large resourceVersions). */
  cachedReads?: Partial<CachedReadOptions>;
  /** Mutating admission (DefaultTolerationSeconds); upstream's defaults when not given. */
  admission?: AdmissionConfig;
}

export interface CoreRegistry extends Registry {
  /** The strategy-bearing definition behind a ResourceDef. */
  spec(def: ResourceDef): ResourceSpec;
  allocator: ServiceAllocator;
  /** Resumes removal of namespaces left Terminating (after a restart). */
  resumeNamespaceCleanup(): Promise<void>;
  /** Fills the watch caches and starts their one etcd watch (else the first read does). */
  start(): Promise<void>;
  /** The watch caches are filled and fed (readiness). */
  cachesStarted(): boolean;
  close(): void;
}

/** Part of the registry's API since before the write paths moved out. */
export { checkDepth } from './write-checks';

export function createRegistry(opts: RegistryOptions): CoreRegistry {
  const store = opts.store;
  const now = opts.now ?? (() => new Date());
  const specs = allResources();
  const byKey = new Map<string, ResourceSpec>();
  for (const s of specs) {
    for (const n of [s.resource, s.singular, ...s.shortNames]) byKey.set(`${s.apiVersion}|${n.toLowerCase()}`, s);
  }
  // Stored values that do not decode as their kind stay out of lists and watches (stored-shape.ts).
  store.checkObjectsWith(storedObjectCheck(specs));
  const allocator = new ServiceAllocator(store, opts.serviceCidr, opts.nodePortRange);
  const caches = new WatchCaches(store, {
    capacity: opts.watchCacheCapacity ?? 1000,
    onSize: (resource, size) => apiserverMetrics.setWatchCacheSize(resource, size),
    resources: specs.map((s) => ({ group: s.group, resource: s.resource })),
  });
  const reads = new CachedReads(store, caches, { ...DEFAULT_CACHED_READ_OPTIONS, ...opts.cachedReads });

  const specOf = (def: ResourceDef): ResourceSpec => {
    const s = byKey.get(`${def.apiVersion}|${def.resource}`);
    if (!s) throw apiError(404, 'NotFound', `the server could not find the requested resource (${def.resource})`);
    return s;
  };
  // update, patch, scale and binding: the compare-and-swap paths on existing objects.
  const admit = admissionChain(opts.admission);
  // LimitRanger and ResourceQuota: admission that reads LimitRanges and charges ResourceQuotas.
  const objectAdmission = new ObjectAdmission({
    listCached: async (resource, namespace) => (await caches.forResource({ group: '', resource })).snapshot((o) => o.metadata.namespace === namespace).items,
    listFresh: async (resource, namespace) => (await store.list({ group: '', resource, namespace })).items,
    writeQuota: async (q) => {
      await store.update({ group: '', resource: 'resourcequotas', namespace: q.metadata.namespace, name: q.metadata.name! }, q, q.metadata.resourceVersion);
    },
    priorityClasses: async () => (await caches.forResource(PRIORITY_CLASSES)).snapshot().items,
    priorityClass: async (name) => {
      const cached = await caches.forResource(PRIORITY_CLASSES).then((c) => c.get(undefined, name), () => undefined);
      if (cached) return cached;
      return store.get({ ...PRIORITY_CLASSES, name }).catch((e) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
    },
    now,
  });
  const writes = createWritePaths({
    store, caches, allocator, now, specOf, admit,
    admitUpdate: (s, next, stored, dryRun) =>
      s.resource === 'priorityclasses' ? objectAdmission.validatePriorityClass(s, next, 'update') : objectAdmission.validateUpdate(s, next, stored, dryRun),
  });

  async function ensureNamespaceUsable(namespace: string): Promise<void> {
    // The namespaces watch cache answers the common case (an active namespace) without an etcd
    // round trip, as Kubernetes' lifecycle admission reads an informer; anything else is re-read.
    const cached = await caches.forResource({ group: '', resource: 'namespaces' }).then((c) => c.get(undefined, namespace), () => undefined);
    if (cached && !cached.metadata.deletionTimestamp && (cached as { status?: { phase?: string } }).status?.phase !== 'Terminating') return;
    let ns: KObject;
    try {
      ns = await store.get({ group: '', resource: 'namespaces', name: namespace });
    } catch (e) {
      if (isNotFound(e)) throw notFound({ group: '', resource: 'namespaces' }, namespace);
      throw e;
    }
    if (ns.metadata.deletionTimestamp || (ns as { status?: { phase?: string } }).status?.phase === 'Terminating')
      throw apiError(403, 'Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`, {
        name: namespace,
        kind: 'namespaces',
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
  }

  // ---- create ---------------------------------------------------------------------------------

  async function createObject(s: ResourceSpec, namespace: string | undefined, input: KObject, o: WriteOptions): Promise<KObject> {
    checkTypeMeta(s, input);
    const obj = deepCopy(input);
    obj.apiVersion = s.apiVersion;
    obj.kind = s.kind;
    if (s.namespaced) {
      const ns = obj.metadata.namespace || namespace;
      if (namespace && obj.metadata.namespace && obj.metadata.namespace !== namespace)
        throw apiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      obj.metadata.namespace = ns;
      requireNamespace(s, ns);
    }
    const wantsGenerated = !obj.metadata.name && !!obj.metadata.generateName;
    shaped(s, obj, () => {
      s.defaults?.(obj);
      admit(s.resource, obj, 'create');
    });
    // DefaultStorageClass admission reads the classes (from the watch cache, as upstream's reads an informer).
    if (s.resource === 'persistentvolumeclaims') {
      const classes = await caches.forResource({ group: 'storage.k8s.io', resource: 'storageclasses' }).then((c) => c.snapshot().items);
      shaped(s, obj, () => admitDefaultStorageClass(obj, classes));
    }
    // LimitRanger's defaults come before create preparation: a pod's QoS class is computed there.
    if (s.namespaced) await objectAdmission.mutate(s, obj);
    if (s.resource === 'priorityclasses') await objectAdmission.validatePriorityClass(s, obj, 'create');
    shaped(s, obj, () => s.prepareForCreate?.(obj, o.userInfo));
    for (let attempt = 0; ; attempt++) {
      // Only a generated name is ever retried, so only then must obj stay pristine for the next try.
      const candidate = wantsGenerated ? deepCopy(obj) : obj;
      if (wantsGenerated) candidate.metadata.name = generatedName(obj.metadata.generateName as string);
      candidate.metadata = createMeta(s, candidate, now());
      if (s.resource === 'namespaces') s.defaults?.(candidate); // the name label needs the final name
      validateAll(s, candidate);
      if (s.namespaced) await ensureNamespaceUsable(candidate.metadata.namespace as string);
      if (s.namespaced) await objectAdmission.validate(s, candidate, !!o.dryRun);
      if (o.dryRun) {
        // A dry run must not claim anything; only check that the name is free.
        const exists = await store.get(keyOf(s, candidate.metadata.namespace, candidate.metadata.name!)).then(() => true, (e) => {
          if (isNotFound(e)) return false;
          throw e;
        });
        if (exists) throw alreadyExists(s, candidate.metadata.name!);
        return candidate;
      }
      const undo = s.resource === 'services' ? await allocator.allocate(candidate) : undefined;
      try {
        return await store.create(keyOf(s, candidate.metadata.namespace, candidate.metadata.name!), candidate, { ttlSeconds: s.ttlSeconds });
      } catch (e) {
        await undo?.();
        // A generated name that clashes is retried with a new suffix, invisibly to the client.
        if (wantsGenerated && e instanceof ApiError && e.reason === 'AlreadyExists' && attempt < MAX_RETRIES) continue;
        throw e;
      }
    }
  }

  // ---- delete ---------------------------------------------------------------------------------

  async function remove(s: ResourceSpec, namespace: string | undefined, name: string, q: DeleteQuery): Promise<KObject> {
    requireNamespace(s, namespace);
    if (s.resource === 'priorityclasses' && SYSTEM_PRIORITY_CLASSES.some((c) => c.name === name))
      throw apiError(403, 'Forbidden', `priorityclasses.scheduling.k8s.io "${name}" is forbidden: this is a system priority class and cannot be deleted`, {
        name, group: 'scheduling.k8s.io', kind: 'priorityclasses',
      });
    const key = keyOf(s, namespace, name);
    for (let attempt = 0; ; attempt++) {
      let stored: KObject;
      try {
        stored = await store.get(key);
      } catch (e) {
        if (!isCorruptObject(e)) throw e;
        const gone = await removeCorrupt(s, namespace, name, e, q);
        if (gone) return gone;
        if (attempt >= MAX_RETRIES) throw conflict(s, name);
        continue; // the value changed under us: judge it again
      }
      if (q.ignoreStoreReadErrorWithClusterBreakingPotential)
        throw invalidError(qualifiedResource(s), name, [
          invalid('ignoreStoreReadErrorWithClusterBreakingPotential', true, 'is exclusively used to delete corrupt object(s), try again by removing this option'),
        ]);
      checkPreconditions(stored, q, qualifiedResource(s));
      try {
        if (s.resource === 'namespaces') return await cleaner.begin(stored, q);
        const plan = planDelete(s.resource, stored, q, now());
        if (plan.action === 'none') return plan.object;
        if (q.dryRun) return plan.action === 'mark' ? plan.object : stored;
        if (plan.action === 'mark') return await store.update(key, plan.object, stored.metadata.resourceVersion, { ttlSeconds: s.ttlSeconds });
        const gone = await store.delete(key, stored.metadata.resourceVersion);
        if (s.resource === 'services') await allocator.release(gone as Service).catch((e) => log.warn({ err: String(e) }, 'releasing service allocations failed'));
        return gone;
      } catch (e) {
        if (isConflict(e) && !q.preconditions?.resourceVersion && attempt < MAX_RETRIES) continue;
        throw e;
      }
    }
  }

  /** What a delete of an undecodable object answers with: there is no object to return. */
  const placeholder = (s: ResourceSpec, namespace: string | undefined, name: string): KObject => ({
    apiVersion: s.apiVersion,
    kind: s.kind,
    metadata: s.namespaced ? { name, namespace } : { name },
  });

  /**
   * Deletes a stored value that cannot be decoded, without preconditions, finalizers, graceful
   * deletion or admission: there is nothing to check them against (upstream's unsafe deletion of
   * corrupt objects, KEP-3926, which a plain DELETE gets here so that `kubectl delete` works).
   * Undefined when the value changed meanwhile.
   */
  async function removeCorrupt(s: ResourceSpec, namespace: string | undefined, name: string, e: CorruptObjectApiError, q: DeleteQuery): Promise<KObject | undefined> {
    if (q.dryRun) return placeholder(s, namespace, name);
    const key = keyOf(s, namespace, name);
    if (!(await store.removeCorrupt(key, e.modRevision))) return undefined;
    log.warn({ key: e.storageKey, revision: e.modRevision, reason: e.why }, 'corrupt object deleted');
    if (s.resource === 'services') await allocator.releaseOwnedBy(namespace, name).catch((err) => log.warn({ err: String(err) }, 'releasing service allocations failed'));
    return placeholder(s, namespace, name);
  }

  // ---- read -----------------------------------------------------------------------------------

  async function list(s: ResourceSpec, namespace: string | undefined, q: ListQuery): Promise<KList> {
    const labels = compileLabelSelector(q.labelSelector);
    const fields = parseFieldSelector(s, q.fieldSelector);
    const ns = s.namespaced ? namespace : undefined;
    const matches = (o: KObject) => labels(o.metadata.labels) && matchesFields(s, fields, o);
    const plan = planListRead(q);
    const token = q.continueToken ? decodeContinue(q.continueToken) : undefined;
    let items: KObject[] | undefined;
    let revision = '';
    let cont: string | undefined;
    let remaining: number | undefined;
    const inScope = (o: KObject) => (!ns || o.metadata.namespace === ns) && matches(o);
    const limit = q.limit && q.limit > 0 ? q.limit : 0;
    if (plan.mode === 'any') {
      // "Any version": the watch cache's current state, whole (limit is ignored, as upstream does).
      ({ items, revision } = (await caches.forResource(s)).snapshot(inScope));
    } else if (plan.mode === 'exact' || plan.mode === 'continue' || limit) {
      // Pages come from etcd, each at the first page's revision, as Kubernetes 1.32 serves them; an
      // exact list reads etcd at the asked revision (the watch cache keeps no past states).
      const noSelectors = !q.labelSelector?.trim() && !q.fieldSelector?.trim();
      const exact = plan.mode === 'exact' ? plan.revision : undefined;
      const chunk = await readChunk(store, { group: s.group, resource: s.resource, namespace: ns }, limit, token, matches, noSelectors, exact);
      ({ items, revision } = chunk);
      cont = chunk.continueToken;
      remaining = chunk.remainingItemCount;
      if (plan.mode === 'notOlderThan' && BigInt(plan.revision) > BigInt(revision)) throw tooLargeResourceVersion(plan.revision, revision, 0);
    } else {
      // Unset = the newest state (a consistent read); a number = at least that new. Both come from
      // the cache once it has caught up, from etcd when it cannot (see cache/cached-reads.ts).
      const cache = plan.mode === 'notOlderThan' ? await reads.notOlderThan(s, plan.revision) : await reads.consistent(s);
      if (cache) ({ items, revision } = cache.snapshot(inScope));
    }
    if (!items) {
      const res = await store.list({ group: s.group, resource: s.resource, namespace: ns });
      items = res.items.filter(matches);
      revision = res.revision;
    }
    for (const o of items) {
      o.apiVersion = s.apiVersion;
      o.kind = s.kind;
    }
    const meta: KList['metadata'] = { resourceVersion: revision };
    if (cont) meta.continue = cont;
    if (remaining !== undefined) meta.remainingItemCount = remaining;
    return { apiVersion: s.apiVersion, kind: s.listKind, metadata: meta, items };
  }

  async function get(s: ResourceSpec, namespace: string | undefined, name: string, subresource?: string): Promise<KObject> {
    requireNamespace(s, namespace);
    const obj = await store.get(keyOf(s, namespace, name));
    obj.apiVersion = s.apiVersion;
    obj.kind = s.kind;
    if (subresource === 'scale') {
      requireScale(s);
      return scaleOf(obj);
    }
    return obj;
  }

  const cleaner = new NamespaceCleaner({
    store,
    specs,
    deleteObject: (s, ns, name, q) => remove(s, ns, name, q),
    intervalMs: opts.namespaceCleanupIntervalMs ?? 1000,
    now,
  });

  // The eviction subresource reads and writes through the same paths as any client.
  const evictions: EvictionStore = {
    getPod: (ns, name) => get(specOf(podsRef), ns, name) as Promise<Pod>,
    listBudgets: async (ns) => (await list(specOf(pdbsRef), ns, {})).items as PodDisruptionBudget[],
    getBudget: (ns, name) => get(specOf(pdbsRef), ns, name) as Promise<PodDisruptionBudget>,
    updateBudgetStatus: async (pdb) => {
      await writes.update(specOf(pdbsRef), pdb.metadata.namespace, pdb.metadata.name!, pdb, { subresource: 'status' });
    },
    updatePodStatus: (pod) => writes.update(specOf(podsRef), pod.metadata.namespace, pod.metadata.name!, pod, { subresource: 'status' }) as Promise<Pod>,
    deletePod: async (ns, name, q) => {
      await remove(specOf(podsRef), ns, name, q);
    },
    now: () => now().getTime(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };

  const registry: CoreRegistry = {
    all: () => specs,
    resolve(apiVersion, resource) {
      return byKey.get(`${apiVersion}|${resource.toLowerCase()}`);
    },
    spec: specOf,
    allocator,
    get: (def, ns, name, sub) => get(specOf(def), ns, name, sub),
    list: (def, ns, q) => list(specOf(def), ns, q),
    async create(def, ns, obj, o) {
      const s = specOf(def);
      if (o.subresource === 'binding' && s.resource === 'pods') return writes.bind(ns, o.name ?? '', obj as Binding);
      if (o.subresource === 'eviction' && s.resource === 'pods') {
        requireNamespace(s, ns);
        return evictPod(evictions, ns!, o.name ?? '', obj, !!o.dryRun);
      }
      if (o.subresource) throw apiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${s.resource}/${o.subresource})`);
      return createObject(s, ns, obj, o);
    },
    update: (def, ns, name, obj, o) => writes.update(specOf(def), ns, name, obj, o),
    patch: (def, ns, name, type, body, o) => writes.patch(specOf(def), ns, name, type, body, o),
    delete: (def, ns, name, q) => remove(specOf(def), ns, name, q),
    watch(def: ResourceDef, ns: string | undefined, q: WatchQuery, sink: WatchSink): Promise<WatchStop> {
      const s = specOf(def);
      return startWatch({ store, caches, reads, spec: s, namespace: s.namespaced ? ns : undefined, query: q, sink, bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000 });
    },
    resumeNamespaceCleanup: () => cleaner.resume(),
    start: () => caches.start(),
    cachesStarted: () => caches.started,
    close: () => {
      cleaner.stop();
      caches.close();
    },
  };
  return withRequestMetrics(withServedVersions(registry));
}
