// The scheduler's minimal volume step (upstream's VolumeBinding plugin is issue 12): a pod's
// claims narrow the nodes it may go to, and a claim whose class binds WaitForFirstConsumer is
// provisioned on the node chosen for its first pod — the scheduler annotates the claim with that
// node and binds the pod once the claim is bound. Pure: the scheduler supplies the lookups.
import type { KObject, Node, Pod } from '../lib/api/types';
import { SELECTED_NODE_ANNOTATION, type StorageClass } from '../lib/api/storage';
import { nodeMatchesTerms, type SelectorTerm } from './plugins/volume-binding/volumes';

// Node-selector matching now lives with the VolumeBinding plugin; kept exported from here for the
// scheduler loop that still imports this file.
export { nodeMatchesTerms };

export interface ClaimLike extends KObject {
  spec: { storageClassName?: string | null; volumeName?: string };
}
export interface VolumeLike extends KObject {
  spec: { nodeAffinity?: { required?: { nodeSelectorTerms?: SelectorTerm[] } } };
}

export interface Lookups {
  claim(namespace: string, name: string): ClaimLike | undefined;
  volume(name: string): VolumeLike | undefined;
  storageClass(name: string): StorageClass | undefined;
}

export type VolumeCheck =
  | { ok: false; message: string }
  /** nodes: the names the pod may go to (undefined: any); provision: claims to annotate with the chosen node. */
  | { ok: true; nodes?: Set<string>; provision: ClaimLike[] };

const intersect = (a: Set<string> | undefined, b: Set<string>) => (a ? new Set([...a].filter((x) => b.has(x))) : b);

export function checkPodVolumes(pod: Pod, nodes: Node[], look: Lookups): VolumeCheck {
  let allowed: Set<string> | undefined;
  const provision: ClaimLike[] = [];
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of (pod.spec.volumes ?? []) as { persistentVolumeClaim?: { claimName?: string } }[]) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const claim = look.claim(ns, name);
    if (!claim) return { ok: false, message: `persistentvolumeclaim "${name}" not found` };
    if (claim.metadata.deletionTimestamp) return { ok: false, message: `persistentvolumeclaim "${name}" is being deleted` };
    if (claim.spec.volumeName) {
      const pv = look.volume(claim.spec.volumeName);
      const terms = pv?.spec.nodeAffinity?.required?.nodeSelectorTerms;
      if (terms) allowed = intersect(allowed, new Set(nodes.filter((n) => nodeMatchesTerms(n, terms)).map((n) => n.metadata.name!)));
      continue;
    }
    const cls = claim.spec.storageClassName ? look.storageClass(claim.spec.storageClassName) : undefined;
    // Claims of other classes keep today's behaviour: the pv-binder binds them, the kubelet waits.
    if (cls?.volumeBindingMode !== 'WaitForFirstConsumer') continue;
    const selected = claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    // A claim already given to a node (a pod went there before) is provisioned there.
    if (selected) allowed = intersect(allowed, new Set([selected]));
    provision.push(claim);
  }
  return { ok: true, nodes: allowed, provision };
}

/** Upstream's reason when the volumes leave a node out. */
export const VOLUME_CONFLICT_REASON = 'node(s) had volume node affinity conflict';

/** Whether every claim of the list is bound now. */
export const allBound = (claims: ClaimLike[], look: Lookups): boolean =>
  claims.every((c) => !!look.claim(c.metadata.namespace ?? 'default', c.metadata.name!)?.spec.volumeName);
