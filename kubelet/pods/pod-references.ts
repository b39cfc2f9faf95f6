// Which ConfigMaps and Secrets a pod reads: the set the kubelet may fetch and watch for it (and,
// in Kubernetes, the set the Node authorizer lets the node read). Pure; follows the fields
// Kubernetes' VisitPodSecretNames/VisitPodConfigmapNames visit.
import type { Container, Pod } from '../../lib/api/types';

export type ReferencedKind = 'ConfigMap' | 'Secret';

export interface ObjectRef {
  kind: ReferencedKind;
  namespace: string;
  name: string;
}

/** Stable key of a reference: kind/namespace/name. */
export const refKey = (r: ObjectRef): string => `${r.kind}/${r.namespace}/${r.name}`;

type NameRef = { name?: string } | undefined;

interface ProjectedSource {
  configMap?: NameRef;
  secret?: NameRef;
}

interface VolumeRefs {
  configMap?: NameRef;
  secret?: { secretName?: string };
  projected?: { sources?: ProjectedSource[] };
}

interface EnvRefs {
  env?: { valueFrom?: { configMapKeyRef?: NameRef; secretKeyRef?: NameRef } }[];
  envFrom?: { configMapRef?: NameRef; secretRef?: NameRef }[];
}

/** Every ConfigMap and Secret the pod refers to, deduplicated, in first-seen order. */
export function referencedObjects(pod: Pod): ObjectRef[] {
  const namespace = pod.metadata.namespace ?? 'default';
  const out = new Map<string, ObjectRef>();
  const add = (kind: ReferencedKind, name: string | undefined) => {
    if (!name) return;
    const r: ObjectRef = { kind, namespace, name };
    out.set(refKey(r), r);
  };
  const spec = pod.spec as Pod['spec'] & {
    volumes?: VolumeRefs[];
    imagePullSecrets?: NameRef[];
    ephemeralContainers?: Container[];
  };
  for (const s of spec.imagePullSecrets ?? []) add('Secret', s?.name);
  for (const v of spec.volumes ?? []) {
    add('ConfigMap', v.configMap?.name);
    add('Secret', v.secret?.secretName);
    for (const src of v.projected?.sources ?? []) {
      add('ConfigMap', src.configMap?.name);
      add('Secret', src.secret?.name);
    }
  }
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  for (const c of containers as (Container & EnvRefs)[]) {
    for (const f of c.envFrom ?? []) {
      add('ConfigMap', f.configMapRef?.name);
      add('Secret', f.secretRef?.name);
    }
    for (const e of c.env ?? []) {
      add('ConfigMap', e.valueFrom?.configMapKeyRef?.name);
      add('Secret', e.valueFrom?.secretKeyRef?.name);
    }
  }
  return [...out.values()];
}
