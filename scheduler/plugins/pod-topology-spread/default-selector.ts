// The selector system default spreading counts a pod's peers with (upstream's DefaultSelector):
// the union of the selectors of the Services in the pod's namespace that select it, plus the
// selector of its controlling ReplicationController, ReplicaSet or StatefulSet. A pod nothing
// selects gets no default constraints at all.
import type { KObject, Pod } from '../../../lib/api/types';
import { labelSelectorRequirements, mapSelectorMatches, type Requirement } from '../../../lib/api/labels';
import type { Listers } from '../../framework/types';

function mapSelectorOf(obj: KObject | undefined): Record<string, string> | undefined {
  const sel = (obj?.spec as { selector?: unknown } | undefined)?.selector;
  return sel && typeof sel === 'object' && !Array.isArray(sel) ? (sel as Record<string, string>) : undefined;
}

/** The pod's controller reference (ownerReferences entry with controller: true), if any. */
export function controllerOf(pod: Pod): { apiVersion: string; kind: string; name: string } | undefined {
  return (pod.metadata.ownerReferences ?? []).find((r) => r && r.controller === true);
}

/**
 * Requirements of the default selector; [] when nothing selects the pod (the caller then applies
 * no default constraint). Service and ReplicationController selectors are label maps merged key
 * by key; a ReplicaSet's or StatefulSet's LabelSelector is appended (an unreadable one is ignored).
 */
export function defaultSelector(pod: Pod, listers: Listers): Requirement[] {
  const ns = pod.metadata.namespace ?? 'default';
  const merged: Record<string, string> = {};
  for (const svc of listers.services(ns)) {
    const sel = mapSelectorOf(svc);
    // A Service without a selector (its Endpoints are written by hand) selects no pod.
    if (sel && mapSelectorMatches(sel, pod.metadata.labels)) Object.assign(merged, sel);
  }
  const extra: Requirement[] = [];
  const owner = controllerOf(pod);
  if (owner) {
    const find = (objs: KObject[]) => objs.find((o) => o.metadata.name === owner.name);
    if (owner.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
      Object.assign(merged, mapSelectorOf(find(listers.replicationControllers(ns))) ?? {});
    } else if (owner.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
      const obj = find(owner.kind === 'ReplicaSet' ? listers.replicaSets(ns) : listers.statefulSets(ns));
      const sel = (obj?.spec as { selector?: unknown } | undefined)?.selector;
      try {
        extra.push(...(labelSelectorRequirements(sel as Parameters<typeof labelSelectorRequirements>[0]) ?? []));
      } catch {
        // Unreadable selector: upstream ignores it too; the Services' part still applies.
      }
    }
  }
  const reqs: Requirement[] = Object.entries(merged).map(([key, v]) => ({ key, op: '=', values: [v] }));
  return [...reqs, ...extra];
}
