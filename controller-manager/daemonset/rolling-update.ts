// The RollingUpdate strategy of the DaemonSet controller, as upstream's rollingUpdate decides it.
// Without surge, old pods are deleted (their replacement is created by manage once they are gone)
// while at most maxUnavailable nodes lack an available pod; unavailable old pods are always fair
// game. With surge, a new pod is created beside the old one on up to maxSurge nodes at a time, and
// the old one is deleted once the new one is available.
import type { Node, Pod } from '../../lib/api/types';
import { isPodAvailable } from '../common/pod-utils';
import type { DaemonSet } from './daemon-set';
import { isPodUpdated, templateGeneration } from './daemon-plan';
import { nodeShouldRunDaemonPod } from './node-eligibility';

/** An int-or-percent of a total, percentages rounded up (GetScaledValueFromIntOrPercent). */
export function scaled(v: number | string | undefined, total: number): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v.trim());
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

export interface UpdateBudget {
  maxSurge: number;
  maxUnavailable: number;
  desired: number;
}

/**
 * updatedDesiredNodeCounts: the nodes that should run a pod (each entered into byNode, empty if
 * it has none) and the resolved budgets; both zero means maxUnavailable 1.
 */
export function updateBudget(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>): UpdateBudget {
  let desired = 0;
  for (const n of nodes) {
    if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(n.metadata.name!)) byNode.set(n.metadata.name!, []);
  }
  const ru = ds.spec.updateStrategy?.rollingUpdate ?? {};
  const maxUnavailable = scaled(ru.maxUnavailable, desired);
  const maxSurge = scaled(ru.maxSurge, desired);
  return { maxSurge, maxUnavailable: desired > 0 && maxUnavailable === 0 && maxSurge === 0 ? 1 : maxUnavailable, desired };
}

/** findUpdatedPodsOnNode: the one new and the one old live pod of a node; undefined if there are more. */
export function updatedPodsOnNode(pods: Pod[], hash: string, generation: number | undefined): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (isPodUpdated(p, hash, generation)) {
      if (newPod) return undefined;
      newPod = p;
    } else {
      if (oldPod) return undefined;
      oldPod = p;
    }
  }
  return { newPod, oldPod };
}

export interface UpdatePlan {
  remove: Pod[];
  create: string[];
}

/** One step of the rolling update. Node order is the nodes' (deterministic), not Go's map order. */
export function planRollingUpdate(ds: DaemonSet, nodes: Node[], byNodeIn: Map<string, Pod[]>, hash: string, now: number): UpdatePlan {
  const byNode = new Map(byNodeIn);
  const { maxSurge, maxUnavailable, desired } = updateBudget(ds, nodes, byNode);
  const generation = templateGeneration(ds);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name!, n]));

  if (maxSurge === 0) {
    let unavailable = 0;
    const allowed: Pod[] = [];
    const candidates: Pod[] = [];
    for (const pods of byNode.values()) {
      const found = updatedPodsOnNode(pods, hash, generation);
      if (!found) {
        // manage cleans this node up; until then it counts as unavailable.
        unavailable++;
        continue;
      }
      const { newPod, oldPod } = found;
      if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) allowed.push(oldPod);
        else if (unavailable < maxUnavailable) candidates.push(oldPod);
      }
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    return { remove: [...allowed, ...candidates.slice(0, room)], create: [] };
  }

  const remove: Pod[] = [];
  const shouldNotRun: Pod[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let surging = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of byNode) {
    const found = updatedPodsOnNode(pods, hash, generation);
    if (!found) {
      surging++;
      continue;
    }
    const { newPod, oldPod } = found;
    if ((oldPod && available(oldPod)) || (newPod && available(newPod))) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        const node = nodeByName.get(nodeName);
        if (!node || !nodeShouldRunDaemonPod(node, ds).shouldRun) {
          shouldNotRun.push(oldPod);
          continue;
        }
        allowedNodes.push(nodeName);
      } else if (surging < maxSurge) candidateNodes.push(nodeName);
      continue;
    }
    // Already surged here: wait for the new pod, then retire the old one.
    if (!available(newPod)) {
      surging++;
      continue;
    }
    remove.push(oldPod);
  }
  // With surge the owner expects full availability: pods on nodes that should no longer run one go
  // only as far as the available count exceeds the desired.
  const deletable = numAvailable - desired;
  if (deletable >= 0) remove.push(...shouldNotRun.slice(0, Math.min(deletable, shouldNotRun.length)));
  const room = Math.min(Math.max(0, maxSurge - surging), candidateNodes.length);
  return { remove, create: [...allowedNodes, ...candidateNodes.slice(0, room)] };
}
