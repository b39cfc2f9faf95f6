// The Deployment controller: one ReplicaSet per pod template (named <deployment>-<template hash>),
// rolled forward by the RollingUpdate or Recreate strategy, old ReplicaSets trimmed to
// revisionHistoryLimit, and the status (with Available/Progressing conditions) that
// `kubectl rollout status` waits on. The math lives in rollout.ts; this file reads and writes.
import type { Deployment, ReplicaSet } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import type { ApiClient } from '../../lib/client/api-client';
import type { Informer } from '../../lib/client/informer';
import { WorkQueue, keyOf, splitKey } from '../../lib/client/workqueue';
import type { EventRecorder } from '../../lib/client/event-recorder';
import { isAlreadyExists, isNotFound } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { selectorMatches } from '../../lib/api/labels';
import { controllerRefOf, deepCopy, ownerRefFor } from '../common/pod-utils';
import {
  annotationsToCopy, DESIRED_ANNOTATION, HASH_LABEL, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION,
  computeDeploymentStatus, deploymentStatusEqual, fenceposts, findNewRS, planReplicas, replicasOf,
  planPausedScale, revisionOf, rsToCleanup, templateHash, templatesEqual,
} from './rollout';
import { newReplicaSetConditions, pausedConditions, rolloutConditions, stuckRequeueMs, withReplicaFailure } from './progress';

export class DeploymentController {
  private readonly log = componentLogger('deployment-controller');
  private readonly queue = new WorkQueue({ name: 'deployment' });

  constructor(
    private readonly client: ApiClient,
    private readonly deployments: Informer<Deployment>,
    private readonly replicaSets: Informer<ReplicaSet>,
    private readonly recorder: EventRecorder,
  ) {}

  start(workers = 2): void {
    this.deployments.addHandler({
      onAdd: (d) => this.queue.add(keyOf(d)),
      onUpdate: (_o, d) => this.queue.add(keyOf(d)),
      onDelete: (d) => this.queue.add(keyOf(d)),
    });
    const forRS = (rs: ReplicaSet) => {
      const ref = controllerRefOf(rs);
      if (ref) {
        if (ref.kind === 'Deployment') this.queue.add(`${rs.metadata.namespace}/${ref.name}`);
        return;
      }
      for (const d of this.deployments.list(rs.metadata.namespace)) {
        if (selectorMatches(d.spec.selector, rs.metadata.labels)) this.queue.add(keyOf(d));
      }
    };
    this.replicaSets.addHandler({ onAdd: forRS, onUpdate: (o, n) => (forRS(o), forRS(n)), onDelete: forRS });
    this.queue.run(workers, (k) => this.reconcile(k));
  }

  stop(): Promise<void> {
    return this.queue.shutdown();
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const d = this.deployments.get(namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    // Conditions this sync sets before the rollout step (pause/resume, new ReplicaSet) ride along
    // into the one status write at the end.
    let conds = pausedConditions(d, d.status?.conditions, now);
    const owned = await this.claimReplicaSets(d);
    let newRS = findNewRS(d, owned);
    const olds = owned.filter((r) => r !== newRS);
    const maxOldRevision = Math.max(0, ...olds.map(revisionOf));

    if (d.spec.paused) {
      // Paused: a changed template makes no new ReplicaSet, but scaling still works.
      await this.applyPlan(d, key, planPausedScale(d, newRS, olds), newRS ? [newRS, ...olds] : olds);
    } else {
      if (!newRS) {
        newRS = await this.createNewRS(d, olds, maxOldRevision + 1);
        if (!newRS) return;
        conds = newReplicaSetConditions(d, conds, newRS.metadata.name!, true, now);
      } else {
        if (revisionOf(newRS) <= maxOldRevision) {
          // A rollback to an older template makes its ReplicaSet the newest revision again.
          newRS = await this.updateRS(newRS, (r) => ((r.metadata.annotations ??= {})[REVISION_ANNOTATION] = String(maxOldRevision + 1)));
        }
        conds = newReplicaSetConditions(d, conds, newRS.metadata.name!, false, now);
      }
      const copied = annotationsToCopy(d, newRS);
      if (copied) newRS = await this.updateRS(newRS, (r) => Object.assign((r.metadata.annotations ??= {}), copied));
      await this.applyPlan(d, key, planReplicas(d, newRS, olds), [newRS, ...olds]);
    }

    for (const rs of rsToCleanup(d, olds)) {
      try {
        await this.client.delete(Resources.replicasets, rs.metadata.namespace, rs.metadata.name!, { preconditions: { uid: rs.metadata.uid } });
        this.log.info({ deployment: key, rs: rs.metadata.name }, 'deleted old replica set');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }

    let current = d;
    if (newRS) {
      const revision = String(revisionOf(newRS));
      if (d.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
        const copy = deepCopy(d);
        (copy.metadata.annotations ??= {})[REVISION_ANNOTATION] = revision;
        current = await this.client.update(Resources.deployments, copy);
      }
    }
    const withConds: Deployment = { ...current, status: { ...(current.status ?? {}), conditions: conds } };
    const all = (newRS ? [newRS, ...olds] : olds).map((r) => this.replicaSets.get(r.metadata.namespace, r.metadata.name!) ?? r);
    const status = computeDeploymentStatus(withConds, newRS ? all[0] : undefined, all, now);
    // The Progressing condition follows the rollout only while it is not paused (upstream's sync
    // path for paused Deployments leaves it as pausedConditions set it).
    if (!d.spec.paused) {
      status.conditions = rolloutConditions({ ...current, status: { ...(current.status ?? {}), conditions: conds } }, status, newRS?.metadata.name, nowMs);
      status.conditions = withReplicaFailure(status.conditions, newRS ? all[0] : undefined, all);
    }
    if (!deploymentStatusEqual(current.status, status)) {
      await this.client.updateStatus(Resources.deployments, { ...current, status });
    }
    const stuck = d.spec.paused ? undefined : stuckRequeueMs(d, status, nowMs);
    if (stuck !== undefined) this.queue.addAfter(key, stuck);
  }

  /** Sets each ReplicaSet's replicas to the plan, with the desired/max annotations and an Event per change. */
  private async applyPlan(d: Deployment, key: string, plan: Map<string, number>, sets: ReplicaSet[]): Promise<void> {
    const want = d.spec.replicas ?? 1;
    for (const rs of sets) {
      const target = plan.get(rs.metadata.name!)!;
      const desiredNote = rs.metadata.annotations?.[DESIRED_ANNOTATION];
      if (target === replicasOf(rs) && (target === 0 || desiredNote === String(want))) continue;
      await this.updateRS(rs, (r) => {
        r.spec.replicas = target;
        const a = (r.metadata.annotations ??= {});
        a[DESIRED_ANNOTATION] = String(want);
        a[MAX_REPLICAS_ANNOTATION] = String(want + fenceposts(d).maxSurge);
      });
      if (target !== replicasOf(rs)) {
        const verb = target > replicasOf(rs) ? 'up' : 'down';
        this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${verb} replica set ${rs.metadata.name} from ${replicasOf(rs)} to ${target}`);
        this.log.info({ deployment: key, rs: rs.metadata.name, from: replicasOf(rs), to: target }, 'scaled replica set');
      }
    }
  }

  /** The ReplicaSets this deployment controls, adopting orphans that match its selector. */
  private async claimReplicaSets(d: Deployment): Promise<ReplicaSet[]> {
    const out: ReplicaSet[] = [];
    for (const rs of this.replicaSets.list(d.metadata.namespace)) {
      const ref = controllerRefOf(rs);
      if (ref) {
        if (ref.uid === d.metadata.uid) out.push(rs);
        continue;
      }
      if (rs.metadata.deletionTimestamp || !selectorMatches(d.spec.selector, rs.metadata.labels)) continue;
      const ownerReferences = [...(rs.metadata.ownerReferences ?? []), ownerRefFor(d, 'apps/v1', 'Deployment')];
      out.push(await this.client.patch<ReplicaSet>(Resources.replicasets, rs.metadata.namespace, rs.metadata.name!, 'merge', {
        metadata: { ownerReferences, resourceVersion: rs.metadata.resourceVersion },
      }));
    }
    return out;
  }

  private async createNewRS(d: Deployment, olds: ReplicaSet[], revision: number): Promise<ReplicaSet | undefined> {
    const hash = templateHash(d.spec.template);
    const template = deepCopy(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const selector = deepCopy(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const want = d.spec.replicas ?? 1;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        annotations: {
          ...annotationsToCopy(d, { metadata: {} }),
          [REVISION_ANNOTATION]: String(revision),
          [DESIRED_ANNOTATION]: String(want),
          [MAX_REPLICAS_ANNOTATION]: String(want + fenceposts(d).maxSurge),
        },
        ownerReferences: [ownerRefFor(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    rs.spec.replicas = planReplicas(d, rs, olds).get(rs.metadata.name!)!;
    try {
      const created = await this.client.create(Resources.replicasets, rs);
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${rs.spec.replicas}`);
      this.log.info({ deployment: keyOf(d), rs: created.metadata.name, replicas: rs.spec.replicas }, 'created replica set');
      return created;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.client.get<ReplicaSet>(Resources.replicasets, d.metadata.namespace, rs.metadata.name!);
      const ours = controllerRefOf(existing)?.uid === d.metadata.uid && templatesEqual(existing.spec.template, d.spec.template);
      if (!ours) throw new Error(`replica set ${rs.metadata.name} exists with another owner or template (hash collision)`);
      return undefined; // the cache is behind; the informer event requeues us
    }
  }

  private async updateRS(rs: ReplicaSet, change: (r: ReplicaSet) => void): Promise<ReplicaSet> {
    const copy = deepCopy(rs);
    change(copy);
    return this.client.update(Resources.replicasets, copy);
  }
}
