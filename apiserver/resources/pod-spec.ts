// Pod spec defaulting, and the rules of the pod templates that workloads and jobs carry
// (ValidatePodTemplateSpec and the workload selector/template rules). The pod spec rules
// themselves are in validation-pod-spec.ts; the same rules apply wherever a pod spec appears.
import type { KObject } from '../../lib/api/types';
import { selectorMatches } from '../../lib/api/labels';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-errors';
import { nonNegativeInt } from './validation';
import { annotations, labels } from './validation-names';
import { labelSelector } from './validation-selectors';
import { validatePodSpec } from './validation-pod-spec';
import { defaultHttpGet, defaultProbe } from './validation-probes';
import { defaultFieldRefs } from './validation-env';

export { validatePodSpec } from './validation-pod-spec';

type Obj = Record<string, any>;

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  if (!c || typeof c !== 'object') return;
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    // No tag or ":latest" means the image may move, so it is pulled every time, as Kubernetes does.
    const afterSlash = c.image.slice(c.image.lastIndexOf('/') + 1);
    const tagged = !c.image.includes('@') && afterSlash.includes(':');
    const latest = !c.image.includes('@') && (!tagged || afterSlash.endsWith(':latest'));
    c.imagePullPolicy = latest ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  if (Array.isArray(c.ports))
    for (const p of c.ports) {
      if (!p || typeof p !== 'object') continue;
      p.protocol ??= 'TCP';
      // On the host's network a container port is a host port (SetDefaults_PodSpec).
      if (hostNetwork && !p.hostPort && typeof p.containerPort === 'number') p.hostPort = p.containerPort;
    }
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[k]);
  defaultHttpGet(c.lifecycle?.postStart?.httpGet);
  defaultHttpGet(c.lifecycle?.preStop?.httpGet);
  defaultFieldRefs(c);
}

/**
 * Defaults a pod template of a workload. Kubernetes decodes `metadata.creationTimestamp: null`
 * (which kubectl sends, e.g. in `rollout undo`) and other null metadata fields to nothing; keeping
 * the nulls would make a rolled-back template differ from the ReplicaSet it came from.
 */
export function defaultPodTemplate(t: unknown): void {
  if (!t || typeof t !== 'object') return;
  const template = t as Obj;
  const meta = template.metadata as Obj | undefined | null;
  if (meta === null) delete template.metadata;
  else if (meta && typeof meta === 'object') for (const k of Object.keys(meta)) if (meta[k] === null) delete meta[k];
  defaultPodSpec(template.spec as Obj | undefined);
}

export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  const hostNetwork = spec.hostNetwork === true;
  for (const list of [spec.containers, spec.initContainers]) if (Array.isArray(list)) for (const c of list) defaultContainer(c, hostNetwork);
}

/** ValidatePodTemplateSpec: the template's labels, annotations and pod spec (upstream's paths). */
export function validatePodTemplate(tmpl: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [
    ...labels(`${path}.labels`, tmpl.metadata?.labels),
    ...annotations(`${path}.annotations`, tmpl.metadata?.annotations),
    ...validatePodSpec(tmpl.spec, `${path}.spec`),
  ];
  if (Array.isArray(tmpl.spec?.ephemeralContainers) && tmpl.spec.ephemeralContainers.length > 0)
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

export interface WorkloadRules {
  /** The word upstream's "empty selector is invalid for <kind>" uses. */
  selectorKind: 'deployment' | 'daemonset' | 'statefulset';
  /** The kind upstream's "activeDeadlineSeconds in <Kind> is not Supported" names. */
  owner: 'ReplicaSet' | 'DaemonSet' | 'StatefulSet';
  replicas: boolean;
}

/**
 * The selector and template rules of ReplicaSets, Deployments, DaemonSets and StatefulSets: a
 * non-empty valid selector that selects the template's labels, a valid pod template that restarts
 * Always and sets no active deadline, non-negative replicas and minReadySeconds.
 */
export function validateWorkload(obj: KObject, rules: WorkloadRules = { selectorKind: 'deployment', owner: 'ReplicaSet', replicas: true }): FieldError[] {
  const spec = (obj as Obj).spec as Obj | undefined;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [];
  if (rules.replicas) errs.push(...nonNegativeInt('spec.replicas', spec.replicas));
  errs.push(...nonNegativeInt('spec.minReadySeconds', spec.minReadySeconds));
  const sel = spec.selector as Obj | undefined;
  if (!sel) errs.push(required('spec.selector'));
  else {
    errs.push(...labelSelector(sel, 'spec.selector'));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0)
      errs.push(invalid('spec.selector', sel, `empty selector is invalid for ${rules.selectorKind}`));
  }
  const tmpl = spec.template as Obj | undefined;
  if (!tmpl) {
    errs.push(required('spec.template'));
    return errs;
  }
  let matches = true;
  try {
    matches = !sel || selectorMatches(sel as never, tmpl.metadata?.labels);
  } catch {
    errs.push(invalid('spec.selector', sel, 'invalid label selector'));
    return errs;
  }
  if (!matches) errs.push(invalid('spec.template.metadata.labels', tmpl.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  errs.push(...validatePodTemplate(tmpl, 'spec.template'));
  const rp = tmpl.spec?.restartPolicy;
  if (rp !== undefined && rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (tmpl.spec?.activeDeadlineSeconds !== undefined && tmpl.spec?.activeDeadlineSeconds !== null)
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${rules.owner} is not Supported`));
  return errs;
}
