// The StatefulSet controller's decisions as one pure function over what the caches show, after
// upstream's stateful_set_control: which pods and claims to create, which pods to delete (failed,
// scaled away, or of an old revision inside the rolling update's range), which identities and
// claim owner references to fix — in ordinal order, stopping at the first pod that is not yet
// Running and Ready when pods are managed OrderedReady — and the status it reports.
import type { OwnerReference, Pod } from '../../lib/api/types';
import { isPodAvailable, isPodReady } from '../common/pod-utils';
import {
  claimOwnerRefs,
  claimsFor,
  identityLabels,
  ordinalOf,
  podName,
  replicaCount,
  revisionOf,
  sameRefs,
  startOrdinal,
  type Claim,
  type StatefulSet,
} from './identity';

export type Action =
  | { type: 'createClaim'; claim: Claim; pod: string }
  | { type: 'createPod'; ordinal: number; revision: string }
  | { type: 'deletePod'; pod: Pod; why: 'failed' | 'condemned' | 'update' }
  | { type: 'labelPod'; pod: Pod; labels: Record<string, string> }
  | { type: 'claimRefs'; claim: Claim; ownerReferences: OwnerReference[] };

export interface Plan {
  actions: Action[];
  /** Why the plan stopped early (OrderedReady waiting for a pod), for the log. */
  waiting?: string;
}

export interface PlanInput {
  set: StatefulSet;
  /** Active and terminating pods the set controls. */
  pods: Pod[];
  claim(name: string): Claim | undefined;
  currentRevision: string;
  updateRevision: string;
  now: number;
}

const isTerminating = (p: Pod) => !!p.metadata.deletionTimestamp;
const isFinished = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
const isRunningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);
const isRunningAndAvailable = (p: Pod, minReady: number, now: number) => p.status?.phase === 'Running' && isPodAvailable(p, minReady, now);
/** Upstream's isHealthy: running, ready and not on its way out. */
const isHealthy = (p: Pod) => isRunningAndReady(p) && !isTerminating(p);

/** The revision a new pod of this ordinal gets: below the partition the current one, else the update. */
export function revisionForOrdinal(set: StatefulSet, ordinal: number, current: string, update: string): string {
  const s = set.spec.updateStrategy;
  if ((s?.type ?? 'RollingUpdate') !== 'RollingUpdate') return update;
  const partition = s?.rollingUpdate?.partition ?? 0;
  return ordinal < startOrdinal(set) + partition ? current : update;
}

export function planStatefulSet(input: PlanInput): Plan {
  const { set, pods, now } = input;
  const actions: Action[] = [];
  const monotonic = (set.spec.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';
  const minReady = set.spec.minReadySeconds ?? 0;
  const count = replicaCount(set);
  const start = startOrdinal(set);
  const replicas: (Pod | undefined)[] = new Array(count).fill(undefined);
  const condemned: Pod[] = [];
  for (const p of pods) {
    const ord = ordinalOf(set, p);
    if (ord < 0) continue;
    if (ord >= start && ord < start + count) replicas[ord - start] = p;
    else condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
  const stop = (waiting: string): Plan => ({ actions, waiting });

  // Claims follow the retention policy, for every pod, whatever else waits.
  for (const p of [...replicas.filter((x): x is Pod => !!x), ...condemned]) {
    const ord = ordinalOf(set, p);
    for (const c of claimsFor(set, ord)) {
      const have = input.claim(c.metadata.name!);
      if (!have || have.metadata.deletionTimestamp) continue;
      const refs = claimOwnerRefs(have, set, p, ord);
      if (!sameRefs(have.metadata.ownerReferences, refs)) actions.push({ type: 'claimRefs', claim: have, ownerReferences: refs });
    }
  }

  const missingClaims = (ord: number) =>
    claimsFor(set, ord)
      .filter((c) => !input.claim(c.metadata.name!))
      .map((c) => ({ ...c, metadata: { ...c.metadata, ownerReferences: claimOwnerRefs(c, set, undefined, ord) } }));

  // The pods in range, in ordinal order.
  for (let i = 0; i < count; i++) {
    const ord = start + i;
    const p = replicas[i];
    if (!p) {
      for (const c of missingClaims(ord)) actions.push({ type: 'createClaim', claim: c, pod: podName(set, ord) });
      actions.push({ type: 'createPod', ordinal: ord, revision: revisionForOrdinal(set, ord, input.currentRevision, input.updateRevision) });
      if (monotonic) return stop(`waiting for Pod ${podName(set, ord)} to be created`);
      continue;
    }
    if (isFinished(p) && !isTerminating(p)) {
      actions.push({ type: 'deletePod', pod: p, why: 'failed' });
      if (monotonic) return stop(`recreating Pod ${p.metadata.name}`);
      continue;
    }
    if (!isTerminating(p)) for (const c of missingClaims(ord)) actions.push({ type: 'createClaim', claim: c, pod: p.metadata.name! });
    if (monotonic && isTerminating(p)) return stop(`waiting for Pod ${p.metadata.name} to terminate`);
    if (monotonic && !isRunningAndReady(p)) return stop(`waiting for Pod ${p.metadata.name} to be Running and Ready`);
    if (monotonic && !isRunningAndAvailable(p, minReady, now)) return stop(`waiting for Pod ${p.metadata.name} to be Available`);
    const labels = identityLabels(set, p);
    if (labels && !isTerminating(p)) actions.push({ type: 'labelPod', pod: p, labels });
  }

  // The pods scaled away, highest ordinal first.
  const firstUnhealthy = [...replicas.filter((x): x is Pod => !!x), ...[...condemned].reverse()].find((p) => !isHealthy(p));
  for (const p of condemned) {
    if (isTerminating(p)) {
      if (monotonic) return stop(`waiting for Pod ${p.metadata.name} to terminate before scaling down`);
      continue;
    }
    if (monotonic && !isRunningAndAvailable(p, minReady, now) && p !== firstUnhealthy) return stop(`waiting for Pod ${firstUnhealthy?.metadata.name} to be healthy before scaling down`);
    actions.push({ type: 'deletePod', pod: p, why: 'condemned' });
    if (monotonic) return stop(`scaling down: Pod ${p.metadata.name} deleted`);
  }

  // The rolling update: from the highest ordinal down to the partition, one pod at a time.
  const strategy = set.spec.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { actions };
  const partition = Math.max(0, strategy?.rollingUpdate?.partition ?? 0);
  for (let target = count - 1; target >= partition; target--) {
    const p = replicas[target];
    if (!p) continue;
    if (revisionOf(p) !== input.updateRevision && !isTerminating(p)) {
      actions.push({ type: 'deletePod', pod: p, why: 'update' });
      return stop(`updating Pod ${p.metadata.name}`);
    }
    if (!isHealthy(p)) return stop(`waiting for Pod ${p.metadata.name} to update`);
  }
  return { actions };
}

export type SetStatus = NonNullable<StatefulSet['status']>;

/** Upstream's status: counts over the pods, and the current revision catching up once the update is complete. */
export function computeStatus(set: StatefulSet, pods: Pod[], currentRevision: string, updateRevision: string, collisionCount: number, now: number): SetStatus {
  const minReady = set.spec.minReadySeconds ?? 0;
  const live = pods.filter((p) => !isTerminating(p));
  const status: SetStatus = {
    observedGeneration: set.metadata.generation ?? 0,
    replicas: pods.length,
    readyReplicas: pods.filter(isRunningAndReady).length,
    availableReplicas: pods.filter((p) => isRunningAndAvailable(p, minReady, now)).length,
    currentReplicas: live.filter((p) => revisionOf(p) === currentRevision).length,
    updatedReplicas: live.filter((p) => revisionOf(p) === updateRevision).length,
    currentRevision,
    updateRevision,
    collisionCount,
  };
  const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = updateRevision;
  }
  return status;
}

const STATUS_FIELDS: (keyof SetStatus)[] = ['observedGeneration', 'replicas', 'readyReplicas', 'availableReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision', 'collisionCount'];

export const statusEqual = (a: SetStatus | undefined, b: SetStatus): boolean => !!a && STATUS_FIELDS.every((f) => (a[f] ?? 0) === (b[f] ?? 0));
