// The registries the REST integration tests run against: the in-memory fake (fast, exercises the
// door alone) and the real etcd-backed registry over a throwaway etcd, bootstrapped like a cluster.
import { Etcd3 } from 'etcd3';
import type { Registry } from '../../apiserver/registry/types';
import { createRegistry } from '../../apiserver/registry/registry';
import { EtcdStore } from '../../apiserver/storage/etcd-store';
import { EtcdUnaryClient } from '../../apiserver/storage/etcd-unary';
import { bootstrap } from '../../apiserver/bootstrap';
import { startEtcd } from '../helpers/etcd';
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

export async function etcdRegistry(): Promise<RegistryUnderTest> {
  const etcd = await startEtcd();
  const client = new Etcd3({ hosts: etcd.endpoint });
  // Writes go through the lean writer, as in the apiserver.
  const writer = new EtcdUnaryClient([etcd.endpoint]);
  try {
    const registry = createRegistry({ store: new EtcdStore(client, '/registry', writer) });
    await bootstrap(registry, { advertiseAddress: '127.0.0.1', securePort: 6443 });
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
        registry.close();
        client.close();
        writer.close();
        await etcd.stop();
      },
    };
  } catch (e) {
    client.close();
    writer.close();
    await etcd.stop();
    throw e;
  }
}
