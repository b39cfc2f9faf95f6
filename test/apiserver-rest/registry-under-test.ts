// Picks the registries the REST integration tests run against: always the in-memory fake, and
// the real etcd-backed registry (apiserver/registry + apiserver/storage over test/helpers/etcd)
// when those modules load. They are loaded dynamically so that this folder does not depend on
// the registry's internal API at compile time.
import type { Registry } from '../../apiserver/registry/types';
import { FakeRegistry } from './fake-registry';

export interface RegistryUnderTest {
  name: string;
  registry: Registry;
  etcdHealthy: () => Promise<boolean>;
  stop(): Promise<void>;
}

export async function fakeRegistry(): Promise<RegistryUnderTest> {
  return { name: 'fake', registry: new FakeRegistry(), etcdHealthy: async () => true, stop: async () => undefined };
}

/** The real registry over a throwaway etcd, or undefined (with the reason) when it cannot load. */
export async function etcdRegistry(): Promise<RegistryUnderTest | { skip: string }> {
  let mods: { registry: any; store: any; etcd: any; etcd3: any };
  try {
    mods = {
      registry: require('../../apiserver/registry/registry'),
      store: require('../../apiserver/storage/etcd-store'),
      etcd: require('../helpers/etcd'),
      etcd3: require('etcd3'),
    };
    if (typeof mods.registry.createRegistry !== 'function') return { skip: 'createRegistry is not exported' };
  } catch (e) {
    return { skip: `registry modules do not load yet: ${(e as Error).message.split('\n')[0]}` };
  }
  const etcd = await mods.etcd.startEtcd();
  let client: any;
  try {
    client = new mods.etcd3.Etcd3({ hosts: etcd.endpoint });
    const store = new mods.store.EtcdStore(client, '/registry');
    const registry = mods.registry.createRegistry({ store }) as Registry & { close?(): void };
    return {
      name: 'etcd',
      registry,
      etcdHealthy: async () => {
        try {
          await client.maintenance.status();
          return true;
        } catch {
          return false;
        }
      },
      stop: async () => {
        registry.close?.();
        client.close();
        await etcd.stop();
      },
    };
  } catch (e) {
    client?.close();
    await etcd.stop();
    throw e;
  }
}
