// Probes and lifecycle hooks: exactly one handler, handler ports and schemes, the numeric fields'
// minimums, successThreshold 1 for liveness and startup probes, sleep within the grace period —
// as validateProbe/validateHandler word them. A probe host must also be an IP or a DNS name,
// which upstream leaves to the kubelet (a k8ts addition: the kubelet dials it).
import { eachInvalid, forbidden, invalid, notSupported, required, type FieldError } from './field-errors';
import { httpHeaderNameErrors, dns1123SubdomainErrors } from './validation-names';
import { intOrNamedPort, parseIP, port } from './validation-network';
import { nonNegativeInt } from './validation';

type Obj = Record<string, any>;
const present = (v: unknown): boolean => v !== undefined && v !== null;

function host(field: string, h: unknown): FieldError[] {
  if (!present(h) || h === '') return [];
  const s = String(h);
  return parseIP(s) ? [] : eachInvalid(field, s, dns1123SubdomainErrors(s));
}

function httpGet(a: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!a.path) errs.push(required(`${field}.path`));
  errs.push(...intOrNamedPort(`${field}.port`, a.port));
  if (!['HTTP', 'HTTPS'].includes(a.scheme ?? 'HTTP')) errs.push(notSupported(`${field}.scheme`, a.scheme, ['HTTP', 'HTTPS']));
  for (const h of Array.isArray(a.httpHeaders) ? a.httpHeaders : []) errs.push(...eachInvalid(`${field}.httpHeaders`, h?.name ?? '', httpHeaderNameErrors(String(h?.name ?? ''))));
  errs.push(...host(`${field}.host`, a.host));
  return errs;
}

/** validateHandler: exactly one of the handler kinds allowed here. */
function handler(h: Obj, kinds: string[], field: string, gracePeriod: unknown): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    const a = h?.[kind];
    if (!present(a)) continue;
    if (count > 0) {
      errs.push(forbidden(`${field}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const f = `${field}.${kind}`;
    if (kind === 'exec' && !(Array.isArray(a.command) && a.command.length > 0)) errs.push(required(`${f}.command`));
    if (kind === 'httpGet') errs.push(...httpGet(a, f));
    if (kind === 'tcpSocket') errs.push(...intOrNamedPort(`${f}.port`, a.port), ...host(`${f}.host`, a.host));
    if (kind === 'grpc') errs.push(...port(`${f}.port`, a.port));
    if (kind === 'sleep' && typeof gracePeriod === 'number' && (typeof a.seconds !== 'number' || a.seconds <= 0 || a.seconds > gracePeriod))
      errs.push(
        invalid(f, a.seconds ?? 0, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`),
      );
  }
  if (count === 0) errs.push(required(field, 'must specify a handler type'));
  return errs;
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** validateLivenessProbe / validateReadinessProbe / validateStartupProbe. */
export function probe(p: unknown, kind: ProbeKind, field: string, gracePeriod: unknown): FieldError[] {
  if (!p || typeof p !== 'object') return [];
  const pr = p as Obj;
  const errs = handler(pr, ['exec', 'httpGet', 'tcpSocket', 'grpc'], field, gracePeriod);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...nonNegativeInt(`${field}.${k}`, pr[k]));
  const tgp = pr.terminationGracePeriodSeconds;
  if (present(tgp) && tgp <= 0) errs.push(invalid(`${field}.terminationGracePeriodSeconds`, tgp, 'must be greater than 0'));
  if (kind === 'readiness' && present(tgp)) errs.push(invalid(`${field}.terminationGracePeriodSeconds`, tgp, 'must not be set for readinessProbes'));
  if (kind !== 'readiness' && present(pr.successThreshold) && pr.successThreshold !== 1) errs.push(invalid(`${field}.successThreshold`, pr.successThreshold, 'must be 1'));
  return errs;
}

/** validateLifecycle: postStart and preStop handlers (exec, httpGet, tcpSocket or sleep). */
export function lifecycle(l: unknown, field: string, gracePeriod: unknown): FieldError[] {
  if (!l || typeof l !== 'object') return [];
  const lc = l as Obj;
  const kinds = ['exec', 'httpGet', 'tcpSocket', 'sleep'];
  return [
    ...(present(lc.postStart) ? handler(lc.postStart, kinds, `${field}.postStart`, gracePeriod) : []),
    ...(present(lc.preStop) ? handler(lc.preStop, kinds, `${field}.preStop`, gracePeriod) : []),
  ];
}

/** SetDefaults_Probe and SetDefaults_HTTPGetAction, which run before validation upstream. */
export function defaultProbe(p: unknown): void {
  if (!p || typeof p !== 'object') return;
  const pr = p as Obj;
  if (!pr.timeoutSeconds) pr.timeoutSeconds = 1;
  if (!pr.periodSeconds) pr.periodSeconds = 10;
  if (!pr.successThreshold) pr.successThreshold = 1;
  if (!pr.failureThreshold) pr.failureThreshold = 3;
  defaultHttpGet(pr.httpGet);
}

export function defaultHttpGet(a: unknown): void {
  if (!a || typeof a !== 'object') return;
  const h = a as Obj;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}
