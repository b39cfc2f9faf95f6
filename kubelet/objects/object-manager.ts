// The ConfigMaps and Secrets this kubelet's pods reference, and nothing else (Kubernetes' watch-
// based configmap/secret managers): each referenced object has one single-object watch
// (list+watch with fieldSelector metadata.name=<name> in its namespace) kept while at least one
// registered pod references it, with the object cached. An immutable object is read once and its
// watch stops. Reads of an object not (yet) cached fall back to a direct GET.
import type { KObject, Pod } from '../../lib/api/types';
import { Resources, type ResourceType } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import { Informer } from '../../lib/client/informer';
import { apiError } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { referencedObjects, refKey, type ObjectRef, type ReferencedKind } from '../pods/pod-references';

const log = componentLogger('kubelet', { part: 'objects' });

export const resourceOfKind = (kind: ReferencedKind): ResourceType => (kind === 'ConfigMap' ? Resources.configmaps : Resources.secrets);

/** The ReferencedKind served by a resource type, or undefined for any other resource. */
export function kindOfResource(rt: ResourceType): ReferencedKind | undefined {
  if (rt.resource === Resources.configmaps.resource) return 'ConfigMap';
  if (rt.resource === Resources.secrets.resource) return 'Secret';
  return undefined;
}

export interface ObjectManagerOptions {
  /** A referenced object appeared or changed (obj) or was deleted (undefined). */
  onChange?(ref: ObjectRef, obj: KObject | undefined): void;
}

interface Entry {
  ref: ObjectRef;
  /** UIDs of the registered pods referencing the object. */
  pods: Set<string>;
  /** The single-object watch; undefined once stopped for an immutable object. */
  informer?: Informer<KObject>;
  /** The first list completed: `object` is authoritative (undefined means it does not exist). */
  synced: boolean;
  object?: KObject;
}

/**
 * Whether a pod still needs its ConfigMaps and Secrets: not once it is terminal (Succeeded or
 * Failed) with no container left running, as upstream releases them when the pod is terminated.
 * A restartPolicy Always pod never becomes terminal while alive, so it keeps them.
 */
export function podHoldsReferences(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (phase !== 'Succeeded' && phase !== 'Failed') return true;
  const s = pod.status ?? {};
  return [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? [])].some((c) => c.state?.running);
}

const isImmutable = (o: KObject): boolean => (o as { immutable?: boolean }).immutable === true;

export class ObjectManager {
  private readonly entries = new Map<string, Entry>();
  private readonly podRefs = new Map<string, string[]>();

  constructor(
    private readonly client: ApiClient,
    private readonly opts: ObjectManagerOptions = {},
  ) {}

  /** Registers (or re-registers after an update) the references of a pod the kubelet sees. */
  registerPod(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const refs = referencedObjects(pod);
    const keys = refs.map(refKey);
    const old = this.podRefs.get(uid) ?? [];
    if (old.length === keys.length && old.every((k, i) => k === keys[i])) return;
    // Acquire first, then release: an object both versions reference keeps its watch.
    for (const r of refs) this.acquire(r, uid);
    for (const k of old) if (!keys.includes(k)) this.release(k, uid);
    if (keys.length) this.podRefs.set(uid, keys);
    else this.podRefs.delete(uid);
  }

  /** Follows a pod the kubelet sees: registers its references, or releases them once it finished. */
  syncPod(pod: Pod): void {
    if (podHoldsReferences(pod)) this.registerPod(pod);
    else this.unregisterPod(pod.metadata.uid!);
  }

  /** Releases a pod's references; objects no other pod references stop being watched. */
  unregisterPod(uid: string): void {
    for (const k of this.podRefs.get(uid) ?? []) this.release(k, uid);
    this.podRefs.delete(uid);
  }

  /** The object, from the cache when its watch has synced, else by a direct GET. Throws NotFound. */
  async get(kind: ReferencedKind, namespace: string, name: string): Promise<KObject> {
    const e = this.entries.get(refKey({ kind, namespace, name }));
    if (!e?.synced) return this.client.get(resourceOfKind(kind), namespace, name);
    if (!e.object) throw apiError(404, 'NotFound', `${resourceOfKind(kind).resource} "${name}" not found`, { name, kind: resourceOfKind(kind).resource });
    return structuredClone(e.object);
  }

  /** Debug view: the objects with a live watch, by kind/namespace/name. */
  watching(): string[] {
    return [...this.entries.values()].filter((e) => e.informer).map((e) => refKey(e.ref));
  }

  /** Debug view: how many registered pods reference the object (0 when not tracked). */
  refCount(ref: ObjectRef): number {
    return this.entries.get(refKey(ref))?.pods.size ?? 0;
  }

  stop(): void {
    for (const e of this.entries.values()) e.informer?.stop();
    this.entries.clear();
    this.podRefs.clear();
  }

  private acquire(ref: ObjectRef, uid: string): void {
    const key = refKey(ref);
    const existing = this.entries.get(key);
    if (existing) {
      existing.pods.add(uid);
      return;
    }
    const e: Entry = { ref, pods: new Set([uid]), synced: false };
    this.entries.set(key, e);
    this.startWatch(e);
  }

  private release(key: string, uid: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.pods.delete(uid);
    if (e.pods.size) return;
    e.informer?.stop();
    this.entries.delete(key);
  }

  private startWatch(e: Entry): void {
    const { kind, namespace, name } = e.ref;
    const inf = new Informer<KObject>(this.client, resourceOfKind(kind), {
      namespace,
      fieldSelector: `metadata.name=${name}`,
      name: `kubelet-${kind.toLowerCase()}-${namespace}-${name}`,
    });
    e.informer = inf;
    const live = () => this.entries.get(refKey(e.ref)) === e;
    const seen = (o: KObject) => {
      // Defensive: a server that ignored the field selector must not fill the cache with others.
      if (o.metadata.name !== name || o.metadata.namespace !== namespace || !live()) return;
      e.object = o;
      if (isImmutable(o) && e.informer) {
        // Immutable objects never change: no need to keep watching (Kubernetes does the same).
        e.informer.stop();
        e.informer = undefined;
        e.synced = true;
        log.debug({ object: refKey(e.ref) }, 'immutable object cached, watch stopped');
      }
      this.notify(e.ref, o);
    };
    inf.addHandler({
      onAdd: seen,
      onUpdate: (_old, o) => seen(o),
      onDelete: (o) => {
        if (o.metadata.name !== name || !live()) return;
        e.object = undefined;
        this.notify(e.ref, undefined);
      },
    });
    void inf.start().then(() => {
      if (live()) e.synced = true;
    });
  }

  private notify(ref: ObjectRef, obj: KObject | undefined): void {
    try {
      this.opts.onChange?.(ref, obj);
    } catch (err) {
      log.error({ err: (err as Error).message, object: refKey(ref) }, 'object change handler threw');
    }
  }
}
