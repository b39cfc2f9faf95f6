// The pure decisions of the DaemonSet controller, as upstream's daemon controller makes them: the
// daemon pods grouped by the node they are for, which nodes need a pod and which pods must go
// (manage), the pod it creates for a node, whether a pod is of the current template, and the
// status it reports. The rolling update is in rolling-update.ts.
import type { Node, OwnerReference, Pod } from '../../lib/api/types';
import { claimByControllerRef, type Claim, type ClaimRules } from '../common/controller-ref';
import { deepCopy, isPodAvailable, isPodReady } from '../common/pod-utils';
import { REVISION_HASH_LABEL } from '../history/revisions';
import { DS_API_VERSION, DS_KIND, TEMPLATE_GENERATION_LABEL, type DaemonSet, type DaemonSetStatus } from './daemon-set';
import { nodeShouldRunDaemonPod, pinToNode, targetNodeName, withDaemonTolerations } from './node-eligibility';

/** The annotation the apiserver keeps the template generation in (extensions' TemplateGeneration). */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;

/** The DaemonSet's template generation, undefined when its annotation is missing or not a number. */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const v = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * getNodesToDaemonPods: owned pods by the node they are for. Pods that are both finished and being
 * deleted are left out unless asked for (the history cleanup still counts their hashes).
 */
export function nodesToDaemonPods(owned: Pod[], includeDeletedTerminal = false): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of owned) {
    if (!includeDeletedTerminal && isTerminal(p) && p.metadata.deletionTimestamp) continue;
    const node = targetNodeName(p);
    if (!node) continue;
    const list = m.get(node);
    if (list) list.push(p);
    else m.set(node, [p]);
  }
  return m;
}

/** IsPodUpdated: made from the current template, by its hash or by the template generation. */
export function isPodUpdated(p: Pod, hash: string, generation: number | undefined): boolean {
  const labels = p.metadata.labels ?? {};
  return (!!hash && labels[REVISION_HASH_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation));
}

/** podByCreationTimestampAndPhase: scheduled pods first, then the oldest, names breaking ties. */
export function sortByAge(pods: Pod[]): Pod[] {
  const unscheduled = (p: Pod) => (p.spec?.nodeName ? 0 : 1);
  return [...pods].sort((a, b) => unscheduled(a) - unscheduled(b) || created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

export const dsOwnerRef = (ds: DaemonSet): OwnerReference => ({
  apiVersion: DS_API_VERSION,
  kind: DS_KIND,
  name: ds.metadata.name!,
  uid: ds.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
});

/**
 * The pod for a node: the template with the daemon tolerations, the generation and hash labels,
 * and a required node affinity on the node's name, so the scheduler binds it there.
 */
export function daemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const t = deepCopy(ds.spec.template);
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(generation);
  if (hash) labels[REVISION_HASH_LABEL] = hash;
  const spec = { ...t.spec };
  spec.tolerations = withDaemonTolerations(spec);
  spec.affinity = pinToNode(spec.affinity as Parameters<typeof pinToNode>[0], nodeName);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels,
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [dsOwnerRef(ds)],
    },
    spec,
  };
}

export interface ManagePlan {
  /** Nodes that need a daemon pod. */
  create: string[];
  /** Pods to delete: excess, misscheduled, finished, or on nodes that are gone. */
  remove: Pod[];
  /** Failed pods among `remove` (each gets a FailedDaemonPod event and starts a backoff). */
  failed: { pod: Pod; node: string }[];
  /** Nodes whose failed pods wait for their backoff to pass. */
  backingOff: string[];
}

/** Upstream's surge test: a RollingUpdate whose maxSurge resolves to more than zero. */
export function allowsSurge(ds: DaemonSet): boolean {
  const s = ds.spec.updateStrategy;
  if (s?.type !== 'RollingUpdate') return false;
  const v = s.rollingUpdate?.maxSurge;
  if (v === undefined || v === null) return false;
  if (typeof v === 'number') return v > 0;
  const m = /^(\d+)%$/.exec(v);
  return m ? Number(m[1]) > 0 : Number(v) > 0;
}

/**
 * manage + podsShouldBeOnNode: per node, create a pod where one should run and none is; where pods
 * may stay, delete finished ones (failed ones subject to backoff) and keep one (without surge: the
 * oldest; with surge: the oldest of each revision, the old one only while the new one is not yet
 * available and the old one is ready); where none may stay, delete them all. Unscheduled pods for
 * nodes that no longer exist are deleted too (PodGC only handles bound ones).
 */
export function planManage(
  ds: DaemonSet,
  nodes: Node[],
  byNode: Map<string, Pod[]>,
  hash: string,
  now: number,
  inBackoff: (node: string) => boolean = () => false,
): ManagePlan {
  const plan: ManagePlan = { create: [], remove: [], failed: [], backingOff: [] };
  const minReady = ds.spec.minReadySeconds ?? 0;
  const surge = allowsSurge(ds);
  for (const node of nodes) {
    const name = node.metadata.name!;
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(name);
    if (shouldRun && !pods) {
      plan.create.push(name);
      continue;
    }
    if (!pods) continue;
    if (!shouldContinueRunning) {
      plan.remove.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
      continue;
    }
    const running: Pod[] = [];
    for (const p of pods) {
      if (p.metadata.deletionTimestamp) continue;
      if (p.status?.phase === 'Failed') {
        if (inBackoff(name)) {
          if (!plan.backingOff.includes(name)) plan.backingOff.push(name);
          continue;
        }
        plan.failed.push({ pod: p, node: name });
        plan.remove.push(p);
      } else if (p.status?.phase === 'Succeeded') plan.remove.push(p);
      else running.push(p);
    }
    if (!surge) {
      plan.remove.push(...sortByAge(running).slice(1));
      continue;
    }
    if (running.length <= 1) {
      if (running.length === 0 && shouldRun) plan.create.push(name);
      continue;
    }
    let oldestNew: Pod | undefined;
    let oldestOld: Pod | undefined;
    for (const p of sortByAge(running)) {
      if ((p.metadata.labels ?? {})[REVISION_HASH_LABEL] === hash) {
        if (!oldestNew) {
          oldestNew = p;
          continue;
        }
      } else if (!oldestOld) {
        oldestOld = p;
        continue;
      }
      plan.remove.push(p);
    }
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))) plan.remove.push(oldestOld);
  }
  const names = new Set(nodes.map((n) => n.metadata.name!));
  for (const [node, pods] of byNode) {
    if (names.has(node)) continue;
    plan.remove.push(...pods.filter((p) => !p.spec.nodeName && !p.metadata.deletionTimestamp));
  }
  return plan;
}

/** updateDaemonSetStatus's counting, per node, by the oldest daemon pod there. */
export function computeStatus(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string, now: number, observe: boolean): DaemonSetStatus {
  const generation = templateGeneration(ds);
  const minReady = ds.spec.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(node.metadata.name!) ?? [];
    if (!shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    if (pods.length === 0) continue;
    current++;
    const pod = sortByAge(pods)[0];
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (isPodUpdated(pod, hash, generation)) updated++;
  }
  const prev = ds.status ?? ({} as Partial<DaemonSetStatus>);
  const status: DaemonSetStatus = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: observe ? (ds.metadata.generation ?? 0) : prev.observedGeneration,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
  if (prev.collisionCount !== undefined) status.collisionCount = prev.collisionCount;
  if (prev.conditions !== undefined) status.conditions = prev.conditions;
  if (status.observedGeneration === undefined) delete status.observedGeneration;
  return status;
}

const STATUS_FIELDS: (keyof DaemonSetStatus)[] = [
  'currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable',
];

export const statusEqual = (a: DaemonSetStatus | undefined, b: DaemonSetStatus): boolean => !!a && STATUS_FIELDS.every((k) => (a[k] ?? 0) === (b[k] ?? 0));

export interface PodClaim extends Claim<Pod> {
  /** Pods this DaemonSet controls that still match its selector (adopted ones included). */
  owned: Pod[];
}

/** Pods being deleted are neither adopted nor released. */
const DAEMON_CLAIM_RULES: ClaimRules<Pod> = { adoptable: (p) => !p.metadata.deletionTimestamp, releasable: (p) => !p.metadata.deletionTimestamp };

/** ClaimPods: by controller reference, adopting matching orphans and releasing mismatches; the adopted count as owned at once. */
export function claimDaemonPods(ds: DaemonSet, pods: Pod[]): PodClaim {
  const c = claimByControllerRef(ds, ds.spec.selector, pods, DAEMON_CLAIM_RULES);
  const mine = new Set([...c.owned, ...c.adopt]);
  return { ...c, owned: pods.filter((p) => mine.has(p)) };
}
