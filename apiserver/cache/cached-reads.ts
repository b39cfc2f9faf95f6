// When a list or watch may be answered from the watch caches, and when it must go to etcd. Never
// trusts etcd progress notifications (etcd 3.4.23 does not order them with events): a consistent
// read asks etcd for its current revision and waits, bounded, for the hub to apply it. Writes
// outside our prefix raise etcd's revision too, so a wait that runs out means "read etcd", which
// is always correct, and never an error.
import { componentLogger } from '../../lib/log';
import type { EtcdStore } from '../storage/etcd-store';
import type { ResourceName } from '../storage/errors';
import { tooLargeResourceVersion } from './too-large';
import type { WatchCache } from './watch-cache';
import type { WatchCaches } from './watch-caches';

const log = componentLogger('apiserver', { part: 'watch-cache' });

export interface CachedReadOptions {
  /** How long a consistent read waits for the cache to reach etcd's revision before reading etcd. */
  consistentWaitMs: number;
  /** How long a read from a resourceVersion newer than the cache waits before answering 504. */
  tooLargeWaitMs: number;
}

export const DEFAULT_CACHED_READ_OPTIONS: CachedReadOptions = { consistentWaitMs: 200, tooLargeWaitMs: 3000 };

export class CachedReads {
  constructor(
    private readonly store: EtcdStore,
    private readonly caches: WatchCaches,
    private readonly opts: CachedReadOptions = DEFAULT_CACHED_READ_OPTIONS,
  ) {}

  /** The cache holding at least etcd's current state, or null when etcd must be read instead. */
  async consistent(r: ResourceName): Promise<WatchCache | null> {
    const cache = await this.caches.forResource(r);
    const target = await this.store.currentRevision();
    if (await this.caches.waitForRevision(target, this.opts.consistentWaitMs)) return cache;
    log.debug({ resource: r.resource, target, have: this.caches.revision }, 'consistent read fell back to etcd');
    return null;
  }

  /**
   * The cache once it holds `revision` (resourceVersionMatch NotOlderThan); null when etcd has it
   * but the cache does not (the revision came from outside our prefix: read etcd); 504
   * ResourceVersionTooLarge when nobody has it after the wait.
   */
  async notOlderThan(r: ResourceName, revision: string): Promise<WatchCache | null> {
    const cache = await this.caches.forResource(r);
    if (BigInt(this.caches.revision) >= BigInt(revision)) return cache;
    // A revision etcd already has is reached soon (our writes) or never (another prefix's): wait as
    // briefly as a consistent read does. Only a revision etcd has not reached yet is worth 3 s.
    const etcdHasIt = BigInt(await this.store.currentRevision()) >= BigInt(revision);
    if (await this.caches.waitForRevision(revision, etcdHasIt ? this.opts.consistentWaitMs : this.opts.tooLargeWaitMs)) return cache;
    if (etcdHasIt || BigInt(await this.store.currentRevision()) >= BigInt(revision)) return null;
    throw tooLargeResourceVersion(revision, this.caches.revision);
  }
}
