// The DaemonSet controller: one pod per eligible node for every DaemonSet, replaced by the
// RollingUpdate or OnDelete strategy when the template changes, with a ControllerRevision per
// template so kubectl's rollout history and undo work. Handlers only enqueue DaemonSet keys;
// reconcile re-reads the caches, and expectations stop it from repeating creates and deletes the
// cache has not shown yet. The decisions are the pure functions beside it.
import type { KObject, Node, Pod } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isAlreadyExists, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { selectorMatches } from '../../lib/api/labels';
import { Expectations } from '../common/expectations';
import { controllerRefOf } from '../common/pod-utils';
import { claimRevisions, revisionMatches, REVISION_HASH_LABEL, type ControllerRevision } from '../history/revisions';
import { DS_KIND, type DaemonSet } from './daemon-set';
import { claimDaemonPods, computeStatus, daemonPod, dsOwnerRef, nodesToDaemonPods, planManage, statusEqual } from './daemon-plan';
import { historyToDelete, planHistory, revisionHashOf } from './daemon-revisions';
import { planRollingUpdate } from './rolling-update';
import { FailedPodBackoff } from './failed-pod-backoff';
import { nodeChangeMatters } from './node-changes';

/** Creates in batches that double (1, 2, 4 ...) so a broken template fails fast and cheap. */
const SLOW_START_INITIAL = 1;

export class DaemonSetController {
  private readonly log = componentLogger('daemonset-controller');
  private readonly queue = new WorkQueue({ name: 'daemonset' });
  private readonly expectations = new Expectations();
  private readonly backoff = new FailedPodBackoff();

  constructor(
    private readonly client: ApiClient,
    private readonly dsInformer: Informer<DaemonSet>,
    private readonly podInformer: Informer<Pod>,
    private readonly nodeInformer: Informer<Node>,
    private readonly revisionInformer: Informer<ControllerRevision>,
    private readonly recorder: EventRecorder,
  ) {}

  start(workers = 2): void {
    this.dsInformer.addHandler({
      onAdd: (ds) => this.queue.add(keyOf(ds)),
      onUpdate: (_o, ds) => this.queue.add(keyOf(ds)),
      onDelete: (ds) => {
        this.expectations.delete(keyOf(ds));
        this.queue.add(keyOf(ds));
      },
    });
    this.podInformer.addHandler({
      onAdd: (p) => {
        const key = this.ownerKey(p);
        if (key) this.expectations.creationObserved(key);
        this.enqueueFor(p);
      },
      onUpdate: (o, p) => {
        const key = this.ownerKey(p);
        if (key && p.metadata.deletionTimestamp && !o.metadata.deletionTimestamp) this.expectations.deletionObserved(key, keyOf(p));
        this.enqueueFor(o);
        this.enqueueFor(p);
      },
      onDelete: (p) => {
        const key = this.ownerKey(p);
        if (key) this.expectations.deletionObserved(key, keyOf(p));
        this.enqueueFor(p);
      },
    });
    // Every DaemonSet may gain or lose a node; heartbeats alone change nothing.
    this.nodeInformer.addHandler({
      onAdd: () => this.enqueueAll(),
      onUpdate: (o, n) => {
        if (nodeChangeMatters(o, n)) this.enqueueAll();
      },
      onDelete: () => this.enqueueAll(),
    });
    const revisionOwner = (r: ControllerRevision) => {
      const ref = controllerRefOf(r);
      if (ref?.kind === DS_KIND) this.queue.add(`${r.metadata.namespace}/${ref.name}`);
    };
    this.revisionInformer.addHandler({ onAdd: revisionOwner, onUpdate: (_o, r) => revisionOwner(r), onDelete: revisionOwner });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  private ownerKey(p: Pod): string | undefined {
    const ref = controllerRefOf(p);
    return ref && ref.kind === DS_KIND ? `${p.metadata.namespace}/${ref.name}` : undefined;
  }

  /** The owner DaemonSet of a pod, or, for an orphan, every DaemonSet whose selector matches it. */
  private enqueueFor(p: Pod): void {
    const ref = controllerRefOf(p);
    if (ref) {
      if (ref.kind === DS_KIND) this.queue.add(`${p.metadata.namespace}/${ref.name}`);
      return;
    }
    for (const ds of this.dsInformer.list(p.metadata.namespace)) if (selectorMatches(ds.spec.selector, p.metadata.labels)) this.queue.add(keyOf(ds));
  }

  private enqueueAll(): void {
    for (const ds of this.dsInformer.list()) this.queue.add(keyOf(ds));
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ds = this.dsInformer.get(namespace, name);
    if (!ds) {
      this.expectations.delete(key);
      this.backoff.forgetOwner(key);
      return;
    }
    const sel = ds.spec.selector;
    if (sel && !Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
      this.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // Being deleted: its revisions may already be gone, so no status can be trusted (as upstream).
    if (ds.metadata.deletionTimestamp) return;

    const hash = await this.constructHistory(ds);
    const claim = claimDaemonPods(ds, this.podInformer.list(namespace));
    for (const p of claim.adopt) await this.setController(ds, p, true);
    for (const p of claim.release) await this.setController(ds, p, false);
    const nodes = this.nodeInformer.list();
    const now = Date.now();

    if (!this.expectations.satisfied(key)) {
      await this.writeStatus(ds, nodes, nodesToDaemonPods(claim.owned), hash, false);
      return;
    }
    const byNode = nodesToDaemonPods(claim.owned);
    const manage = planManage(ds, nodes, byNode, hash, now, (node) => this.backoff.inBackoff(key, node, now));
    for (const { pod, node } of manage.failed) {
      this.backoff.next(key, node, now);
      this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${node}, will try to kill it`);
    }
    for (const node of manage.backingOff) this.queue.addAfter(key, this.backoff.remaining(key, node, now));
    let acted = manage.create.length > 0 || manage.remove.length > 0;
    if (acted) await this.syncNodes(ds, key, manage.remove, manage.create, hash);
    else if (ds.spec.updateStrategy?.type === 'RollingUpdate') {
      const update = planRollingUpdate(ds, nodes, byNode, hash, now);
      acted = update.create.length > 0 || update.remove.length > 0;
      if (acted) await this.syncNodes(ds, key, update.remove, update.create, hash);
    }
    await this.cleanupHistory(ds, claim.owned);
    await this.writeStatus(ds, nodes, byNode, hash, true);
  }

  /**
   * constructHistory: adopt and label the DaemonSet's revisions, make sure one holds its current
   * template with the highest revision number (creating or renumbering it), fold duplicates into
   * it; returns the current hash. A hash collision bumps status.collisionCount and retries.
   */
  private async constructHistory(ds: DaemonSet): Promise<string> {
    const claim = claimRevisions(ds, this.revisionInformer.list(ds.metadata.namespace));
    for (const r of claim.adopt) await this.setRevisionController(ds, r, true);
    for (const r of claim.release) await this.setRevisionController(ds, r, false);
    const plan = planHistory(ds, [...claim.owned, ...claim.adopt]);
    for (const r of plan.unlabelled) {
      await this.ignoreNotFound(
        this.client.patch(Resources.controllerrevisions, r.metadata.namespace, r.metadata.name!, 'merge', { metadata: { labels: { [REVISION_HASH_LABEL]: r.metadata.name } } }),
      );
    }
    let current = plan.current;
    if (plan.create) current = await this.snapshot(ds, plan.create);
    else if (current && plan.renumberTo !== undefined) {
      current = await this.client.update(Resources.controllerrevisions, { ...current, revision: plan.renumberTo });
    }
    const hash = revisionHashOf(current!);
    for (const dup of plan.duplicates) {
      // Pods of a duplicate carry its hash: they are of the current template, so they get its hash.
      const dupHash = revisionHashOf(dup);
      for (const p of this.podInformer.list(ds.metadata.namespace)) {
        if (controllerRefOf(p)?.uid !== ds.metadata.uid || p.metadata.labels?.[REVISION_HASH_LABEL] !== dupHash) continue;
        await this.ignoreNotFound(this.client.patch(Resources.pods, p.metadata.namespace, p.metadata.name!, 'merge', { metadata: { labels: { [REVISION_HASH_LABEL]: hash } } }));
      }
      await this.ignoreNotFound(this.client.delete(Resources.controllerrevisions, dup.metadata.namespace, dup.metadata.name!));
    }
    return hash;
  }

  private async snapshot(ds: DaemonSet, revision: ControllerRevision): Promise<ControllerRevision> {
    try {
      return await this.client.create(Resources.controllerrevisions, revision);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.client.get<ControllerRevision>(Resources.controllerrevisions, revision.metadata.namespace, revision.metadata.name!);
      if (revisionMatches(ds, existing)) return existing;
      // Another template holds this name: count the collision so the next hash differs.
      const live = await this.client.get<DaemonSet>(Resources.daemonsets, ds.metadata.namespace, ds.metadata.name!);
      if ((live.status?.collisionCount ?? undefined) !== (ds.status?.collisionCount ?? undefined)) {
        throw new Error(`found a stale collision count of DaemonSet ${ds.metadata.name}; will retry once it is updated`);
      }
      const collisionCount = (live.status?.collisionCount ?? 0) + 1;
      await this.client.updateStatus(Resources.daemonsets, { ...live, status: { ...(live.status ?? {}), collisionCount } } as DaemonSet);
      this.log.info({ ds: keyOf(ds), collisionCount }, 'hash collision: bumped collisionCount');
      throw err;
    }
  }

  /** Deletes pods, then creates pods on nodes, recording the expectations and Events of each. */
  private async syncNodes(ds: DaemonSet, key: string, remove: Pod[], create: string[], hash: string): Promise<void> {
    this.expectations.expect(key, create.length, remove.map(keyOf));
    const errors: string[] = [];
    await Promise.all(
      remove.map(async (p) => {
        try {
          await this.client.delete(Resources.pods, p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
          this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, keyOf(p));
          if (isNotFound(err)) return;
          this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          errors.push((err as Error).message);
        }
      }),
    );
    let batch = SLOW_START_INITIAL;
    let left = [...create];
    while (left.length > 0) {
      const now = left.slice(0, batch);
      left = left.slice(batch);
      const results = await Promise.allSettled(now.map((node) => this.client.create(Resources.pods, daemonPod(ds, node, hash))));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const r of results) if (r.status === 'fulfilled') this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
      if (failed.length > 0) {
        // Neither the failed creates nor the skipped ones will ever be observed.
        for (let i = 0; i < failed.length + left.length; i++) this.expectations.creationObserved(key);
        const msg = (failed[0].reason as Error).message;
        this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${msg}`);
        errors.push(msg);
        break;
      }
      batch *= 2;
    }
    if (create.length || remove.length) this.log.info({ ds: key, created: create.length, deleted: remove.length }, 'synced daemon pods');
    if (errors.length) throw new Error(`syncing daemon pods of ${key}: ${errors[0]}`);
  }

  /** Old revisions beyond revisionHistoryLimit go, oldest first, unless a live pod still uses them. */
  private async cleanupHistory(ds: DaemonSet, owned: Pod[]): Promise<void> {
    const revisions = claimRevisions(ds, this.revisionInformer.list(ds.metadata.namespace)).owned;
    const old = revisions.filter((r) => !revisionMatches(ds, r));
    for (const r of historyToDelete(ds, old, owned)) {
      await this.ignoreNotFound(this.client.delete(Resources.controllerrevisions, r.metadata.namespace, r.metadata.name!, { preconditions: { uid: r.metadata.uid } }));
    }
  }

  private async writeStatus(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string, observe: boolean): Promise<void> {
    const status = computeStatus(ds, nodes, byNode, hash, Date.now(), observe);
    if (!statusEqual(ds.status, status)) {
      try {
        await this.client.updateStatus(Resources.daemonsets, { ...ds, status });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    // Availability that depends on minReadySeconds needs a later look even without events.
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable) this.queue.addAfter(keyOf(ds), minReady * 1000);
  }

  /** Adopts (adds our controller reference) or releases (removes it), guarded by resourceVersion. */
  private async setController(ds: DaemonSet, p: Pod, adopt: boolean): Promise<void> {
    await this.setOwner(Resources.pods, ds, p, adopt);
  }

  private async setRevisionController(ds: DaemonSet, r: ControllerRevision, adopt: boolean): Promise<void> {
    await this.setOwner(Resources.controllerrevisions, ds, r, adopt);
  }

  private async setOwner(rt: (typeof Resources)[keyof typeof Resources], ds: DaemonSet, o: KObject, adopt: boolean): Promise<void> {
    const others = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== ds.metadata.uid);
    const ownerReferences = adopt ? [...others, dsOwnerRef(ds)] : others;
    await this.ignoreNotFound(this.client.patch(rt, o.metadata.namespace, o.metadata.name!, 'merge', { metadata: { ownerReferences, resourceVersion: o.metadata.resourceVersion } }));
    this.log.info({ ds: keyOf(ds), kind: rt.kind, name: o.metadata.name, adopt }, adopt ? 'adopted object' : 'released object');
  }

  private async ignoreNotFound(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
