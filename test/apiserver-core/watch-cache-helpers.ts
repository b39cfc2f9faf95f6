// What both watch cache suites need against a real etcd: the registry over a throwaway etcd, a store
// whose one prefix watch the test can break (as a lost connection or a compaction would), a bounded
// wait, and etcd's watcher count.
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { bootstrap } from '../../apiserver/bootstrap';
import type { WatchCache } from '../../apiserver/cache/watch-cache';
import { WatchCaches } from '../../apiserver/cache/watch-caches';
import { createRegistry, type CoreRegistry, type RegistryOptions } from '../../apiserver/registry/registry';
import type { ResourceDef } from '../../apiserver/registry/types';
import { EtcdStore, type PrefixFilter, type PrefixWatchHandlers } from '../../apiserver/storage/etcd-store';
import { EtcdUnaryClient } from '../../apiserver/storage/etcd-unary';
import { startEtcd, type TestEtcd } from '../helpers/etcd';

export class BreakableStore extends EtcdStore {
  private last: { h: PrefixWatchHandlers; inner: { stop(): void } } | undefined;

  async watchAll(after: string, accept: PrefixFilter, h: PrefixWatchHandlers) {
    const inner = await super.watchAll(after, accept, h);
    this.last = { h, inner };
    return inner;
  }

  /** Stops the live etcd watch silently; calling onError on the result later reports it lost. */
  cut(): PrefixWatchHandlers {
    this.last!.inner.stop();
    return this.last!.h;
  }
}

export async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** etcd's own count of open watchers, to show many client watches share one etcd watch. */
export async function etcdWatchers(etcd: TestEtcd): Promise<number> {
  const text = await (await fetch(`${etcd.endpoint}/metrics`)).text();
  const m = /^etcd_debugging_mvcc_watcher_total (\d+)/m.exec(text);
  assert.ok(m, 'etcd reports its watcher count');
  return Number(m[1]);
}

export interface RegistryOnEtcd {
  readonly etcd: TestEtcd;
  readonly client: Etcd3;
  readonly store: EtcdStore;
  readonly registry: CoreRegistry;
  readonly configmaps: ResourceDef;
}

/**
 * The real registry over a throwaway etcd, bootstrapped like a cluster, started before the suite
 * and stopped after it. Call inside a describe(); the handles are valid once its before() ran.
 * startCaches fills the watch caches before bootstrap, as the apiserver does at start.
 */
export function registryOnEtcd(opts: Omit<RegistryOptions, 'store'>, startCaches = false): RegistryOnEtcd {
  let up: RegistryOnEtcd | undefined;
  let etcd: TestEtcd | undefined;
  let client: Etcd3 | undefined;
  let writer: EtcdUnaryClient | undefined;
  let registry: CoreRegistry | undefined;
  before(async () => {
    etcd = await startEtcd();
    client = new Etcd3({ hosts: etcd.endpoint });
    // Writes go through the lean writer, as in the apiserver.
    writer = new EtcdUnaryClient([etcd.endpoint]);
    const store = new EtcdStore(client, '/registry', writer);
    registry = createRegistry({ ...opts, store });
    if (startCaches) await registry.start();
    await bootstrap(registry, { advertiseAddress: '127.0.0.1', securePort: 6443 });
    up = { etcd, client, store, registry, configmaps: registry.resolve('v1', 'configmaps')! };
  });
  after(async () => {
    registry?.close();
    client?.close();
    writer?.close();
    await etcd?.stop();
  });
  const get = (): RegistryOnEtcd => {
    assert.ok(up, 'the suite has started');
    return up;
  };
  return {
    get etcd() { return get().etcd; },
    get client() { return get().client; },
    get store() { return get().store; },
    get registry() { return get().registry; },
    get configmaps() { return get().configmaps; },
  };
}

export interface BrokenHubUnderTest {
  hub: WatchCaches;
  store: BreakableStore;
  /** The cache of the first resource asked for. */
  cache: WatchCache;
  /** Every event that cache delivers after the fill, as "TYPE name". */
  got: string[];
}

/** A started hub over a BreakableStore, caching the core resources named; the caller closes it. */
export async function breakableHub(client: Etcd3, resources: string[]): Promise<BrokenHubUnderTest> {
  const store = new BreakableStore(client);
  const hub = new WatchCaches(store, { capacity: 100, retryMs: 10, resources: resources.map((resource) => ({ group: '', resource })) });
  try {
    await hub.start();
    const cache = await hub.forResource({ group: '', resource: resources[0] });
    const got: string[] = [];
    cache.snapshotAndSubscribe((ev) => got.push(`${ev.type} ${ev.object.metadata.name}`));
    return { hub, store, cache, got };
  } catch (e) {
    hub.close();
    throw e;
  }
}
