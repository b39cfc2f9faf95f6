// An ApiClient whose GETs of ConfigMaps and Secrets are served by the ObjectManager (cache of the
// referenced objects, direct GET otherwise); every other call goes to the real client unchanged.
// The pod engine and the volume code take an ApiClient, so they read through this one.
import type { KObject } from '../../lib/api/types';
import type { ResourceType } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import { ForwardingClient } from '../../lib/client/forwarding-client';
import { kindOfResource, type ObjectManager } from './object-manager';

export class ReadThroughClient extends ForwardingClient {
  constructor(
    inner: ApiClient,
    private readonly objects: ObjectManager,
  ) {
    super(inner);
  }

  async get<T extends KObject = KObject>(rt: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    const kind = kindOfResource(rt);
    if (kind && namespace) return (await this.objects.get(kind, namespace, name)) as T;
    return this.inner.get<T>(rt, namespace, name);
  }

  /** The inner client belongs to the kubelet, which closes it itself. */
  close(): void {}
}
