// core/v1 Pod: defaulting, validation, the status kubectl prints, and field selectors that the
// kubelet (spec.nodeName) and scheduler (status.phase) watch through.
import type { KObject, Pod, ContainerStatus } from '../../lib/api/types';
import { computePodQos } from '../../lib/api/qos';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN, jsonEqual } from './common';
import { PodSpec, PodStatus, kindSchema } from './schemas';
import { defaultPodSpec, validatePodSpec } from './pod-spec';
import { quantityError } from '../../lib/api/quantity';
import { validatePodStatus } from './validation-pod-status';
import { forbidden, type FieldError } from './validation';

/** The STATUS column: the most telling container reason, else the phase; Terminating wins. */
export function podStatusText(pod: Pod): string {
  const st = pod.status ?? {};
  let reason: string = st.reason ?? st.phase ?? 'Pending';
  const inits = st.initContainerStatuses ?? [];
  const initTotal = (pod.spec?.initContainers ?? []).length;
  let initializing = false;
  inits.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t) reason = t.reason ? `Init:${t.reason}` : `Init:ExitCode:${t.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${initTotal}`;
  });
  if (!initializing) {
    let hasRunning = false;
    const cs: ContainerStatus[] = [...(st.containerStatuses ?? [])].reverse();
    for (const c of cs) {
      const s = c.state ?? {};
      if (s.waiting?.reason) reason = s.waiting.reason;
      else if (s.terminated?.reason) reason = s.terminated.reason;
      else if (s.terminated) reason = `ExitCode:${s.terminated.exitCode}`;
      else if (c.ready && s.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = cs.some((c) => c.ready) ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) reason = st.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

export function podReadyText(pod: Pod): string {
  const total = (pod.spec?.containers ?? []).length;
  const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready).length;
  return `${ready}/${total}`;
}

export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

const gateNames = (p: KObject): string[] => {
  const gates = ((p as Pod).spec as { schedulingGates?: unknown } | undefined)?.schedulingGates;
  return Array.isArray(gates) ? gates.map((g) => (g && typeof g === 'object' ? String((g as { name?: unknown }).name ?? '') : '')) : [];
};

/**
 * Pod specs are immutable apart from container images, activeDeadlineSeconds and tolerations;
 * scheduling gates may only be removed (that is how a gated pod is released to the scheduler).
 */
export function validatePodUpdate(obj: KObject, old: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const oldGates = new Set(gateNames(old));
  for (const g of gateNames(obj)) if (!oldGates.has(g)) errs.push(forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${g}'`));
  const strip = (p: KObject) => {
    const spec = JSON.parse(JSON.stringify((p as Pod).spec ?? {}));
    for (const list of [spec.containers, spec.initContainers]) for (const c of list ?? []) delete c.image;
    delete spec.activeDeadlineSeconds;
    delete spec.tolerations;
    delete spec.schedulingGates;
    return spec;
  };
  if (!jsonEqual(strip(obj), strip(old)))
    errs.push(
      forbidden(
        'spec',
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    );
  return errs;
}

const none = (v: unknown) => (v === undefined || v === null || v === '' ? '<none>' : v);

export const pods = defineResource({
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  subresources: ['status', 'binding', 'eviction', 'log', 'exec', 'portforward'],
  hasStatus: true,
  schema: kindSchema({ spec: PodSpec, status: PodStatus }),
  printerColumns: [
    NAME_COLUMN,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted.'),
    AGE_COLUMN,
    col('IP', 'string', 'IP address allocated to the pod.', 1),
    col('Node', 'string', 'Name of the Node the pod is assigned to.', 1),
    col('Nominated Node', 'string', 'Name of the node nominated by the scheduler.', 1),
    col('Readiness Gates', 'string', 'Pod readiness gates.', 1),
  ],
  printRow: (o) => {
    const p = o as Pod;
    return [
      p.metadata.name,
      podReadyText(p),
      podStatusText(p),
      String(podRestarts(p)),
      objAge(p),
      none(p.status?.podIP),
      none(p.spec?.nodeName),
      '<none>',
      '<none>',
    ];
  },
  fieldSelectors: {
    'spec.nodeName': (o) => (o as Pod).spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => (o as Pod).spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => (o as Pod).spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => String((o as Pod).spec?.serviceAccountName ?? ''),
    'spec.hostNetwork': (o) => String((o as Pod).spec?.hostNetwork ?? false),
    'status.phase': (o) => (o as Pod).status?.phase ?? '',
    'status.podIP': (o) => (o as Pod).status?.podIP ?? '',
    'status.nominatedNodeName': (o) => String(((o as Pod).status as Record<string, unknown> | undefined)?.nominatedNodeName ?? ''),
  },
  defaults: (o) => {
    defaultPodSpec((o as Pod).spec);
    defaultRequestsFromLimits((o as Pod).spec);
  },
  prepareForCreate: (o) => {
    const p = o as Pod;
    p.status = { phase: 'Pending', qosClass: computePodQos(p) };
  },
  validate: (o) => validatePodSpec((o as Pod).spec, 'spec', { isPod: true, podName: o.metadata.name }),
  validateStatus: (o) => validatePodStatus((o as Pod).status),
  validateUpdate: validatePodUpdate,
});

/**
 * A container that sets limits but no request for a resource requests its limit (SetDefaults_Pod).
 * Pods only, as upstream: templates keep what was written, their pods get it when created.
 */
export function defaultRequestsFromLimits(spec: Pod['spec'] | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  for (const list of [spec.containers, spec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const r = (c as { resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } })?.resources;
      if (!r || !r.limits || typeof r.limits !== 'object' || Array.isArray(r.limits)) continue;
      if (r.requests !== undefined && (typeof r.requests !== 'object' || r.requests === null || Array.isArray(r.requests))) continue;
      const requests = (r.requests ??= {});
      // A limit that does not parse is not copied: upstream never gets that far (its decoding
      // fails), and one cause for the limit is the clearer answer.
      for (const [k, v] of Object.entries(r.limits)) if (!(k in requests) && quantityError(v) === undefined) requests[k] = v;
    }
  }
}
