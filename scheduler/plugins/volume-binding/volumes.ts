// Shapes and pure helpers the volume plugins share (VolumeBinding, VolumeRestrictions,
// NodeVolumeLimits): which claims a pod uses, the parts of PersistentVolumes, claims, classes and
// CSINodes they read, and node-selector matching for a volume's node affinity. The listers hand
// out plain KObjects; these types name only the fields the plugins read.
import type { KObject, Node, Pod } from '../../../lib/api/types';
import { bytesOf } from '../../../lib/api/quantity';

export interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface SelectorTerm {
  matchExpressions?: SelectorRequirement[];
  matchFields?: SelectorRequirement[];
}

export interface ClaimRef {
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface Claim extends KObject {
  spec: {
    storageClassName?: string | null;
    volumeName?: string;
    accessModes?: string[];
    volumeMode?: string;
    resources?: { requests?: Record<string, string> };
  };
}

export interface Volume extends KObject {
  spec: {
    storageClassName?: string;
    accessModes?: string[];
    volumeMode?: string;
    capacity?: Record<string, string>;
    claimRef?: ClaimRef;
    nodeAffinity?: { required?: { nodeSelectorTerms?: SelectorTerm[] } };
    csi?: { driver?: string; volumeHandle?: string };
  };
  status?: { phase?: string };
}

export interface Class extends KObject {
  provisioner?: string;
  volumeBindingMode?: string;
  allowedTopologies?: { matchLabelExpressions?: { key: string; values?: string[] }[] }[];
}

export interface CSINodeObject extends KObject {
  spec?: { drivers?: { name: string; nodeID?: string; allocatable?: { count?: number } }[] };
}

/** The provisioner name that means "static volumes only" (upstream's local volumes use it). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** One claim a pod uses: a persistentVolumeClaim volume, or the claim of a generic ephemeral volume. */
export interface PodClaim {
  name: string;
  /** The pod volume is `ephemeral`: the claim is named <pod>-<volume> and must be owned by the pod. */
  ephemeral: boolean;
  /** An ephemeral volume's claim template class (NodeVolumeLimits counts not-yet-created claims by it). */
  templateClass?: string;
}

interface PodVolume {
  name?: string;
  persistentVolumeClaim?: { claimName?: string; readOnly?: boolean };
  ephemeral?: { volumeClaimTemplate?: { spec?: { storageClassName?: string } } };
}

export const podVolumes = (pod: Pod): PodVolume[] => {
  const v = (pod.spec as { volumes?: unknown }).volumes;
  return Array.isArray(v) ? (v as PodVolume[]).filter((x) => x && typeof x === 'object') : [];
};

export function podClaims(pod: Pod): PodClaim[] {
  const out: PodClaim[] = [];
  for (const v of podVolumes(pod)) {
    if (v.persistentVolumeClaim?.claimName) out.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral && v.name) out.push({ name: `${pod.metadata.name}-${v.name}`, ephemeral: true, templateClass: v.ephemeral.volumeClaimTemplate?.spec?.storageClassName });
  }
  return out;
}

export const claimKey = (namespace: string | undefined, name: string): string => `${namespace ?? 'default'}/${name}`;

/** Whether the claim was created for this pod (an ephemeral volume's claim is controlled by its pod). */
export const ownedByPod = (claim: KObject, pod: Pod): boolean =>
  (claim.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'Pod' && r.uid === pod.metadata.uid);

function requirementMatches(r: SelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const n = Number(value);
      const bound = Number(values[0]);
      if (value === undefined || !Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/** A node selector (terms ORed, requirements in a term ANDed; an empty term matches nothing), as upstream. */
export function nodeMatchesTerms(node: Node, terms: SelectorTerm[]): boolean {
  const labels = node.metadata.labels ?? {};
  return terms.some((t) => {
    const exprs = t?.matchExpressions ?? [];
    const fields = t?.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    return exprs.every((r) => requirementMatches(r, labels[r.key])) && fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined));
  });
}

/** A volume without required node affinity may be used from any node. */
export function volumeFitsNode(pv: Volume, node: Node): boolean {
  const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms;
  return !Array.isArray(terms) ? true : nodeMatchesTerms(node, terms);
}

/** A class's allowedTopologies (terms ORed; each expression's key must carry one of its values). */
export function classAllowsNode(cls: Class, node: Node): boolean {
  const terms = cls.allowedTopologies;
  if (!Array.isArray(terms) || terms.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => labels[e.key] !== undefined && (e.values ?? []).includes(labels[e.key])));
}

const storageOf = (q: Record<string, string> | undefined): number => {
  try {
    return bytesOf(q?.storage ?? '0');
  } catch {
    return NaN;
  }
};

/**
 * Whether a static volume may bind the claim, as upstream's volume matching has it: same class,
 * the claim's access modes all offered, the same volume mode, enough capacity, not being deleted,
 * not Released/Failed, and unclaimed or pre-bound to exactly this claim.
 */
export function volumeMatchesClaim(pv: Volume, claim: Claim): boolean {
  if (pv.metadata.deletionTimestamp) return false;
  const ref = pv.spec.claimRef;
  if (ref) {
    if (ref.name !== claim.metadata.name || (ref.namespace ?? 'default') !== (claim.metadata.namespace ?? 'default')) return false;
    if (ref.uid && ref.uid !== claim.metadata.uid) return false;
  } else if (pv.status?.phase === 'Released' || pv.status?.phase === 'Failed') return false;
  if ((pv.spec.storageClassName ?? '') !== (claim.spec.storageClassName ?? '')) return false;
  if ((pv.spec.volumeMode ?? 'Filesystem') !== (claim.spec.volumeMode ?? 'Filesystem')) return false;
  const modes = new Set(pv.spec.accessModes ?? []);
  if (!(claim.spec.accessModes ?? []).every((m) => modes.has(m))) return false;
  const have = storageOf(pv.spec.capacity);
  const want = storageOf(claim.spec.resources?.requests);
  return Number.isFinite(have) && Number.isFinite(want) && have >= want;
}

/**
 * The static volume for a WaitForFirstConsumer claim on `node`: one pre-bound to the claim first,
 * otherwise the smallest that fits; `taken` holds volumes already chosen for other claims.
 */
export function findMatchingVolume(claim: Claim, pvs: Volume[], node: Node, taken: (pv: Volume) => boolean): Volume | undefined {
  const fit = pvs.filter((pv) => !taken(pv) && volumeMatchesClaim(pv, claim) && volumeFitsNode(pv, node));
  const pre = fit.find((pv) => pv.spec.claimRef);
  if (pre) return pre;
  return fit.sort((a, b) => storageOf(a.spec.capacity) - storageOf(b.spec.capacity) || a.metadata.name!.localeCompare(b.metadata.name!))[0];
}

/** Claims by requested size, smallest first (upstream matches them in that order, so small claims do not take big volumes). */
export const bySmallestRequest = (a: Claim, b: Claim): number => storageOf(a.spec.resources?.requests) - storageOf(b.spec.resources?.requests);
