// An ApiClient whose GETs of ConfigMaps and Secrets are served by the ObjectManager (cache of the
// referenced objects, direct GET otherwise); every other call goes to the real client unchanged.
// The pod engine and the volume code take an ApiClient, so they read through this one.
import type { KList, KObject } from '../../lib/api/types';
import type { ResourceType } from '../../lib/api/resources';
import type { ApiClient, DeleteOptions, ListOptions, WatchCallbacks, WatchHandle, WatchOptions } from '../../lib/client/api-client';
import { kindOfResource, type ObjectManager } from './object-manager';

export class ReadThroughClient implements ApiClient {
  constructor(
    private readonly inner: ApiClient,
    private readonly objects: ObjectManager,
  ) {}

  async get<T extends KObject = KObject>(rt: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    const kind = kindOfResource(rt);
    if (kind && namespace) return (await this.objects.get(kind, namespace, name)) as T;
    return this.inner.get<T>(rt, namespace, name);
  }

  list<T extends KObject = KObject>(rt: ResourceType, namespace?: string, opts?: ListOptions): Promise<KList<T>> {
    return this.inner.list<T>(rt, namespace, opts);
  }

  create<T extends KObject = KObject>(rt: ResourceType, obj: T, subresource?: string): Promise<T> {
    return this.inner.create<T>(rt, obj, subresource);
  }

  update<T extends KObject = KObject>(rt: ResourceType, obj: T): Promise<T> {
    return this.inner.update<T>(rt, obj);
  }

  updateStatus<T extends KObject = KObject>(rt: ResourceType, obj: T): Promise<T> {
    return this.inner.updateStatus<T>(rt, obj);
  }

  patch<T extends KObject = KObject>(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: 'merge' | 'json' | 'strategic',
    patch: unknown,
    subresource?: string,
  ): Promise<T> {
    return this.inner.patch<T>(rt, namespace, name, patchType, patch, subresource);
  }

  delete(rt: ResourceType, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<void> {
    return this.inner.delete(rt, namespace, name, opts);
  }

  watch<T extends KObject = KObject>(rt: ResourceType, namespace: string | undefined, opts: WatchOptions, cb: WatchCallbacks<T>): WatchHandle {
    return this.inner.watch<T>(rt, namespace, opts, cb);
  }

  /** The inner client belongs to the kubelet, which closes it itself. */
  close(): void {}
}
