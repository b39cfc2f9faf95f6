// The pure rollout math of the Deployment controller: the template hash that names ReplicaSets,
// maxSurge/maxUnavailable resolution, how many replicas each ReplicaSet should have next for the
// RollingUpdate and Recreate strategies (with proportional scaling during a rollout), which old
// ReplicaSets to clean up, and the status kubectl `rollout status` reads.
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../lib/api/types';
import { canonicalJson, deepCopy } from '../common/pod-utils';

export const HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DESIRED_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a 32 of the canonical template JSON, spelled with Kubernetes' vowel-free alphabet. */
export function templateHash(t: PodTemplateSpec, collisionCount = 0): string {
  let h = 0x811c9dc5;
  const s = canonicalJson(stripHash(t)) + (collisionCount ? String(collisionCount) : '');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  let n = h;
  do {
    out += SAFE[n % SAFE.length];
    n = Math.floor(n / SAFE.length);
  } while (n > 0);
  return out;
}

/** The template without the pod-template-hash label, so RS and Deployment templates compare. */
export function stripHash(t: PodTemplateSpec): PodTemplateSpec {
  const c = deepCopy(t);
  if (c.metadata?.labels) {
    delete c.metadata.labels[HASH_LABEL];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
  return c;
}

export const templatesEqual = (a: PodTemplateSpec, b: PodTemplateSpec) => canonicalJson(stripHash(a)) === canonicalJson(stripHash(b));

export function resolveIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean, dflt: string): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x.trim());
  if (!m) {
    const n = Number(x);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid int-or-percent "${x}"`);
  }
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

/** maxSurge rounds up, maxUnavailable down; both zero is not allowed, so unavailable becomes 1. */
export function fenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = resolveIntOrPercent(ru?.maxSurge, replicas, true, '25%');
  let maxUnavailable = resolveIntOrPercent(ru?.maxUnavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

export const replicasOf = (rs: ReplicaSet) => rs.spec.replicas ?? 0;
export const availableOf = (rs: ReplicaSet) => rs.status?.availableReplicas ?? 0;
export const revisionOf = (o: { metadata: { annotations?: Record<string, string> } }) => Number(o.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0;

/** Oldest first: by revision, then creation time. */
export function byAge(a: ReplicaSet, b: ReplicaSet): number {
  return revisionOf(a) - revisionOf(b) || (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0);
}

export function findNewRS(d: Deployment, owned: ReplicaSet[]): ReplicaSet | undefined {
  // The oldest matching one wins, as Kubernetes does, should duplicates ever exist.
  return [...owned].sort(byAge).find((rs) => templatesEqual(rs.spec.template, d.spec.template));
}

/** Desired spec.replicas per ReplicaSet name for the next step. newRS may be a not-yet-created one. */
export function planReplicas(d: Deployment, newRS: ReplicaSet, olds: ReplicaSet[]): Map<string, number> {
  const want = d.spec.replicas ?? 1;
  const plan = new Map<string, number>([[newRS.metadata.name!, replicasOf(newRS)], ...olds.map((r) => [r.metadata.name!, replicasOf(r)] as [string, number])]);
  if (d.spec.paused) return plan;
  const oldActive = olds.filter((r) => replicasOf(r) > 0);

  if (d.spec.strategy?.type === 'Recreate') {
    if (oldActive.length > 0) {
      for (const r of olds) plan.set(r.metadata.name!, 0);
      return plan;
    }
    // Wait until every old pod is gone before starting new ones.
    if (olds.some((r) => (r.status?.replicas ?? 0) > 0)) return plan;
    plan.set(newRS.metadata.name!, want);
    return plan;
  }

  const { maxSurge, maxUnavailable } = fenceposts(d);
  if (oldActive.length === 0) {
    plan.set(newRS.metadata.name!, want);
    return plan;
  }
  const all = [newRS, ...olds];
  const total = all.reduce((s, r) => s + replicasOf(r), 0);
  const maxTotal = want + maxSurge;

  // Proportional scaling: the deployment was resized mid-rollout; spread the change over the
  // active ReplicaSets by their size instead of letting the rollout absorb it all.
  const lastDesired = Number(newRS.metadata.annotations?.[DESIRED_ANNOTATION] ?? want);
  if (replicasOf(newRS) > 0 && lastDesired !== want && total > 0) return proportional(plan, all, newRS, total + (want - lastDesired), maxTotal);

  // Scale up the new ReplicaSet within the surge budget.
  const up = Math.max(0, Math.min(maxTotal - total, want - replicasOf(newRS)));
  plan.set(newRS.metadata.name!, replicasOf(newRS) + up);

  // Scale down old ReplicaSets without dropping below minAvailable. Unavailable old pods go first:
  // removing them never reduces availability.
  const minAvailable = want - maxUnavailable;
  const newUnavailable = Math.max(0, replicasOf(newRS) - availableOf(newRS));
  let cleanup = total - minAvailable - newUnavailable;
  const oldest = [...oldActive].sort(byAge);
  for (const r of oldest) {
    if (cleanup <= 0) break;
    const unhealthy = Math.max(0, replicasOf(r) - availableOf(r));
    const c = Math.min(cleanup, unhealthy);
    plan.set(r.metadata.name!, replicasOf(r) - c);
    cleanup -= c;
  }
  const available = all.reduce((s, r) => s + availableOf(r), 0);
  let down = available - minAvailable;
  for (const r of oldest) {
    if (down <= 0) break;
    const cur = plan.get(r.metadata.name!)!;
    const c = Math.min(down, cur, availableOf(r));
    plan.set(r.metadata.name!, cur - c);
    down -= c;
  }
  return plan;
}

/** Spreads `target` (capped at maxTotal) over the active ReplicaSets by size; the rest goes to `rest`. */
function proportional(plan: Map<string, number>, all: ReplicaSet[], rest: ReplicaSet, target: number, maxTotal: number): Map<string, number> {
  const total = all.reduce((s, r) => s + replicasOf(r), 0);
  const t = Math.min(maxTotal, Math.max(0, target));
  let given = 0;
  for (const r of all.filter((x) => replicasOf(x) > 0)) {
    const share = Math.floor((replicasOf(r) * t) / total);
    plan.set(r.metadata.name!, share);
    given += share;
  }
  plan.set(rest.metadata.name!, (plan.get(rest.metadata.name!) ?? 0) + (t - given));
  return plan;
}

/**
 * A paused Deployment rolls nothing out but still scales (upstream's scale()): the one active
 * ReplicaSet (or, with none active, the new one or else the newest) takes the whole count; with
 * several active, a saturated new one lets the old ones go to zero, else the change is spread
 * proportionally. `newRS` is absent when the template changed while paused: none is created.
 */
export function planPausedScale(d: Deployment, newRS: ReplicaSet | undefined, olds: ReplicaSet[]): Map<string, number> {
  const want = d.spec.replicas ?? 1;
  const all = newRS ? [newRS, ...olds] : [...olds];
  const plan = new Map<string, number>(all.map((r) => [r.metadata.name!, replicasOf(r)]));
  const active = all.filter((r) => replicasOf(r) > 0);
  if (active.length <= 1) {
    const target = active[0] ?? newRS ?? [...olds].sort(byAge).pop();
    if (target) plan.set(target.metadata.name!, want);
    return plan;
  }
  if (newRS && replicasOf(newRS) === want && availableOf(newRS) === want) {
    for (const r of olds) plan.set(r.metadata.name!, 0);
    return plan;
  }
  if (d.spec.strategy?.type === 'Recreate') return plan;
  const total = active.reduce((s, r) => s + replicasOf(r), 0);
  const lastDesired = Number((newRS ?? [...active].sort(byAge).pop()!).metadata.annotations?.[DESIRED_ANNOTATION] ?? want);
  if (lastDesired === want) return plan;
  const rest = newRS && replicasOf(newRS) > 0 ? newRS : [...active].sort(byAge).pop()!;
  return proportional(plan, all, rest, total + (want - lastDesired), want + fenceposts(d).maxSurge);
}

/** Old ReplicaSets beyond revisionHistoryLimit that are fully scaled down, oldest first. */
export function rsToCleanup(d: Deployment, olds: ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const idle = olds.filter((r) => replicasOf(r) === 0 && (r.status?.replicas ?? 0) === 0 && !r.metadata.deletionTimestamp).sort(byAge);
  return idle.slice(0, Math.max(0, idle.length - limit));
}

type Condition = NonNullable<NonNullable<Deployment['status']>['conditions']>[number];
export type DeploymentStatus = NonNullable<Deployment['status']>;

function setCondition(conds: Condition[], c: Condition, now: string): Condition[] {
  const cur = conds.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason && cur.message === c.message) return conds;
  const next: Condition = {
    ...c,
    lastUpdateTime: now,
    lastTransitionTime: cur && cur.status === c.status ? cur.lastTransitionTime ?? now : now,
  };
  return [...conds.filter((x) => x.type !== c.type), next].sort((a, b) => (a.type < b.type ? -1 : 1));
}

export function computeDeploymentStatus(d: Deployment, newRS: ReplicaSet | undefined, all: ReplicaSet[], now: string): DeploymentStatus {
  // Available and the counts; the conditions d carries are kept.
  const want = d.spec.replicas ?? 1;
  const sum = (f: (r: ReplicaSet) => number) => all.reduce((s, r) => s + f(r), 0);
  const replicas = sum((r) => r.status?.replicas ?? 0);
  const available = sum(availableOf);
  const updated = newRS?.status?.replicas ?? 0;
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas,
    updatedReplicas: updated,
    readyReplicas: sum((r) => r.status?.readyReplicas ?? 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, want - available),
  };
  const { maxUnavailable } = d.spec.strategy?.type === 'Recreate' ? { maxUnavailable: 0 } : fenceposts(d);
  let conds = d.status?.conditions ?? [];
  conds = available >= want - maxUnavailable
    ? setCondition(conds, { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, now)
    : setCondition(conds, { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }, now);
  // Progressing is progress.ts's (it needs the status before this sync and the clock).
  status.conditions = conds;
  return status;
}

/** Equal ignoring condition timestamps. */
export function deploymentStatusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  if (!a) return false;
  const strip = (s: DeploymentStatus) => ({ ...s, conditions: (s.conditions ?? []).map(({ lastUpdateTime: _u, lastTransitionTime: _t, ...c }) => c) });
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}

/** Deployment annotations that stay on the Deployment; every other one is copied to its new ReplicaSet. */
const ANNOTATIONS_NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  DESIRED_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/**
 * The Deployment annotations its new ReplicaSet must carry (kubectl's `kubernetes.io/change-cause`
 * among them: `rollout history` reads it from the ReplicaSets), or undefined when the ReplicaSet
 * already has them all. Like Kubernetes, copying only adds or overwrites, never removes.
 */
export function annotationsToCopy(d: Deployment, rs: { metadata: { annotations?: Record<string, string> } }): Record<string, string> | undefined {
  const have = rs.metadata.annotations ?? {};
  const want = Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !ANNOTATIONS_NOT_COPIED.has(k));
  if (want.every(([k, v]) => have[k] === v)) return undefined;
  return Object.fromEntries(want);
}
