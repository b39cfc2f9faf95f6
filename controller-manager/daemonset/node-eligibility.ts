// Which nodes a DaemonSet's pod belongs on (upstream's NodeShouldRunDaemonPod): the pod as it would
// run there — its template with the tolerations every daemon pod gets — must fit the node's name,
// nodeSelector and required node affinity, and tolerate its NoSchedule/NoExecute taints. A pod
// already there may stay while it tolerates the NoExecute taints. Also the node pinning that lets
// the scheduler bind daemon pods (required affinity on metadata.name, upstream since 1.12).
import type { Node, Pod, PodSpec } from '../../lib/api/types';
import { NODE_NAME_FIELD, podFitsNodeAffinity } from '../../lib/api/node-affinity';
import {
  TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE, toleratesTaint, type Taint, type Toleration,
} from '../../lib/api/taints';
import { deepCopy } from '../common/pod-utils';
import type { DaemonSet } from './daemon-set';

/** The tolerations every daemon pod gets, in upstream's order (network-unavailable only on hostNetwork). */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    // Node problems must not evict daemon pods: they tolerate not-ready and unreachable forever.
    { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
    { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
    // Taints by condition never keep a daemon pod off its node.
    { key: TAINT_DISK_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_MEMORY_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_PID_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: TAINT_NETWORK_UNAVAILABLE, operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

const sameToleration = (a: Toleration, b: Toleration) =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/**
 * AddOrUpdateTolerationInPodSpec for each daemon toleration: one that matches an existing entry
 * (key, operator, value, effect) replaces it in place — so a user's tolerationSeconds on not-ready
 * becomes forever — and the others are appended.
 */
export function withDaemonTolerations(spec: PodSpec): Toleration[] {
  let out: Toleration[] = Array.isArray(spec.tolerations) ? [...(spec.tolerations as Toleration[])] : [];
  for (const t of daemonPodTolerations(spec.hostNetwork === true)) {
    const i = out.findIndex((x) => x && sameToleration(x, t));
    if (i < 0) out.push(t);
    else out = out.map((x, j) => (j === i ? t : x));
  }
  return out;
}

/** upstream's NewPod: the template as a pod on the node, with the daemon tolerations. */
export function podForNode(ds: DaemonSet, nodeName: string): Pod {
  const t = deepCopy(ds.spec.template ?? { spec: { containers: [] } });
  const spec = { ...(t.spec ?? { containers: [] }), nodeName } as PodSpec;
  spec.tolerations = withDaemonTolerations(spec);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...(t.metadata ?? {}), namespace: ds.metadata.namespace }, spec };
}

/** The first taint with one of the effects that none of the tolerations tolerates. */
function untolerated(taints: Taint[], tolerations: Toleration[], effects: string[]): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => t && toleratesTaint(t, taint)));
}

export interface NodeVerdict {
  /** A daemon pod should be created here if none is. */
  shouldRun: boolean;
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): NodeVerdict {
  const name = node.metadata.name!;
  const wanted = ds.spec.template?.spec?.nodeName;
  if (wanted && wanted !== name) return { shouldRun: false, shouldContinueRunning: false };
  const pod = podForNode(ds, name);
  if (!podFitsNodeAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = (Array.isArray(node.spec?.taints) ? node.spec.taints : []) as Taint[];
  const tolerations = (pod.spec.tolerations ?? []) as Toleration[];
  if (!untolerated(taints, tolerations, ['NoSchedule', 'NoExecute'])) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ['NoExecute']) };
}

type Affinity = { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: unknown[] }; [k: string]: unknown }; [k: string]: unknown };

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes one term, metadata.name
 * In [node] (safe: the node was chosen because it matched the template's affinity); the
 * preferred terms and pod (anti-)affinity stay.
 */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term = { matchFields: [{ key: NODE_NAME_FIELD, operator: 'In', values: [nodeName] }] };
  const a: Affinity = affinity ? deepCopy(affinity) : {};
  a.nodeAffinity = { ...(a.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } };
  return a;
}

/** The node a daemon pod is for: its nodeName, or the node its affinity pins it to (GetTargetNodeName). */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const aff = (pod.spec as { affinity?: Affinity }).affinity;
  const terms = aff?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!Array.isArray(terms) || terms.length !== 1) return undefined;
  const fields = (terms[0] as { matchFields?: { key?: string; operator?: string; values?: string[] }[] })?.matchFields;
  const f = Array.isArray(fields) ? fields.find((x) => x?.key === NODE_NAME_FIELD && x.operator === 'In') : undefined;
  return f && Array.isArray(f.values) && f.values.length === 1 ? f.values[0] : undefined;
}
