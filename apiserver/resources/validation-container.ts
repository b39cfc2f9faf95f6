// Containers (regular, init and ephemeral): names, images, ports, env, mounts, pull and
// termination-message policies, resources, resize policy, security context ranges, probes and
// hooks — validateContainerCommon, validateContainers and validateInitContainers, with their
// paths and wording.
import { duplicate, eachInvalid, forbidden, inclusiveRange, invalid, notFound, notSupported, required, type FieldError } from './field-errors';
import { dns1123LabelErrors } from './validation-names';
import { ip, port, portName, protocol } from './validation-network';
import { containerResourceName, resourceRequirements } from './validation-quantity';
import { env, envFrom } from './validation-env';
import { volumeDevices, volumeMounts } from './validation-mounts';
import { lifecycle, probe } from './validation-probes';
import { imageReferenceError } from './validation-image';

type Obj = Record<string, any>;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);
const present = (v: unknown): boolean => v !== undefined && v !== null;

export interface PodContext {
  /** Valid volumes by name, with their source kind. */
  volumes: Map<string, string>;
  claimNames: Set<string>;
  gracePeriod: unknown;
  restartPolicy: unknown;
  /** Pods (not templates) get the image whitespace rule. */
  isPod: boolean;
}

function ports(c: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(c.ports).forEach((p, i) => {
    const f = `${field}[${i}]`;
    if (p?.name) {
      const bad = portName(`${f}.name`, str(p.name));
      if (bad.length) errs.push(...bad);
      else if (names.has(p.name)) errs.push(duplicate(`${f}.name`, p.name));
      else names.add(p.name);
    }
    if (!p?.containerPort) errs.push(required(`${f}.containerPort`));
    else errs.push(...port(`${f}.containerPort`, p.containerPort));
    if (p?.hostPort) errs.push(...port(`${f}.hostPort`, p.hostPort));
    if (p?.protocol === '') errs.push(required(`${f}.protocol`));
    else errs.push(...protocol(`${f}.protocol`, p?.protocol));
    // The CNI port mapping binds this address (k8ts checks it; upstream leaves it to the runtime).
    if (p?.hostIP) errs.push(...ip(`${f}.hostIP`, p.hostIP));
  });
  return errs;
}

/**
 * validateResizePolicy's value rules. (Upstream also ties the policy to a Never restart policy, but
 * 1.32 drops resizePolicy before validating while InPlacePodVerticalScaling is off; k8ts keeps the
 * field, so it does not refuse what 1.32 accepts.)
 */
function resizePolicy(c: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(c.resizePolicy).forEach((p, i) => {
    if (seen.has(p?.resourceName)) errs.push(duplicate(`${field}[${i}]`, p?.resourceName));
    seen.add(p?.resourceName);
    if (!p?.resourceName) errs.push(required(field));
    else if (!['cpu', 'memory'].includes(p.resourceName)) errs.push(notSupported(field, p.resourceName, ['cpu', 'memory']));
    if (!p?.restartPolicy) errs.push(required(field));
    else if (!['NotRequired', 'RestartContainer'].includes(p.restartPolicy)) errs.push(notSupported(field, p.restartPolicy, ['NotRequired', 'RestartContainer']));
  });
  return errs;
}

const ID_MAX = 4294967295;

/** ValidateSecurityContext's value checks (user and group ids, proc mount, seccomp type). */
export function securityContext(sc: unknown, field: string): FieldError[] {
  if (!sc || typeof sc !== 'object') return [];
  const s = sc as Obj;
  const errs: FieldError[] = [];
  for (const k of ['runAsUser', 'runAsGroup'])
    if (present(s[k]) && (s[k] < 0 || s[k] > ID_MAX)) errs.push(invalid(`${field}.${k}`, s[k], inclusiveRange(0, ID_MAX)));
  if (present(s.procMount) && !['Default', 'Unmasked'].includes(s.procMount)) errs.push(notSupported(`${field}.procMount`, s.procMount, ['Default', 'Unmasked']));
  errs.push(...seccompProfile(s.seccompProfile, `${field}.seccompProfile`));
  if (s.allowPrivilegeEscalation === false && s.privileged === true)
    errs.push(invalid(field, s, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  return errs;
}

export function seccompProfile(sp: unknown, field: string): FieldError[] {
  if (!sp || typeof sp !== 'object') return [];
  const p = sp as Obj;
  const errs: FieldError[] = [];
  if (!p.type) errs.push(required(`${field}.type`));
  else if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(p.type)) errs.push(notSupported(`${field}.type`, p.type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  if (p.type === 'Localhost' && !present(p.localhostProfile)) errs.push(required(`${field}.localhostProfile`, 'must be set when seccomp type is Localhost'));
  if (p.type !== 'Localhost' && present(p.localhostProfile)) errs.push(invalid(`${field}.localhostProfile`, p, 'can only be set when seccomp type is Localhost'));
  return errs;
}

function image(c: Obj, field: string, isPod: boolean): FieldError[] {
  const img = c.image;
  if (typeof img !== 'string' || img.length === 0) return [required(field)];
  if (img.trim() !== img) return isPod ? [invalid(field, img, 'must not have leading or trailing whitespace')] : [invalid(field, img, 'invalid reference format')];
  const why = imageReferenceError(img);
  return why ? [invalid(field, img, why)] : [];
}

/** validateContainerCommon. */
function common(c: Obj, field: string, ctx: PodContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${field}.name`));
  else errs.push(...eachInvalid(`${field}.name`, c.name, dns1123LabelErrors(str(c.name))));
  errs.push(...image(c, `${field}.image`, ctx.isPod));
  const tmp = c.terminationMessagePolicy;
  if (tmp === '') errs.push(required(`${field}.terminationMessagePolicy`));
  else if (present(tmp) && !['File', 'FallbackToLogsOnError'].includes(tmp)) errs.push(notSupported(`${field}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...ports(c, `${field}.ports`), ...env(c.env, `${field}.env`), ...envFrom(c.envFrom, `${field}.envFrom`));
  errs.push(...volumeMounts(c, ctx.volumes, `${field}.volumeMounts`), ...volumeDevices(c, ctx.volumes, `${field}.volumeDevices`));
  const pull = c.imagePullPolicy;
  if (pull === '') errs.push(required(`${field}.imagePullPolicy`));
  else if (present(pull) && !['Always', 'IfNotPresent', 'Never'].includes(pull)) errs.push(notSupported(`${field}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...resourceRequirements(c.resources, `${field}.resources`, containerResourceName, ctx.claimNames));
  errs.push(...resizePolicy(c, `${field}.resizePolicy`), ...securityContext(c.securityContext, `${field}.securityContext`));
  return errs;
}

function probesAndHooks(c: Obj, field: string, grace: unknown): FieldError[] {
  return [
    ...lifecycle(c.lifecycle, `${field}.lifecycle`, grace),
    ...probe(c.livenessProbe, 'liveness', `${field}.livenessProbe`, grace),
    ...probe(c.readinessProbe, 'readiness', `${field}.readinessProbe`, grace),
    ...probe(c.startupProbe, 'startup', `${field}.startupProbe`, grace),
  ];
}

/** checkHostPortConflicts: one protocol/hostIP/hostPort per pod (per init container for init containers). */
function hostPortConflicts(containers: Obj[], field: string, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, i) =>
    list(c?.ports).forEach((p, j) => {
      if (!p?.hostPort) return;
      const key = `${str(p.protocol)}/${str(p.hostIP)}/${p.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${field}[${i}].ports[${j}].hostPort`, key));
      seen.add(key);
    }),
  );
  return errs;
}

/** validateContainers: at least one, names unique, probes and hooks allowed. */
export function containers(cs: unknown, field: string, ctx: PodContext, names: Set<string>): FieldError[] {
  const all = list(cs);
  if (all.length === 0) return [required(field)];
  const errs: FieldError[] = [];
  all.forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!c || typeof c !== 'object') return;
    errs.push(...common(c, f, ctx));
    if (names.has(c.name)) errs.push(duplicate(`${f}.name`, c.name));
    else names.add(c.name);
    errs.push(...probesAndHooks(c, f, ctx.gracePeriod));
    if (present(c.restartPolicy)) errs.push(forbidden(`${f}.restartPolicy`, 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(all, field));
  return errs;
}

/** validateInitContainers: sidecars (restartPolicy Always) may have probes and hooks, the others not. */
export function initContainers(cs: unknown, field: string, ctx: PodContext, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  list(cs).forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!c || typeof c !== 'object') return;
    errs.push(...common(c, f, ctx));
    if (present(c.restartPolicy) && c.restartPolicy !== 'Always') errs.push(notSupported(`${f}.restartPolicy`, c.restartPolicy, ['Always']));
    if (names.has(c.name)) errs.push(duplicate(`${f}.name`, c.name));
    else if (c.name) names.add(c.name);
    errs.push(...hostPortConflicts([c], field));
    if (c.restartPolicy === 'Always') errs.push(...probesAndHooks(c, f, ctx.gracePeriod));
    else
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
        if (present(c[k])) errs.push(forbidden(`${f}.${k}`, 'may not be set for init containers without restartPolicy=Always'));
  });
  return errs;
}

/** validateEphemeralContainers: the common rules, unique names and an existing target container. */
export function ephemeralContainers(cs: unknown, field: string, ctx: PodContext, names: Set<string>): FieldError[] {
  const others = new Set(names);
  const errs: FieldError[] = [];
  list(cs).forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!c || typeof c !== 'object') return;
    errs.push(...common(c, f, ctx));
    if (names.has(c.name)) errs.push(duplicate(`${f}.name`, c.name));
    else names.add(c.name);
    if (c.targetContainerName && !others.has(c.targetContainerName)) errs.push(notFound(`${f}.targetContainerName`, c.targetContainerName));
  });
  return errs;
}
