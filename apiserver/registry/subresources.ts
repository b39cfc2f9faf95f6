// Pure transforms for the `binding` and `scale` subresources: what a Binding does to a pod, and
// how a workload maps to and from an autoscaling/v1 Scale.
import type { KObject, Pod, PodCondition, LabelSelector } from '../../lib/api/types';
import { selectorToString } from '../../lib/api/labels';
import { apiError } from '../../lib/errors';
import { deepCopy } from './object-meta';

export interface Binding extends KObject {
  target?: { kind?: string; name?: string; apiVersion?: string };
}

/** The pod bound to the Binding's target node; 409 when it is already bound or being deleted. */
export function bindPod(pod: Pod, binding: Binding, now: Date): Pod {
  const node = binding.target?.name;
  if (!node) throw apiError(400, 'BadRequest', 'Binding target name is required');
  if (binding.target?.kind && binding.target.kind !== 'Node')
    throw apiError(400, 'BadRequest', `Binding target kind must be Node, not ${binding.target.kind}`);
  const name = pod.metadata.name;
  if (pod.metadata.deletionTimestamp)
    throw apiError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec.nodeName)
    throw apiError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  const next = deepCopy(pod);
  next.spec.nodeName = node;
  next.status ??= {};
  const conds: PodCondition[] = (next.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z') });
  next.status.conditions = conds;
  return next;
}

export interface Scale extends KObject {
  spec: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

type Workload = KObject & { spec?: { replicas?: number; selector?: LabelSelector | Record<string, string> }; status?: { replicas?: number } };

/**
 * The Scale's status.selector: a ReplicationController's selector is a plain label map (rendered as
 * `k=v,...`, keys sorted as labels.SelectorFromSet does); every other kind's is a LabelSelector.
 */
function scaleSelector(w: Workload): string {
  const sel = w.spec?.selector;
  if (!sel) return '';
  if (w.kind === 'ReplicationController') {
    const m = sel as Record<string, string>;
    return Object.keys(m).sort().map((k) => `${k}=${m[k]}`).join(',');
  }
  return selectorToString(sel as LabelSelector);
}

export function scaleOf(w: KObject): Scale {
  const wl = w as Workload;
  const m = wl.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: wl.spec?.replicas ?? 0 },
    status: { replicas: wl.status?.replicas ?? 0, selector: scaleSelector(wl) },
  };
}

/** The workload with the Scale's replica count applied. */
export function applyScale(w: KObject, scale: Scale): KObject {
  const r = scale.spec?.replicas;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0)
    throw apiError(422, 'Invalid', `Scale.autoscaling "${w.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(r)}: must be greater than or equal to 0`, {
      name: w.metadata.name,
      group: 'autoscaling',
      kind: 'Scale',
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(r)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
    });
  const next = deepCopy(w) as Workload;
  next.spec = { ...(next.spec ?? {}), replicas: r };
  return next;
}
