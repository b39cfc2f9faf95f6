// Pod and ownership helpers shared by the controllers.
import type { KObject, OwnerReference, Pod } from '../../lib/api/types';
import type { Informer } from '../../lib/client/informer';

export const isPodReady = (p: Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Ready for at least minReadySeconds (measured from the Ready condition's transition). */
export function isPodAvailable(p: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(p)) return false;
  if (!minReadySeconds) return true;
  const c = p.status!.conditions!.find((x) => x.type === 'Ready')!;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
}

/** Counts toward replicas: not finished and not on its way out. */
export const isPodActive = (p: Pod): boolean =>
  !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

export const controllerRefOf = (o: KObject): OwnerReference | undefined =>
  o.metadata.ownerReferences?.find((r) => r.controller === true);

export function ownerRefFor(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** JSON with sorted object keys, for comparisons and hashes that ignore key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const deepCopy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The informer index of pods by spec.nodeName (several controllers share it). */
export const POD_NODE_INDEX = 'spec.nodeName';

/** Adds the by-node index to a pod informer (the same function each time, so adding it twice is harmless). */
export function usePodNodeIndex(pods: Informer<Pod>): void {
  pods.addIndex(POD_NODE_INDEX, nodeNameOf);
}

function nodeNameOf(p: Pod): string[] {
  const n = p.spec?.nodeName;
  return typeof n === 'string' && n ? [n] : [];
}

export const podsOnNode = (pods: Informer<Pod>, nodeName: string): Pod[] => pods.byIndex(POD_NODE_INDEX, nodeName);
