// Pure parts of the minimal PV binder: which Available hostPath PersistentVolume fits a claim
// (storage class, access modes, capacity; the smallest that fits wins), and the bound objects.
import type { KObject } from '../../lib/api/types';
import { bytesOf } from '../../lib/api/quantity';

export interface PV extends KObject {
  spec: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    storageClassName?: string;
    hostPath?: { path: string; type?: string };
    claimRef?: { kind?: string; apiVersion?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
    [k: string]: unknown;
  };
  status?: { phase?: string; [k: string]: unknown };
}

export interface PVC extends KObject {
  spec: {
    accessModes?: string[];
    resources?: { requests?: Record<string, string> };
    storageClassName?: string | null;
    volumeName?: string;
    [k: string]: unknown;
  };
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, string>; [k: string]: unknown };
}

const claimKeyOf = (c: PVC) => `${c.metadata.namespace}/${c.metadata.name}`;

/** Is the PV free for this claim (unclaimed, or pre-bound to exactly it)? */
export function pvAvailableFor(pv: PV, claim: PVC): boolean {
  const ref = pv.spec.claimRef;
  if (!ref) return pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed';
  return `${ref.namespace}/${ref.name}` === claimKeyOf(claim) && (!ref.uid || ref.uid === claim.metadata.uid);
}

export function pvFits(pv: PV, claim: PVC): boolean {
  if (!pv.spec.hostPath || pv.metadata.deletionTimestamp) return false;
  if ((pv.spec.storageClassName ?? '') !== (claim.spec.storageClassName ?? '')) return false;
  const modes = new Set(pv.spec.accessModes ?? []);
  if (!(claim.spec.accessModes ?? []).every((m) => modes.has(m))) return false;
  return bytesOf(pv.spec.capacity?.storage ?? '0') >= bytesOf(claim.spec.resources?.requests?.storage ?? '0');
}

/**
 * The PV to bind the claim to, or undefined: pre-bound first, then the smallest that fits. A claim
 * of a WaitForFirstConsumer class (delayBinding) takes only a volume pre-bound to it: choosing a
 * static volume is the scheduler's job there (it must suit the pod's node), as upstream's PV
 * controller leaves it.
 */
export function choosePV(claim: PVC, pvs: PV[], delayBinding = false): PV | undefined {
  if (claim.spec.volumeName) return pvs.find((p) => p.metadata.name === claim.spec.volumeName && pvAvailableFor(p, claim));
  const fit = pvs.filter((p) => pvAvailableFor(p, claim) && pvFits(p, claim) && (!delayBinding || !!p.spec.claimRef));
  const pre = fit.find((p) => p.spec.claimRef);
  if (pre) return pre;
  return fit.sort((a, b) => bytesOf(a.spec.capacity?.storage ?? '0') - bytesOf(b.spec.capacity?.storage ?? '0') || a.metadata.name!.localeCompare(b.metadata.name!))[0];
}

export function boundPV(pv: PV, claim: PVC): PV {
  return {
    ...pv,
    metadata: { ...pv.metadata, annotations: { ...(pv.metadata.annotations ?? {}), 'pv.kubernetes.io/bound-by-controller': 'yes' } },
    spec: {
      ...pv.spec,
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion },
    },
  };
}

export function boundClaim(claim: PVC, pv: PV): PVC {
  const ann: Record<string, string> = { ...(claim.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes' };
  if (!claim.spec.volumeName) ann['pv.kubernetes.io/bound-by-controller'] = 'yes';
  return { ...claim, metadata: { ...claim.metadata, annotations: ann }, spec: { ...claim.spec, volumeName: pv.metadata.name } };
}

export const claimStatus = (pv: PV): NonNullable<PVC['status']> => ({ phase: 'Bound', accessModes: pv.spec.accessModes ?? [], capacity: { ...(pv.spec.capacity ?? {}) } });
