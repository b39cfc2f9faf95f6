// Selectors: label selectors (matchLabels, matchExpressions with In/NotIn/Exists/DoesNotExist),
// node selectors and affinity terms, pod (anti-)affinity and topology spread constraints, with
// upstream's field paths and wording.
import { duplicate, eachInvalid, forbidden, invalid, notSupported, required, type FieldError } from './field-errors';
import { dns1123LabelErrors, dns1123SubdomainErrors, labels, labelValueErrors, qualifiedName } from './validation-names';

type Obj = Record<string, any>;
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** ValidateLabelSelectorRequirement (label values checked, as for every new object). */
function selectorRequirement(r: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(r?.values);
  switch (r?.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${field}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${field}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(invalid(`${field}.operator`, r?.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...qualifiedName(`${field}.key`, str(r?.key)));
  values.forEach((v, i) => errs.push(...eachInvalid(`${field}.values[${i}]`, v, labelValueErrors(str(v)))));
  return errs;
}

/** ValidateLabelSelector. */
export function labelSelector(sel: unknown, field: string): FieldError[] {
  if (!sel || typeof sel !== 'object') return [];
  const s = sel as Obj;
  return [
    ...labels(`${field}.matchLabels`, s.matchLabels),
    ...list(s.matchExpressions).flatMap((e, i) => selectorRequirement(e, `${field}.matchExpressions[${i}]`)),
  ];
}

/** ValidateNodeSelectorRequirement; `checkValues` is off for preferred terms, as upstream allows. */
function nodeSelectorRequirement(r: Obj, checkValues: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(r?.values);
  switch (r?.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(`${field}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(`${field}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(`${field}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(`${field}.operator`, r?.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...qualifiedName(`${field}.key`, str(r?.key)));
  if (checkValues) values.forEach((v, i) => errs.push(...eachInvalid(`${field}.values[${i}]`, v, labelValueErrors(str(v)))));
  return errs;
}

/** ValidateNodeFieldSelectorRequirement: metadata.name In/NotIn one node name. */
function nodeFieldRequirement(r: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(r?.values);
  if (r?.operator === 'In' || r?.operator === 'NotIn') {
    if (values.length !== 1) errs.push(required(`${field}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else errs.push(invalid(`${field}.operator`, r?.operator ?? '', 'not a valid selector operator'));
  if (r?.key !== 'metadata.name') errs.push(invalid(`${field}.key`, r?.key ?? '', 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...eachInvalid(`${field}.values[${i}]`, v, dns1123SubdomainErrors(str(v)))));
  return errs;
}

export function nodeSelectorTerm(term: Obj, checkValues: boolean, field: string): FieldError[] {
  return [
    ...list(term?.matchExpressions).flatMap((r, j) => nodeSelectorRequirement(r, checkValues, `${field}.matchExpressions[${j}]`)),
    ...list(term?.matchFields).flatMap((r, j) => nodeFieldRequirement(r, `${field}.matchFields[${j}]`)),
  ];
}

/** ValidateNodeSelector (required node affinity, PV node affinity). */
export function nodeSelector(sel: unknown, field: string): FieldError[] {
  const terms = list((sel as Obj)?.nodeSelectorTerms);
  if (terms.length === 0) return [required(`${field}.nodeSelectorTerms`, 'must have at least one node selector term')];
  return terms.flatMap((t, i) => nodeSelectorTerm(t, true, `${field}.nodeSelectorTerms[${i}]`));
}

const weight = (w: unknown, field: string) =>
  typeof w === 'number' && w >= 1 && w <= 100 ? [] : [invalid(field, w ?? 0, 'must be in the range 1-100')];

function labelKeys(keys: unknown, sel: unknown, field: string): FieldError[] {
  const ks = list(keys);
  if (ks.length === 0) return [];
  if (!sel) return [forbidden(field, 'must not be specified when labelSelector is not set')];
  return ks.flatMap((k, i) => qualifiedName(`${field}[${i}]`, str(k)));
}

function podAffinityTerm(t: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [...labelSelector(t?.labelSelector, `${field}.labelSelector`), ...labelSelector(t?.namespaceSelector, `${field}.namespaceSelector`)];
  for (const ns of list(t?.namespaces)) errs.push(...eachInvalid(`${field}.namespace`, ns, dns1123LabelErrors(str(ns))));
  errs.push(...labelKeys(t?.matchLabelKeys, t?.labelSelector, `${field}.matchLabelKeys`), ...labelKeys(t?.mismatchLabelKeys, t?.labelSelector, `${field}.mismatchLabelKeys`));
  if (!t?.topologyKey) errs.push(required(`${field}.topologyKey`, 'can not be empty'));
  errs.push(...qualifiedName(`${field}.topologyKey`, str(t?.topologyKey)));
  return errs;
}

function podAffinity(a: Obj | undefined, field: string): FieldError[] {
  if (!a) return [];
  return [
    ...list(a.requiredDuringSchedulingIgnoredDuringExecution).flatMap((t, i) => podAffinityTerm(t, `${field}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
    ...list(a.preferredDuringSchedulingIgnoredDuringExecution).flatMap((w, i) => {
      const f = `${field}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      return [...weight(w?.weight, `${f}.weight`), ...podAffinityTerm(w?.podAffinityTerm, `${f}.podAffinityTerm`)];
    }),
  ];
}

/** validateAffinity. */
export function affinity(a: unknown, field: string): FieldError[] {
  if (!a || typeof a !== 'object') return [];
  const { nodeAffinity: na, podAffinity: pa, podAntiAffinity: paa } = a as Obj;
  const errs: FieldError[] = [];
  if (na) {
    const f = `${field}.nodeAffinity`;
    if (na.requiredDuringSchedulingIgnoredDuringExecution) errs.push(...nodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, `${f}.requiredDuringSchedulingIgnoredDuringExecution`));
    list(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
      const pf = `${f}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...weight(p?.weight, `${pf}.weight`), ...nodeSelectorTerm(p?.preference, false, `${pf}.preference`));
    });
  }
  errs.push(...podAffinity(pa, `${field}.podAffinity`), ...podAffinity(paa, `${field}.podAntiAffinity`));
  return errs;
}

/** validateTopologySpreadConstraints. */
export function topologySpreadConstraints(constraints: unknown, field: string): FieldError[] {
  const cs = list(constraints);
  return cs.flatMap((c: Obj, i) => {
    const f = `${field}[${i}]`;
    const errs: FieldError[] = [];
    if (typeof c?.maxSkew !== 'number' || c.maxSkew <= 0) errs.push(invalid(`${f}.maxSkew`, c?.maxSkew ?? 0, 'must be greater than zero'));
    if (!c?.topologyKey) errs.push(required(`${f}.topologyKey`, 'can not be empty'));
    else errs.push(...qualifiedName(`${f}.topologyKey`, str(c.topologyKey)));
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c?.whenUnsatisfiable)) errs.push(notSupported(`${f}.whenUnsatisfiable`, c?.whenUnsatisfiable ?? '', ['DoNotSchedule', 'ScheduleAnyway']));
    if (cs.slice(i + 1).some((o: Obj) => o?.topologyKey === c?.topologyKey && o?.whenUnsatisfiable === c?.whenUnsatisfiable))
      errs.push(duplicate(`${f}.{topologyKey, whenUnsatisfiable}`, `{${str(c?.topologyKey)}, ${str(c?.whenUnsatisfiable)}}`));
    if (c?.minDomains !== undefined && c.minDomains !== null) {
      if (c.minDomains <= 0) errs.push(invalid(`${f}.minDomains`, c.minDomains, 'must be greater than zero'));
      if (c.whenUnsatisfiable !== 'DoNotSchedule')
        errs.push(invalid(`${f}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${str(c.whenUnsatisfiable)}`));
    }
    for (const p of ['nodeAffinityPolicy', 'nodeTaintsPolicy'])
      if (c?.[p] !== undefined && c[p] !== null && !['Honor', 'Ignore'].includes(c[p])) errs.push(notSupported(`${f}.${p}`, c[p], ['Honor', 'Ignore']));
    errs.push(...labelKeys(c?.matchLabelKeys, c?.labelSelector, `${f}.matchLabelKeys`), ...labelSelector(c?.labelSelector, `${f}.labelSelector`));
    return errs;
  });
}
