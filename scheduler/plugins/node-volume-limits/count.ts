// Pure counting for NodeVolumeLimits: the CSI volumes a pod uses, keyed by a name unique per
// volume (driver/handle), and the per-driver limits a node advertises. Two pods mounting the same
// volume count once on a node, as the attach is shared.
import type { KObject, Node, Pod } from '../../../lib/api/types';
import type { Listers } from '../../framework/types';
import { claimKey, ownedByPod, podVolumes, type Claim, type Class, type CSINodeObject, type Volume } from '../volume-binding/volumes';

/** A new pod's claim is missing: it can never run until it exists. */
export class ClaimNotFound extends Error {}

const claimName = (pod: Pod, v: ReturnType<typeof podVolumes>[number]): { name: string; ephemeral: boolean } | undefined =>
  v.persistentVolumeClaim?.claimName ? { name: v.persistentVolumeClaim.claimName, ephemeral: false } : v.ephemeral && v.name ? { name: `${pod.metadata.name}-${v.name}`, ephemeral: true } : undefined;

/** Driver of an unbound claim (or one bound to a volume not seen yet): its class's provisioner. */
function fromClass(claim: Claim, listers: Listers): string | undefined {
  const clsName = claim.spec.storageClassName;
  if (!clsName) return undefined;
  return (listers.storageClass(clsName) as Class | undefined)?.provisioner || undefined;
}

/**
 * Unique volume name → CSI driver, for the pod's claims (bound: the volume's spec.csi; unbound:
 * the class provisioner) and inline CSI volumes. A new pod's missing claim throws ClaimNotFound;
 * a pod already on the node with a missing claim just counts nothing for it (as upstream).
 */
export function csiVolumesOf(pod: Pod, listers: Listers, newPod: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of podVolumes(pod)) {
    const inline = (v as { csi?: { driver?: string } }).csi;
    if (inline?.driver) {
      out.set(`${inline.driver}/${ns}/${pod.metadata.name}/${v.name}`, inline.driver);
      continue;
    }
    const ref = claimName(pod, v);
    if (!ref) continue;
    const claim = listers.claim(ns, ref.name) as Claim | undefined;
    if (!claim) {
      if (newPod) throw new ClaimNotFound(`looking up PVC ${ns}/${ref.name}: persistentvolumeclaim "${ref.name}" not found`);
      continue;
    }
    if (ref.ephemeral && !ownedByPod(claim, pod)) {
      if (newPod) throw new Error(`PVC ${ns}/${ref.name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
      continue;
    }
    const pv = claim.spec.volumeName ? (listers.volume(claim.spec.volumeName) as Volume | undefined) : undefined;
    if (pv) {
      const csi = pv.spec.csi;
      if (csi?.driver && csi.volumeHandle) out.set(`${csi.driver}/${csi.volumeHandle}`, csi.driver);
      continue;
    }
    const driver = fromClass(claim, listers);
    if (driver) out.set(`${driver}/${claimKey(ns, ref.name)}`, driver);
  }
  return out;
}

const ATTACHABLE_PREFIX = 'attachable-volumes-csi-';

/**
 * Driver → how many of its volumes the node can attach: the node's
 * `attachable-volumes-csi-<driver>` allocatable, overridden by the CSINode's allocatable.count.
 * A driver absent from both has no limit.
 */
export function volumeLimits(node: Node, csiNode: KObject | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries((node.status?.allocatable ?? {}) as Record<string, string>)) {
    const n = Number(v);
    if (k.startsWith(ATTACHABLE_PREFIX) && Number.isInteger(n)) out.set(k.slice(ATTACHABLE_PREFIX.length), n);
  }
  for (const d of (csiNode as CSINodeObject | undefined)?.spec?.drivers ?? []) {
    const count = d?.allocatable?.count;
    if (d?.name && typeof count === 'number' && Number.isInteger(count)) out.set(d.name, count);
  }
  return out;
}

/** Counts unique names per driver. */
export function perDriver(volumes: Map<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of volumes.values()) out.set(d, (out.get(d) ?? 0) + 1);
  return out;
}
