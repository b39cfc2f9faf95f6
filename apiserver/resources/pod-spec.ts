// Pod spec defaulting and validation, shared by Pods and by the pod templates of ReplicaSets and
// Deployments (the same rules apply wherever a pod spec appears).
import type { KObject } from '../../lib/api/types';
import { selectorMatches } from '../../lib/api/labels';
import {
  dns1123Label,
  duplicate,
  invalid,
  labels,
  nonNegativeInt,
  notSupported,
  port,
  protocol,
  required,
  type FieldError,
} from './validation';

type Obj = Record<string, any>;

function defaultContainer(c: Obj): void {
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
  if (Array.isArray(c.ports)) for (const p of c.ports) if (p && typeof p === 'object') p.protocol ??= 'TCP';
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
  if (Array.isArray(spec.containers)) spec.containers.forEach(defaultContainer);
  if (Array.isArray(spec.initContainers)) spec.initContainers.forEach(defaultContainer);
}

function validateContainers(list: unknown, path: string, names: Set<string>, requiredList: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (list === undefined || (Array.isArray(list) && list.length === 0)) return requiredList ? [required(path)] : [];
  if (!Array.isArray(list)) return [invalid(path, list, 'must be a list')];
  list.forEach((c: Obj, i) => {
    const p = `${path}[${i}]`;
    if (!c || typeof c !== 'object') {
      errs.push(invalid(p, c, 'must be an object'));
      return;
    }
    if (!c.name) errs.push(required(`${p}.name`));
    else {
      errs.push(...dns1123Label(`${p}.name`, String(c.name)));
      if (names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image || typeof c.image !== 'string' || !c.image.trim()) errs.push(required(`${p}.image`));
    if (c.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy))
      errs.push(notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
    const portNames = new Set<string>();
    (Array.isArray(c.ports) ? c.ports : []).forEach((cp: Obj, j: number) => {
      const pp = `${p}.ports[${j}]`;
      errs.push(...port(`${pp}.containerPort`, cp?.containerPort));
      if (cp?.hostPort !== undefined && cp.hostPort !== 0) errs.push(...port(`${pp}.hostPort`, cp.hostPort));
      errs.push(...protocol(`${pp}.protocol`, cp?.protocol));
      if (cp?.name) {
        if (portNames.has(cp.name)) errs.push(duplicate(`${pp}.name`, cp.name));
        portNames.add(cp.name);
      }
    });
    (Array.isArray(c.env) ? c.env : []).forEach((e: Obj, j: number) => {
      if (!e?.name) errs.push(required(`${p}.env[${j}].name`));
    });
  });
  return errs;
}

export function validatePodSpec(spec: Obj | undefined, path: string): FieldError[] {
  if (!spec || typeof spec !== 'object') return [required(path)];
  const names = new Set<string>();
  const errs: FieldError[] = [
    ...validateContainers(spec.containers, `${path}.containers`, names, true),
    ...validateContainers(spec.initContainers, `${path}.initContainers`, names, false),
  ];
  const policies = ['Always', 'OnFailure', 'Never'];
  if (spec.restartPolicy !== undefined && !policies.includes(spec.restartPolicy))
    errs.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, policies));
  const dns = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
  if (spec.dnsPolicy !== undefined && !dns.includes(spec.dnsPolicy)) errs.push(notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, dns));
  errs.push(...nonNegativeInt(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  if (spec.nodeSelector !== undefined) errs.push(...labels(`${path}.nodeSelector`, spec.nodeSelector));
  if (spec.hostname !== undefined) errs.push(...dns1123Label(`${path}.hostname`, String(spec.hostname)));
  return errs;
}

/**
 * The workload rules of ReplicaSets and Deployments: a non-empty selector that selects the
 * template's labels, a valid template, and a non-negative replica count.
 */
export function validateWorkload(obj: KObject): FieldError[] {
  const spec = (obj as Obj).spec as Obj | undefined;
  if (!spec) return [required('spec')];
  const errs: FieldError[] = [...nonNegativeInt('spec.replicas', spec.replicas)];
  const sel = spec.selector as Obj | undefined;
  const empty = !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
  if (empty) errs.push(required('spec.selector'));
  const tmpl = spec.template as Obj | undefined;
  if (!tmpl) {
    errs.push(required('spec.template'));
    return errs;
  }
  const tl = tmpl.metadata?.labels;
  errs.push(...labels('spec.template.metadata.labels', tl));
  if (!empty) {
    let matches = false;
    try {
      matches = selectorMatches(sel as never, tl);
    } catch (e) {
      errs.push(invalid('spec.selector', sel, (e as Error).message));
    }
    if (!matches) errs.push(invalid('spec.template.metadata.labels', tl ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodSpec(tmpl.spec, 'spec.template.spec'));
  if (tmpl.spec?.restartPolicy && tmpl.spec.restartPolicy !== 'Always')
    errs.push(notSupported('spec.template.spec.restartPolicy', tmpl.spec.restartPolicy, ['Always']));
  errs.push(...nonNegativeInt('spec.minReadySeconds', spec.minReadySeconds));
  return errs;
}
