// The ReplicaSet controller: keeps spec.replicas pods alive for every ReplicaSet, adopting and
// releasing pods by selector, and reports status. Handlers only enqueue RS keys; reconcile re-reads
// the cache, and expectations stop it from repeating creates/deletes the cache has not shown yet.
// The same controller keeps ReplicationControllers (kinds.ts adapts them), as upstream's
// replication manager is its ReplicaSet controller over a converted view.
import type { KObject, Pod, ReplicaSet } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { selectorMatches } from '../../lib/api/labels';
import { Expectations } from '../common/expectations';
import { controllerRefOf } from '../common/pod-utils';
import { claimPods, computeRSStatus, podFromTemplate, replicaDiff, rsOwnerRef, statusEqual, type ManageFailure } from './replica-plan';
import { REPLICA_SET, type ReplicaKind } from './kinds';

/** Creates in batches that double (1, 2, 4 ...) so a broken template fails fast and cheap. */
const SLOW_START_INITIAL = 1;

/** A create or delete round that failed: what the ReplicaFailure condition and the retry carry. */
class ManageError extends Error {
  readonly code = 'REPLICA_MANAGE_FAILED';
  constructor(
    readonly failure: ManageFailure,
    key: string,
  ) {
    super(`${failure.reason === 'FailedCreate' ? 'creating' : 'deleting'} pods for ${key}: ${failure.message}`);
    this.name = 'ManageError';
  }
}

export class ReplicaSetController<T extends KObject = ReplicaSet> {
  private readonly log: ReturnType<typeof componentLogger>;
  private readonly queue: WorkQueue;
  private readonly expectations = new Expectations();

  constructor(
    private readonly client: ApiClient,
    private readonly rsInformer: Informer<T>,
    private readonly podInformer: Informer<Pod>,
    private readonly recorder: EventRecorder,
    private readonly kind: ReplicaKind<T> = REPLICA_SET as unknown as ReplicaKind<T>,
  ) {
    this.log = componentLogger(kind.component);
    this.queue = new WorkQueue({ name: kind.queueName });
  }

  start(workers = 2): void {
    this.rsInformer.addHandler({
      onAdd: (rs) => this.queue.add(keyOf(rs)),
      onUpdate: (_o, rs) => this.queue.add(keyOf(rs)),
      onDelete: (rs) => {
        this.expectations.delete(keyOf(rs));
        this.queue.add(keyOf(rs));
      },
    });
    this.podInformer.addHandler({
      onAdd: (p) => {
        const rsKey = this.ownerKey(p);
        if (rsKey) this.expectations.creationObserved(rsKey);
        this.enqueueFor(p);
      },
      onUpdate: (o, p) => {
        const rsKey = this.ownerKey(p);
        if (rsKey && p.metadata.deletionTimestamp && !o.metadata.deletionTimestamp) this.expectations.deletionObserved(rsKey, keyOf(p));
        this.enqueueFor(o);
        this.enqueueFor(p);
      },
      onDelete: (p) => {
        const rsKey = this.ownerKey(p);
        if (rsKey) this.expectations.deletionObserved(rsKey, keyOf(p));
        this.enqueueFor(p);
      },
    });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  private ownerKey(p: Pod): string | undefined {
    const ref = controllerRefOf(p);
    return ref && ref.kind === this.kind.owner.kind ? `${p.metadata.namespace}/${ref.name}` : undefined;
  }

  /** The owner RS of a pod, or, for an orphan, every RS whose selector matches it. */
  private enqueueFor(p: Pod): void {
    const ref = controllerRefOf(p);
    if (ref) {
      if (ref.kind === this.kind.owner.kind) this.queue.add(`${p.metadata.namespace}/${ref.name}`);
      return;
    }
    for (const o of this.rsInformer.list(p.metadata.namespace)) {
      if (selectorMatches(this.kind.view(o).spec.selector, p.metadata.labels)) this.queue.add(keyOf(o));
    }
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const obj = this.rsInformer.get(namespace, name);
    if (!obj) return;
    const rs = this.kind.view(obj);
    const claim = claimPods(rs, this.podInformer.list(namespace));
    for (const p of claim.adopt) await this.setController(rs, p, true);
    for (const p of claim.release) await this.setController(rs, p, false);
    const owned = [...claim.owned, ...claim.adopt];

    // A failed round is reported in status (ReplicaFailure) before the key is retried with backoff.
    let failed: ManageError | undefined;
    if (this.expectations.satisfied(key) && !rs.metadata.deletionTimestamp) {
      const diff = replicaDiff(rs, owned);
      try {
        if (diff.create > 0) await this.createPods(obj, rs, key, diff.create);
        else if (diff.remove.length > 0) await this.deletePods(obj, key, diff.remove);
      } catch (err) {
        if (!(err instanceof ManageError)) throw err;
        failed = err;
      }
    }
    await this.writeStatus(obj, rs, owned, failed?.failure);
    if (failed) throw failed;
  }

  private async createPods(obj: T, rs: ReplicaSet, key: string, count: number): Promise<void> {
    this.expectations.expect(key, count);
    let batch = SLOW_START_INITIAL;
    let left = count;
    while (left > 0) {
      const n = Math.min(batch, left);
      const results = await Promise.allSettled(Array.from({ length: n }, () => this.client.create(Resources.pods, podFromTemplate(rs, this.kind.owner))));
      left -= n;
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const r of results) {
        if (r.status === 'fulfilled') this.recorder.event(obj, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
      }
      if (failed.length > 0) {
        // Neither the failed creates nor the skipped ones will ever be observed.
        for (let i = 0; i < failed.length + left; i++) this.expectations.creationObserved(key);
        const msg = (failed[0].reason as Error).message;
        this.recorder.event(obj, 'Warning', 'FailedCreate', `Error creating: ${msg}`);
        throw new ManageError({ reason: 'FailedCreate', message: msg }, key);
      }
      batch *= 2;
    }
    this.log.info({ rs: key, created: count }, 'created pods');
  }

  private async deletePods(obj: T, key: string, pods: Pod[]): Promise<void> {
    this.expectations.expect(key, 0, pods.map(keyOf));
    const results = await Promise.allSettled(
      pods.map(async (p) => {
        try {
          await this.client.delete(Resources.pods, p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
          this.recorder.event(obj, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, keyOf(p));
          if (isNotFound(err)) return;
          this.recorder.event(obj, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          throw err;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw new ManageError({ reason: 'FailedDelete', message: (failed.reason as Error).message }, key);
    this.log.info({ rs: key, deleted: pods.length }, 'deleted pods');
  }

  /** Adopts (adds our controller reference) or releases (removes it), guarded by resourceVersion. */
  private async setController(rs: ReplicaSet, p: Pod, adopt: boolean): Promise<void> {
    const others = (p.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata.uid);
    const ownerReferences = adopt ? [...others, rsOwnerRef(rs, this.kind.owner)] : others;
    try {
      await this.client.patch(Resources.pods, p.metadata.namespace, p.metadata.name!, 'merge', {
        metadata: { ownerReferences, resourceVersion: p.metadata.resourceVersion },
      });
      this.log.info({ rs: keyOf(rs), pod: p.metadata.name, adopt }, adopt ? 'adopted pod' : 'released pod');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async writeStatus(obj: T, rs: ReplicaSet, owned: Pod[], failure?: ManageFailure): Promise<void> {
    const status = computeRSStatus(rs, owned, Date.now(), failure);
    if (statusEqual(rs.status, status)) return;
    try {
      await this.client.updateStatus(this.kind.resource, { ...obj, status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    // Availability that depends on minReadySeconds needs a later look even without events.
    const minReady = rs.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) this.queue.addAfter(keyOf(rs), minReady * 1000);
  }
}
