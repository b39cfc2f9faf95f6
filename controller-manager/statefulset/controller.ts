// The StatefulSet controller: pods with stable names and their own claims for every StatefulSet,
// created in order and removed in reverse (or all at once under Parallel), rolled from the
// highest ordinal down to the partition, with ControllerRevisions recording each template so
// that pods below the partition keep theirs and `kubectl rollout history|undo` work. Handlers only
// enqueue set keys; reconcile re-reads the caches and runs the pure plan (plan.ts). Pod names are
// fixed, so a create or delete repeated before the cache shows the first one is harmless
// (AlreadyExists / NotFound) and no expectations are needed.
import type { KObject, Pod, ReplicaSet } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isAlreadyExists, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { selectorMatches } from '../../lib/api/labels';
import { canonicalJson, controllerRefOf, ownerRefFor } from '../common/pod-utils';
import { claimPods } from '../replicaset/replica-plan';
import { claimRevisions, revisionsToDelete, templateOfRevision, type ControllerRevision, type RevisionOwner } from '../history/revisions';
import { newPod, ordinalOf, revisionOf, STS_API_VERSION, STS_KIND, type Claim, type StatefulSet } from './identity';
import { computeStatus, planStatefulSet, statusEqual, type Action } from './plan';
import { currentRevisionOf, updateRevisionStep } from './revisions';

/** Hash collisions tolerated before giving up on a sync (each bumps status.collisionCount). */
const MAX_COLLISIONS = 5;

export class StatefulSetController {
  private readonly log = componentLogger('statefulset-controller');
  private readonly queue = new WorkQueue({ name: 'statefulset' });

  constructor(
    private readonly client: ApiClient,
    private readonly sets: Informer<StatefulSet>,
    private readonly pods: Informer<Pod>,
    private readonly claims: Informer<Claim>,
    private readonly revisions: Informer<ControllerRevision>,
    private readonly recorder: EventRecorder,
  ) {}

  start(workers = 2): void {
    this.sets.addHandler({ onAdd: (s) => this.queue.add(keyOf(s)), onUpdate: (_o, s) => this.queue.add(keyOf(s)), onDelete: (s) => this.queue.add(keyOf(s)) });
    this.pods.addHandler({
      onAdd: (p) => this.enqueueFor(p),
      onUpdate: (o, p) => {
        this.enqueueFor(o);
        this.enqueueFor(p);
      },
      onDelete: (p) => this.enqueueFor(p),
    });
    this.revisions.addHandler({ onAdd: (r) => this.enqueueFor(r), onUpdate: (_o, r) => this.enqueueFor(r), onDelete: (r) => this.enqueueFor(r) });
    // A claim deleted under a pod is recreated for it.
    this.claims.addHandler({ onDelete: (c) => this.sets.list(c.metadata.namespace).forEach((s) => this.queue.add(keyOf(s))) });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  /** The owning set of a pod or revision, or for an orphan every set whose selector matches it. */
  private enqueueFor(o: KObject): void {
    const ref = controllerRefOf(o);
    if (ref) {
      if (ref.kind === STS_KIND) this.queue.add(`${o.metadata.namespace}/${ref.name}`);
      return;
    }
    for (const s of this.sets.list(o.metadata.namespace)) if (selectorMatches(s.spec.selector, o.metadata.labels)) this.queue.add(keyOf(s));
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const set = this.sets.get(namespace, name);
    // A deleted set's pods, and the claims its policy gives it, go with the garbage collector.
    if (!set || set.metadata.deletionTimestamp) return;

    const podClaim = claimPods(set as unknown as ReplicaSet, this.pods.list(namespace));
    // Only pods named as members of this set are adopted (upstream's isMemberOf).
    const adopt = podClaim.adopt.filter((p) => ordinalOf(set, p) >= 0);
    for (const p of adopt) await this.setController('pods', set, p, true);
    for (const p of podClaim.release) await this.setController('pods', set, p, false);
    const pods = [...podClaim.owned, ...adopt];

    const revClaim = claimRevisions(set as unknown as RevisionOwner, this.revisions.list(namespace));
    for (const r of revClaim.adopt) await this.setController('controllerrevisions', set, r, true);
    for (const r of revClaim.release) await this.setController('controllerrevisions', set, r, false);
    const owned = [...revClaim.owned, ...revClaim.adopt];
    const { update, collisionCount } = await this.updateRevision(set, owned);
    const all = owned.some((r) => r.metadata.name === update.metadata.name) ? owned : [...owned, update];
    const current = currentRevisionOf(set, all, update);

    const plan = planStatefulSet({
      set,
      pods,
      claim: (n) => this.claims.get(namespace, n),
      currentRevision: current.metadata.name!,
      updateRevision: update.metadata.name!,
      now: Date.now(),
    });
    try {
      for (const a of plan.actions) await this.apply(set, a, current, update);
    } finally {
      if (plan.waiting) this.log.debug({ statefulset: key, waiting: plan.waiting }, 'statefulset waiting');
      await this.writeStatus(set, this.pods.list(namespace).filter((p) => controllerRefOf(p)?.uid === set.metadata.uid), current, update, collisionCount);
    }
    await this.truncateHistory(set, all, pods, current, update);
  }

  /** Finds or makes the update revision, resolving hash collisions as upstream does. */
  private async updateRevision(set: StatefulSet, owned: ControllerRevision[]): Promise<{ update: ControllerRevision; collisionCount: number }> {
    let collisionCount = set.status?.collisionCount ?? 0;
    for (let i = 0; ; i++) {
      const step = updateRevisionStep(set, owned, collisionCount);
      if (step.kind === 'existing') return { update: step.revision, collisionCount };
      if (step.kind === 'renumber') {
        const r = await this.client.update<ControllerRevision>(Resources.controllerrevisions, { ...step.revision, revision: step.to });
        return { update: r, collisionCount };
      }
      try {
        const r = await this.client.create<ControllerRevision>(Resources.controllerrevisions, step.revision);
        return { update: r, collisionCount };
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        const existing = await this.client.get<ControllerRevision>(Resources.controllerrevisions, set.metadata.namespace, step.revision.metadata.name!);
        // Ours, not yet in the cache: use it.
        if (canonicalJson(existing.data) === canonicalJson(step.revision.data) && controllerRefOf(existing)?.uid === set.metadata.uid) return { update: existing, collisionCount };
        if (i >= MAX_COLLISIONS) throw new Error(`statefulset ${keyOf(set)}: ${MAX_COLLISIONS} ControllerRevision name collisions`);
        collisionCount++;
      }
    }
  }

  private async apply(set: StatefulSet, a: Action, current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const setName = set.metadata.name;
    const ns = set.metadata.namespace;
    switch (a.type) {
      case 'createClaim': {
        try {
          await this.client.create(Resources.persistentvolumeclaims, a.claim);
          this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${a.claim.metadata.name} Pod ${a.pod} in StatefulSet ${setName} success`);
        } catch (e) {
          if (isAlreadyExists(e)) return;
          this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${a.claim.metadata.name} for Pod ${a.pod} in StatefulSet ${setName} failed error: ${(e as Error).message}`);
          throw e;
        }
        return;
      }
      case 'createPod': {
        const revision = a.revision === update.metadata.name ? update : current;
        const template = revision === update ? set.spec.template : templateOfRevision(revision) ?? set.spec.template;
        const pod = newPod(set, template, revision.metadata.name!, a.ordinal);
        try {
          await this.client.create(Resources.pods, pod);
          this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${setName} successful`);
          this.log.info({ statefulset: keyOf(set), pod: pod.metadata.name, revision: revision.metadata.name }, 'created pod');
        } catch (e) {
          if (isAlreadyExists(e)) return;
          this.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${setName} failed error: ${(e as Error).message}`);
          throw e;
        }
        return;
      }
      case 'deletePod': {
        const p = a.pod;
        if (a.why === 'failed') this.recorder.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${ns}/${setName} is recreating failed Pod ${p.metadata.name}`);
        try {
          await this.client.delete(Resources.pods, ns, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
          this.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${setName} successful`);
          this.log.info({ statefulset: keyOf(set), pod: p.metadata.name, why: a.why, revision: revisionOf(p) }, 'deleted pod');
        } catch (e) {
          if (isNotFound(e)) return;
          this.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${p.metadata.name} in StatefulSet ${setName} failed error: ${(e as Error).message}`);
          throw e;
        }
        return;
      }
      case 'labelPod':
        await this.patchIgnoringGone(Resources.pods, ns, a.pod.metadata.name!, { metadata: { labels: a.labels, resourceVersion: a.pod.metadata.resourceVersion } });
        return;
      case 'claimRefs':
        await this.patchIgnoringGone(Resources.persistentvolumeclaims, ns, a.claim.metadata.name!, {
          metadata: { ownerReferences: a.ownerReferences, resourceVersion: a.claim.metadata.resourceVersion },
        });
        return;
    }
  }

  private async patchIgnoringGone(rt: (typeof Resources)[keyof typeof Resources], ns: string | undefined, name: string, body: object): Promise<void> {
    try {
      await this.client.patch(rt, ns, name, 'merge', body);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Adopts (adds our controller reference) or releases (removes it), guarded by resourceVersion. */
  private async setController(resource: 'pods' | 'controllerrevisions', set: StatefulSet, o: KObject, adopt: boolean): Promise<void> {
    const others = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== set.metadata.uid);
    const ownerReferences = adopt ? [...others, ownerRefFor(set, STS_API_VERSION, STS_KIND)] : others;
    await this.patchIgnoringGone(Resources[resource], o.metadata.namespace, o.metadata.name!, { metadata: { ownerReferences, resourceVersion: o.metadata.resourceVersion } });
    this.log.info({ statefulset: keyOf(set), [resource]: o.metadata.name, adopt }, adopt ? 'adopted' : 'released');
  }

  private async writeStatus(set: StatefulSet, pods: Pod[], current: ControllerRevision, update: ControllerRevision, collisionCount: number): Promise<void> {
    const now = Date.now();
    const status = { ...(set.status ?? {}), ...computeStatus(set, pods, current.metadata.name!, update.metadata.name!, collisionCount, now) };
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) this.queue.addAfter(keyOf(set), minReady * 1000);
    if (statusEqual(set.status, status)) return;
    try {
      await this.client.updateStatus(Resources.statefulsets, { ...set, status });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Old revisions beyond revisionHistoryLimit go, never one a pod or the status still names. */
  private async truncateHistory(set: StatefulSet, revisions: ControllerRevision[], pods: Pod[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const live = new Set([...pods.map(revisionOf), current.metadata.name, update.metadata.name]);
    const doomed = revisionsToDelete(revisions, { limit: set.spec.revisionHistoryLimit ?? 10, isLive: (r) => live.has(r.metadata.name), liveCountsAgainstLimit: false });
    for (const r of doomed) {
      try {
        await this.client.delete(Resources.controllerrevisions, r.metadata.namespace, r.metadata.name!);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}

