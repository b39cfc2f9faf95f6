// A StatefulSet pod's stable identity and storage, as upstream's stateful_set_utils: the name
// <set>-<ordinal>, the pod-name and pod-index labels, hostname and subdomain for the governing
// Service, one claim per volumeClaimTemplate named <template>-<set>-<ordinal>, and the owner
// references a claim carries under persistentVolumeClaimRetentionPolicy. Pure.
import type { KObject, LabelSelector, OwnerReference, Pod, PodTemplateSpec } from '../../lib/api/types';
import { deepCopy, ownerRefFor } from '../common/pod-utils';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface StatefulSet extends KObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
    volumeClaimTemplates?: ClaimTemplate[];
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
    ordinals?: { start?: number };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    collisionCount?: number;
    conditions?: unknown[];
  };
}

export interface Claim extends KObject {
  spec: Record<string, unknown>;
  status?: { phase?: string };
}

export const STS_API_VERSION = 'apps/v1';
export const STS_KIND = 'StatefulSet';

export const podName = (set: StatefulSet, ordinal: number) => `${set.metadata.name}-${ordinal}`;
export const claimName = (template: ClaimTemplate, set: StatefulSet, ordinal: number) => `${template.metadata?.name}-${set.metadata.name}-${ordinal}`;
export const startOrdinal = (set: StatefulSet) => set.spec.ordinals?.start ?? 0;
export const replicaCount = (set: StatefulSet) => set.spec.replicas ?? 1;

/** The ordinal in a pod's name when it is <set>-<n>, else -1 (upstream's getParentNameAndOrdinal). */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const name = pod.metadata.name ?? '';
  const prefix = `${set.metadata.name}-`;
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

export const inOrdinalRange = (set: StatefulSet, ordinal: number) => ordinal >= startOrdinal(set) && ordinal < startOrdinal(set) + replicaCount(set);

export const revisionOf = (pod: Pod): string => pod.metadata.labels?.[REVISION_LABEL] ?? '';

/** The pod for an ordinal from a template (the template of the revision it belongs to). */
export function newPod(set: StatefulSet, template: PodTemplateSpec, revision: string, ordinal: number): Pod {
  const t = deepCopy(template);
  const name = podName(set, ordinal);
  const volumes = (t.spec.volumes ?? []) as { name: string }[];
  const templates = set.spec.volumeClaimTemplates ?? [];
  const claimed = new Set(templates.map((c) => c.metadata?.name));
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision },
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [ownerRefFor(set, STS_API_VERSION, STS_KIND)],
    },
    spec: {
      ...t.spec,
      hostname: name,
      ...(set.spec.serviceName ? { subdomain: set.spec.serviceName } : {}),
      // A template's claims replace any pod volume of the same name.
      volumes: [
        ...volumes.filter((v) => !claimed.has(v.name)),
        ...templates.map((c) => ({ name: c.metadata!.name!, persistentVolumeClaim: { claimName: claimName(c, set, ordinal) } })),
      ],
    } as Pod['spec'],
  };
  if (!(pod.spec.volumes as unknown[]).length) delete (pod.spec as { volumes?: unknown }).volumes;
  return pod;
}

/** Labels an existing pod lacks for its identity (upstream updateIdentity), or undefined when right. */
export function identityLabels(set: StatefulSet, pod: Pod): Record<string, string> | undefined {
  const ord = ordinalOf(set, pod);
  const want = { [POD_NAME_LABEL]: pod.metadata.name!, [POD_INDEX_LABEL]: String(ord) };
  const have = pod.metadata.labels ?? {};
  return Object.entries(want).every(([k, v]) => have[k] === v) ? undefined : want;
}

/** The claims a pod of this ordinal needs, as they are created. */
export function claimsFor(set: StatefulSet, ordinal: number): Claim[] {
  return (set.spec.volumeClaimTemplates ?? []).map((c) => {
    const t = deepCopy(c);
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(c, set, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(t.metadata?.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) },
        ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      },
      spec: t.spec ?? {},
    };
  });
}

const plainRef = (o: KObject, apiVersion: string, kind: string): OwnerReference => ({ apiVersion, kind, name: o.metadata.name!, uid: o.metadata.uid! });

/**
 * The owner references a claim should carry under the retention policy (upstream's
 * updateClaimOwnerRefForSetAndPod): whenDeleted=Delete → owned by the set while its pod is in
 * range; whenScaled=Delete → owned by its pod once the pod is scaled away, so the garbage
 * collector removes the claim with the pod. Other owners are kept. The pod may be absent (not
 * created yet, or gone): then no pod reference is added.
 */
export function claimOwnerRefs(claim: Claim, set: StatefulSet, pod: Pod | undefined, ordinal: number): OwnerReference[] {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
  const scaledDown = !inOrdinalRange(set, ordinal);
  const refs = claim.metadata.ownerReferences ?? [];
  const isSet = (r: OwnerReference) => r.uid === set.metadata.uid;
  const isPod = (r: OwnerReference) => r.kind === 'Pod' && r.name === podName(set, ordinal);
  const out = refs.filter((r) => !isSet(r) && !isPod(r));
  if (policy.whenDeleted === 'Delete' && !(policy.whenScaled === 'Delete' && scaledDown)) out.push(plainRef(set, STS_API_VERSION, STS_KIND));
  if (policy.whenScaled === 'Delete' && scaledDown) out.push(...(pod ? [plainRef(pod, 'v1', 'Pod')] : refs.filter(isPod)));
  return out;
}

/** Same references, in any order? */
export function sameRefs(a: OwnerReference[] | undefined, b: OwnerReference[]): boolean {
  const key = (r: OwnerReference) => `${r.uid}|${r.kind}|${r.name}`;
  const x = (a ?? []).map(key).sort();
  const y = b.map(key).sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
}
