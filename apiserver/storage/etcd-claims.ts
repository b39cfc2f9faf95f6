// Raw keys under the store's prefix that are not resource objects: the service IP and node port
// allocators' claims. Create-if-absent makes a claim exclusive across apiservers.
import type { Etcd3 } from 'etcd3';
import { wrap } from './etcd-calls';

/** True when the key was free and is now claimed with value. */
export async function claimKey(client: Etcd3, full: string, value: string): Promise<boolean> {
  try {
    const res = await client.if(full, 'Create', '==', 0).then(client.put(full).value(value)).commit();
    return res.succeeded;
  } catch (e) {
    throw wrap(e);
  }
}

export async function releaseKey(client: Etcd3, full: string): Promise<void> {
  try {
    await client.delete().key(full).exec();
  } catch (e) {
    throw wrap(e);
  }
}

/** Every claim under full, by the key's rest after full. */
export async function claimsUnder(client: Etcd3, full: string): Promise<Map<string, string>> {
  try {
    const res = await client.getAll().prefix(full).exec();
    return new Map(res.kvs.map((kv) => [kv.key.toString().slice(full.length), kv.value.toString()]));
  } catch (e) {
    throw wrap(e);
  }
}
