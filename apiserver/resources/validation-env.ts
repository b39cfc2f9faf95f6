// Environment variables and the downward API: variable names (Kubernetes 1.32's relaxed rule),
// exactly one value source, fieldRef paths from the supported list (subscripted labels and
// annotations keys checked), resourceFieldRef resources and divisors, ConfigMap and Secret key
// selectors — as ValidateEnv / validateObjectFieldSelector word them.
import { eachInvalid, invalid, notSupported, required, type FieldError } from './field-errors';
import { configMapKeyErrors, dns1123SubdomainErrors, envVarNameErrors, qualifiedNameErrors } from './validation-names';
import { resourceDivisor } from './validation-quantity';

type Obj = Record<string, any>;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
/** Every label ConvertDownwardAPIFieldLabel knows for v1 pods. */
const KNOWN_FIELDS = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.restartPolicy',
  'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

/** fieldpath.SplitMaybeSubscriptedPath: "metadata.labels['key']" → path and subscript. */
function splitSubscript(p: string): [string, string] | undefined {
  if (!p.endsWith("']")) return undefined;
  const s = p.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

/** validateObjectFieldSelector for env (`allowed` = ENV_FIELD_PATHS) or volume (VOLUME_FIELD_PATHS) items. */
export function fieldRef(fs: Obj, allowed: string[], field: string): FieldError[] {
  if (!fs?.apiVersion) return [required(`${field}.apiVersion`)];
  if (!fs.fieldPath) return [required(`${field}.fieldPath`)];
  let path = str(fs.fieldPath);
  const sub = splitSubscript(path);
  let convError = '';
  if (fs.apiVersion !== 'v1') convError = `unsupported pod version: ${str(fs.apiVersion)}`;
  else if (sub && sub[0] !== 'metadata.annotations' && sub[0] !== 'metadata.labels') convError = `field label does not support subscript: ${path}`;
  else if (!sub && path === 'spec.host') path = 'spec.nodeName';
  else if (!sub && !KNOWN_FIELDS.has(path)) convError = `field label not supported: ${path}`;
  if (convError) return [invalid(`${field}.fieldPath`, fs.fieldPath, `error converting fieldPath: ${convError}`)];
  if (sub) {
    const key = sub[0] === 'metadata.annotations' ? sub[1].toLowerCase() : sub[1];
    return eachInvalid(field, key, qualifiedNameErrors(key));
  }
  return allowed.includes(path) ? [] : [notSupported(`${field}.fieldPath`, path, allowed)];
}

/** validateContainerResourceFieldSelector; volume items must name their container. */
export function resourceFieldRef(fs: Obj, field: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = str(fs?.resource);
  if (volume && !fs?.containerName) errs.push(required(`${field}.containerName`));
  else if (!resource) errs.push(required(`${field}.resource`));
  else if (!RESOURCE_FIELDS.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-'))
    errs.push(notSupported(`${field}.resource`, resource, RESOURCE_FIELDS));
  errs.push(...resourceDivisor(resource, fs?.divisor, field));
  return errs;
}

function keySelector(s: Obj, field: string): FieldError[] {
  const errs = eachInvalid(`${field}.name`, str(s?.name), dns1123SubdomainErrors(str(s?.name)));
  if (!s?.key) errs.push(required(`${field}.key`));
  else errs.push(...eachInvalid(`${field}.key`, s.key, configMapKeyErrors(str(s.key))));
  return errs;
}

/** ValidateEnv. */
export function env(list: unknown, field: string): FieldError[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: Obj, i) => {
    const f = `${field}[${i}]`;
    const errs: FieldError[] = [];
    if (!e?.name) errs.push(required(`${f}.name`));
    else errs.push(...eachInvalid(`${f}.name`, e.name, envVarNameErrors(str(e.name))));
    const vf = e?.valueFrom;
    if (!vf || typeof vf !== 'object') return errs;
    const p = `${f}.valueFrom`;
    let sources = 0;
    if (vf.fieldRef) {
      sources++;
      errs.push(...fieldRef(vf.fieldRef, ENV_FIELD_PATHS, `${p}.fieldRef`));
    }
    if (vf.resourceFieldRef) {
      sources++;
      errs.push(...resourceFieldRef(vf.resourceFieldRef, `${p}.resourceFieldRef`, false));
    }
    if (vf.configMapKeyRef) {
      sources++;
      errs.push(...keySelector(vf.configMapKeyRef, `${p}.configMapKeyRef`));
    }
    if (vf.secretKeyRef) {
      sources++;
      errs.push(...keySelector(vf.secretKeyRef, `${p}.secretKeyRef`));
    }
    if (sources === 0) errs.push(invalid(p, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (e.value) errs.push(invalid(p, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
    return errs;
  });
}

/** A name that a generated suffix is appended to: a trailing '-' is allowed (NameIsDNSSubdomain with prefix). */
const prefixNameErrors = (name: string) => dns1123SubdomainErrors(name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name);

/** ValidateEnvFrom. */
export function envFrom(list: unknown, field: string): FieldError[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: Obj, i) => {
    const f = `${field}[${i}]`;
    const errs: FieldError[] = [];
    if (e?.prefix) errs.push(...eachInvalid(`${f}.prefix`, e.prefix, envVarNameErrors(str(e.prefix))));
    let sources = 0;
    for (const k of ['configMapRef', 'secretRef']) {
      if (!e?.[k]) continue;
      sources++;
      const name = str(e[k].name);
      if (!name) errs.push(required(`${f}.${k}.name`));
      else errs.push(...eachInvalid(`${f}.${k}.name`, name, prefixNameErrors(name)));
    }
    if (sources === 0) errs.push(invalid(field, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(field, '', 'may not have more than one field specified at a time'));
    return errs;
  });
}

/** SetDefaults_ObjectFieldSelector: apiVersion v1. */
export function defaultFieldRefs(c: Obj): void {
  for (const e of Array.isArray(c?.env) ? c.env : []) {
    const fr = e?.valueFrom?.fieldRef;
    if (fr && typeof fr === 'object' && !fr.apiVersion) fr.apiVersion = 'v1';
  }
}
