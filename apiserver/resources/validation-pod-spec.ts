// ValidatePodSpec: the rules of a pod spec wherever it appears (pods and the templates of
// workloads and jobs), built from the concept validators: volumes, containers, scheduling,
// selectors, DNS settings, resources, names and durations.
import { duplicate, eachInvalid, inclusiveRange, invalid, notSupported, required, type FieldError } from './field-errors';
import { dns1123LabelErrors, dns1123SubdomainErrors, labels, qualifiedName } from './validation-names';
import { ip } from './validation-network';
import { containerResourceName, podResourceName, resourceRequirements } from './validation-quantity';
import { affinity, topologySpreadConstraints } from './validation-selectors';
import { tolerations } from './validation-scheduling';
import { volumes } from './validation-volumes';
import { containers, ephemeralContainers, initContainers, seccompProfile, type PodContext } from './validation-container';
import { nonNegativeInt } from './validation';

type Obj = Record<string, any>;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);
const present = (v: unknown): boolean => v !== undefined && v !== null;
const MAX_INT32 = 2147483647;

const nameOf = (field: string, v: unknown, check: (s: string) => string[]) => (v ? eachInvalid(field, v, check(str(v))) : []);

function dnsConfig(cfg: Obj | undefined, policy: unknown, field: string): FieldError[] {
  if (policy === 'None') {
    if (!cfg) return [required(field, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (list(cfg.nameservers).length === 0) return [required(`${field}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const ns = list(cfg.nameservers);
  if (ns.length > 3) errs.push(invalid(`${field}.nameservers`, ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...ip(`${field}.nameservers[${i}]`, n)));
  const searches = list(cfg.searches).map(str);
  if (searches.length > 32) errs.push(invalid(`${field}.searches`, searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(invalid(`${field}.searches`, searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => {
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.push(...eachInvalid(`${field}.searches[${i}]`, trimmed, dns1123SubdomainErrors(trimmed)));
  });
  list(cfg.options).forEach((o, i) => {
    if (!o?.name) errs.push(required(`${field}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

function podSecurityContext(sc: Obj | undefined, field: string): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const k of ['runAsUser', 'runAsGroup', 'fsGroup'])
    if (present(sc[k]) && (sc[k] < 0 || sc[k] > 4294967295)) errs.push(invalid(`${field}.${k}`, sc[k], inclusiveRange(0, 4294967295)));
  list(sc.supplementalGroups).forEach((g, i) => {
    if (typeof g === 'number' && (g < 0 || g > 4294967295)) errs.push(invalid(`${field}.supplementalGroups[${i}]`, g, inclusiveRange(0, 4294967295)));
  });
  if (present(sc.fsGroupChangePolicy) && !['Always', 'OnRootMismatch'].includes(sc.fsGroupChangePolicy))
    errs.push(notSupported(`${field}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  errs.push(...seccompProfile(sc.seccompProfile, `${field}.seccompProfile`));
  return errs;
}

function resourceClaims(claims: unknown, field: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const c of list(claims)) if (c?.name) names.add(c.name);
  const seen = new Set<string>();
  list(claims).forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!c?.name) errs.push(required(`${f}.name`));
    else if (seen.has(c.name)) errs.push(duplicate(`${f}.name`, c.name));
    else {
      errs.push(...eachInvalid(`${f}.name`, c.name, dns1123LabelErrors(str(c.name))));
      seen.add(c.name);
    }
    if (present(c?.resourceClaimName) && present(c?.resourceClaimTemplateName)) errs.push(invalid(f, c, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    if (!present(c?.resourceClaimName) && !present(c?.resourceClaimTemplateName)) errs.push(invalid(f, c, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    errs.push(...nameOf(`${f}.resourceClaimName`, c?.resourceClaimName, dns1123SubdomainErrors), ...nameOf(`${f}.resourceClaimTemplateName`, c?.resourceClaimTemplateName, dns1123SubdomainErrors));
  });
  return { errs, names };
}

/** validatePodHostNetworkDeps: with the host's network a port is the host's port. */
function hostNetworkPorts(spec: Obj, field: string, isPod: boolean): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  list(spec.containers).forEach((c, i) =>
    list(c?.ports).forEach((p, j) => {
      const hp = p?.hostPort ?? 0;
      if ((isPod || hp !== 0) && hp !== p?.containerPort)
        errs.push(invalid(`${field}.containers[${i}].ports[${j}].hostPort`, hp, 'must match `containerPort` when `hostNetwork` is true'));
    }),
  );
  return errs;
}

/** ValidatePodSpec; `podName` is the pod's own name (generic ephemeral volume claim names derive from it). */
export function validatePodSpec(spec: Obj | undefined, path: string, opts: { isPod?: boolean; podName?: string } = {}): FieldError[] {
  if (!spec || typeof spec !== 'object') return [required(path)];
  const isPod = opts.isPod ?? false;
  const errs: FieldError[] = [];
  errs.push(...nonNegativeInt(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  const vols = volumes(spec.volumes, `${path}.volumes`, opts.podName);
  const claims = resourceClaims(spec.resourceClaims, `${path}.resourceClaims`);
  errs.push(...vols.errs, ...claims.errs);
  const ctx: PodContext = { volumes: vols.byName, claimNames: claims.names, gracePeriod: spec.terminationGracePeriodSeconds, restartPolicy: spec.restartPolicy, isPod };
  const names = new Set<string>();
  errs.push(...containers(spec.containers, `${path}.containers`, ctx, names));
  errs.push(...initContainers(spec.initContainers, `${path}.initContainers`, ctx, names));
  errs.push(...ephemeralContainers(spec.ephemeralContainers, `${path}.ephemeralContainers`, ctx, names));
  if (spec.resources) errs.push(...resourceRequirements(spec.resources, `${path}.resources`, podResourceName));
  errs.push(...hostNetworkPorts(spec, path, isPod));
  const policies = ['Always', 'OnFailure', 'Never'];
  if (spec.restartPolicy === '') errs.push(required(`${path}.restartPolicy`));
  else if (present(spec.restartPolicy) && !policies.includes(spec.restartPolicy)) errs.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, policies));
  const dns = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (spec.dnsPolicy === '') errs.push(required(`${path}.dnsPolicy`));
  else if (present(spec.dnsPolicy) && !dns.includes(spec.dnsPolicy)) errs.push(notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, dns));
  errs.push(...labels(`${path}.nodeSelector`, spec.nodeSelector), ...podSecurityContext(spec.securityContext, `${path}.securityContext`));
  errs.push(...affinity(spec.affinity, `${path}.affinity`), ...dnsConfig(spec.dnsConfig, spec.dnsPolicy, `${path}.dnsConfig`));
  list(spec.readinessGates).forEach((g, i) => errs.push(...qualifiedName(`${path}.readinessGates[${i}].conditionType`, str(g?.conditionType))));
  const gates = new Set<string>();
  list(spec.schedulingGates).forEach((g, i) => {
    errs.push(...qualifiedName(`${path}.schedulingGates[${i}]`, str(g?.name)));
    if (gates.has(g?.name)) errs.push(duplicate(`${path}.schedulingGates[${i}]`, g.name));
    gates.add(g?.name);
  });
  errs.push(...topologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  errs.push(...nameOf(`${path}.serviceAccountName`, spec.serviceAccountName, dns1123SubdomainErrors), ...nameOf(`${path}.nodeName`, spec.nodeName, dns1123SubdomainErrors));
  const ads = spec.activeDeadlineSeconds;
  if (present(ads) && (ads < 1 || ads > MAX_INT32)) errs.push(invalid(`${path}.activeDeadlineSeconds`, ads, inclusiveRange(1, MAX_INT32)));
  errs.push(...nameOf(`${path}.hostname`, spec.hostname, dns1123LabelErrors), ...nameOf(`${path}.subdomain`, spec.subdomain, dns1123LabelErrors));
  errs.push(...tolerations(spec.tolerations, `${path}.tolerations`));
  list(spec.hostAliases).forEach((a, i) => {
    errs.push(...ip(`${path}.hostAliases[${i}].ip`, a?.ip));
    list(a?.hostnames).forEach((h, j) => errs.push(...eachInvalid(`${path}.hostAliases[${i}].hostnames[${j}]`, h, dns1123SubdomainErrors(str(h)))));
  });
  errs.push(...nameOf(`${path}.priorityClassName`, spec.priorityClassName, dns1123SubdomainErrors));
  if (present(spec.runtimeClassName)) errs.push(...eachInvalid(`${path}.runtimeClassName`, spec.runtimeClassName, dns1123SubdomainErrors(str(spec.runtimeClassName))));
  if (present(spec.preemptionPolicy) && !['PreemptLowerPriority', 'Never'].includes(spec.preemptionPolicy))
    errs.push(notSupported(`${path}.preemptionPolicy`, spec.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
  // validateOverhead reuses the container rules with the overhead as limits.
  if (present(spec.overhead)) errs.push(...resourceRequirements({ limits: spec.overhead }, `${path}.overhead`, containerResourceName));
  if (present(spec.os) && !['linux', 'windows'].includes(spec.os?.name)) errs.push(notSupported(`${path}.os.name`, spec.os?.name ?? '', ['linux', 'windows']));
  return errs;
}

