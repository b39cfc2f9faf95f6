// The cluster as `k8ts explain-schedule` reads it: plain lists of objects (one GET each) turned into
// what a scheduling cycle sees — the scheduler cache and its snapshot, the plugins' listers and the
// nominator — exactly as the scheduler's informers would feed them, with no informer and no API
// client. Objects that fail their kind's check are left out, as the informers skip them.
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { objectProblems } from '../../lib/api/checks';
import type { KObject, Node, Pod } from '../../lib/api/types';
import type { Labels } from '../../lib/api/labels';
import { SchedulerCache } from '../cache/cache';
import { Snapshot } from '../cache/snapshot';
import { newPodInfo, type PodInfo } from '../framework/pod-info';
import type { Listers, PodNominator } from '../framework/types';

/** Every list explain-schedule reads; absent lists count as empty. */
export interface ClusterObjects {
  nodes: Node[];
  pods: Pod[];
  persistentVolumeClaims?: KObject[];
  persistentVolumes?: KObject[];
  storageClasses?: KObject[];
  namespaces?: KObject[];
  podDisruptionBudgets?: PodDisruptionBudget[];
  services?: KObject[];
  replicaSets?: KObject[];
  statefulSets?: KObject[];
  replicationControllers?: KObject[];
}

/** The plural resource name of each list, for the kind checks. */
const RESOURCE: Record<keyof ClusterObjects, [resource: string, namespaced: boolean]> = {
  nodes: ['nodes', false],
  pods: ['pods', true],
  persistentVolumeClaims: ['persistentvolumeclaims', true],
  persistentVolumes: ['persistentvolumes', false],
  storageClasses: ['storageclasses', false],
  namespaces: ['namespaces', false],
  podDisruptionBudgets: ['poddisruptionbudgets', true],
  services: ['services', true],
  replicaSets: ['replicasets', true],
  statefulSets: ['statefulsets', true],
  replicationControllers: ['replicationcontrollers', true],
};

export interface ScheduleInputs {
  snapshot: Snapshot;
  listers: Listers;
  nominator: PodNominator;
  /** "Kind ns/name: problem" for every object left out (failed its check, or unreadable in the cache). */
  skipped: string[];
}

export const sameObject = (a: KObject, b: KObject): boolean =>
  a.metadata.uid && b.metadata.uid ? a.metadata.uid === b.metadata.uid : a.metadata.namespace === b.metadata.namespace && a.metadata.name === b.metadata.name;

const objName = (o: KObject): string => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata?.name}` : String(o.metadata?.name));

/** The objects of one list that pass their kind's check; the others are named in `skipped`. */
function checked<T extends KObject>(list: T[] | undefined, key: keyof ClusterObjects, skipped: string[]): T[] {
  const [resource, namespaced] = RESOURCE[key];
  const out: T[] = [];
  for (const o of list ?? []) {
    const problems = objectProblems(resource, o, namespaced);
    if (problems.length === 0) out.push(o);
    else skipped.push(`${resource} ${objName(o)}: ${problems[0]}`);
  }
  return out;
}

function byNamespace(list: KObject[]): Map<string, KObject[]> {
  const m = new Map<string, KObject[]>();
  for (const o of list) {
    const ns = o.metadata.namespace ?? '';
    let l = m.get(ns);
    if (!l) m.set(ns, (l = []));
    l.push(o);
  }
  return m;
}

/**
 * The cache and snapshot over `objects`, without `exclude` (the pod being explained: a bound pod
 * does not compete with itself), and the listers and nominator the plugins read.
 */
export function buildInputs(objects: ClusterObjects, exclude?: Pod): ScheduleInputs {
  const skipped: string[] = [];
  const nodes = checked(objects.nodes, 'nodes', skipped);
  const pods = checked(objects.pods, 'pods', skipped).filter((p) => !exclude || !sameObject(p, exclude));
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  for (const p of pods) cache.addPod(p);
  const snapshot = new Snapshot();
  cache.updateSnapshot(snapshot);
  for (const u of cache.unreadable) skipped.push(`${u.kind === 'Node' ? 'nodes' : 'pods'} ${u.name}: ${u.reason}`);

  // Pods that preempted room on a node and wait there (unbound, status.nominatedNodeName set).
  const nominated = new Map<string, PodInfo[]>();
  for (const p of pods) {
    const node = p.status?.nominatedNodeName;
    if (!node || p.spec.nodeName) continue;
    let l = nominated.get(node);
    if (!l) nominated.set(node, (l = []));
    l.push(newPodInfo(p));
  }

  const index = <T extends KObject>(list: T[]) => new Map(list.map((o) => [objName(o), o]));
  const claims = index(checked(objects.persistentVolumeClaims, 'persistentVolumeClaims', skipped));
  const volumes = checked(objects.persistentVolumes, 'persistentVolumes', skipped);
  const volumeByName = index(volumes);
  const classes = index(checked(objects.storageClasses, 'storageClasses', skipped));
  const nsLabels = new Map<string, Labels>(checked(objects.namespaces, 'namespaces', skipped).map((n) => [n.metadata.name!, n.metadata.labels ?? {}]));
  const pdbs = checked(objects.podDisruptionBudgets, 'podDisruptionBudgets', skipped);
  const services = byNamespace(checked(objects.services, 'services', skipped));
  const replicaSets = byNamespace(checked(objects.replicaSets, 'replicaSets', skipped));
  const statefulSets = byNamespace(checked(objects.statefulSets, 'statefulSets', skipped));
  const rcs = byNamespace(checked(objects.replicationControllers, 'replicationControllers', skipped));
  const listers: Listers = {
    namespaceLabels: (ns) => nsLabels.get(ns) ?? {},
    claim: (ns, name) => claims.get(`${ns}/${name}`),
    volume: (name) => volumeByName.get(name),
    volumes: () => volumes,
    storageClass: (name) => classes.get(name),
    // k8ts serves no CSINode kind (as the scheduler's own listers say).
    csiNode: () => undefined,
    pdbs: () => pdbs,
    services: (ns) => services.get(ns) ?? [],
    replicaSets: (ns) => replicaSets.get(ns) ?? [],
    statefulSets: (ns) => statefulSets.get(ns) ?? [],
    replicationControllers: (ns) => rcs.get(ns) ?? [],
  };
  return { snapshot, listers, nominator: { nominatedPodsForNode: (n) => nominated.get(n) ?? [] }, skipped };
}
