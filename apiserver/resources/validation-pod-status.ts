// What a pod status may carry (ValidatePodStatusUpdate's value rules): pod and host IPs (v1's
// podIP/hostIP are the first of podIPs/hostIPs, as conversion makes them), one per family and no
// repeats, a nominated node name, custom condition types, and parseable resource quantities.
import { duplicate, eachInvalid, invalid, type FieldError } from './field-errors';
import { dns1123SubdomainErrors, qualifiedName } from './validation-names';
import { ip, parseIP } from './validation-network';
import { parsedResourceList } from './validation-quantity';

type Obj = Record<string, any>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);

/** The list upstream validates after conversion: the single v1 field wins when it differs from the list. */
function ips(single: unknown, many: unknown): string[] {
  const all = list(many).map((p) => p?.ip);
  if (typeof single === 'string' && single !== '' && all[0] !== single) return [single];
  return all;
}

const family = (s: string) => parseIP(s)?.v4;

function ipList(values: string[], field: string): FieldError[] {
  const errs = values.flatMap((v, i) => ip(`${field}[${i}]`, v));
  if (values.length > 1) {
    const fams = values.map(family);
    const dualStack = values.length === 2 && fams[0] !== undefined && fams[1] !== undefined && fams[0] !== fams[1];
    if (!dualStack) errs.push(invalid(field, values.map((v) => ({ ip: v })), 'may specify no more than one IP for each IP family'));
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v)) errs.push(duplicate(`${field}[${i}]`, { ip: v }));
      seen.add(v);
    });
  }
  return errs;
}

function containerStatuses(statuses: unknown, field: string): FieldError[] {
  return list(statuses).flatMap((s, i) => {
    const f = `${field}[${i}]`;
    return [
      ...parsedResourceList(`${f}.allocatedResources`, s?.allocatedResources),
      ...parsedResourceList(`${f}.resources.limits`, s?.resources?.limits),
      ...parsedResourceList(`${f}.resources.requests`, s?.resources?.requests),
    ];
  });
}

const SYSTEM_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized']);

export function validatePodStatus(status: unknown): FieldError[] {
  if (!status || typeof status !== 'object') return [];
  const st = status as Obj;
  const errs: FieldError[] = [];
  // Upstream validates the conditions under metadata.conditions (its field path starts at metadata).
  list(st.conditions).forEach((c, i) => {
    if (!SYSTEM_CONDITIONS.has(c?.type)) errs.push(...qualifiedName(`metadata.conditions[${i}].Type`, String(c?.type ?? '')));
  });
  if (st.nominatedNodeName) errs.push(...eachInvalid('status.nominatedNodeName', st.nominatedNodeName, dns1123SubdomainErrors(String(st.nominatedNodeName))));
  errs.push(...ipList(ips(st.podIP, st.podIPs), 'status.podIPs'));
  errs.push(...ipList(ips(st.hostIP, st.hostIPs), 'status.hostIPs'));
  for (const k of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) errs.push(...containerStatuses(st[k], `status.${k}`));
  return errs;
}
