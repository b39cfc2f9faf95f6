// Endpoints and EndpointSlices: addresses are IPs of the slice's family (or FQDNs), not
// unspecified, link-local or link-local multicast; hostnames and node names are DNS names; ports
// are in range with known protocols. Upstream also refuses loopback addresses; k8ts accepts them,
// because its local clusters advertise the apiserver on 127.0.0.1 in the `kubernetes` Endpoints.
import type { KObject } from '../../lib/api/types';
import { duplicate, eachInvalid, invalid, notSupported, required, tooMany, type FieldError } from './field-errors';
import { dns1123LabelErrors, dns1123SubdomainErrors, qualifiedNameErrors } from './validation-names';
import { ip, ipOfFamily, nonSpecialIP, port, protocol } from './validation-network';

type Obj = Record<string, any>;
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const present = (v: unknown): boolean => v !== undefined && v !== null;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function address(a: Obj, field: string): FieldError[] {
  const bad = ip(`${field}.ip`, a?.ip);
  const errs = [...bad];
  if (a?.hostname) errs.push(...eachInvalid(`${field}.hostname`, a.hostname, dns1123LabelErrors(str(a.hostname))));
  if (present(a?.nodeName)) errs.push(...eachInvalid(`${field}.nodeName`, a.nodeName, dns1123SubdomainErrors(str(a.nodeName))));
  if (!bad.length) errs.push(...nonSpecialIP(`${field}.ip`, str(a.ip), true));
  return errs;
}

function endpointPort(p: Obj, requireName: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p?.name) errs.push(required(`${field}.name`));
  else if (p?.name) errs.push(...eachInvalid(`${field}.name`, p.name, dns1123LabelErrors(str(p.name))));
  errs.push(...port(`${field}.port`, p?.port));
  if (p?.protocol === '') errs.push(required(`${field}.protocol`));
  else errs.push(...protocol(`${field}.protocol`, p?.protocol));
  if (present(p?.appProtocol)) errs.push(...eachInvalid(`${field}.appProtocol`, p.appProtocol, qualifiedNameErrors(str(p.appProtocol))));
  return errs;
}

/** ValidateEndpoints' subsets. */
export function validateEndpoints(o: KObject): FieldError[] {
  return list((o as Obj).subsets).flatMap((s: Obj, i) => {
    const f = `subsets[${i}]`;
    const errs: FieldError[] = [];
    if (list(s?.addresses).length === 0 && list(s?.notReadyAddresses).length === 0) errs.push(required(f, 'must specify `addresses` or `notReadyAddresses`'));
    list(s?.addresses).forEach((a, j) => errs.push(...address(a, `${f}.addresses[${j}]`)));
    list(s?.notReadyAddresses).forEach((a, j) => errs.push(...address(a, `${f}.notReadyAddresses[${j}]`)));
    const ports = list(s?.ports);
    ports.forEach((p, j) => errs.push(...endpointPort(p, ports.length > 1, `${f}.ports[${j}]`)));
    return errs;
  });
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

function sliceAddress(type: string, a: unknown, field: string): FieldError[] {
  if (type === 'IPv4' || type === 'IPv6') {
    const bad = ipOfFamily(field, a, type);
    return bad.length ? bad : nonSpecialIP(field, str(a), true);
  }
  if (type === 'FQDN') {
    const name = str(a).replace(/\.$/, '');
    if (!name) return [required(field)];
    const msgs = dns1123SubdomainErrors(name);
    if (msgs.length) return [invalid(field, name, msgs.join(','))];
    if (name.split('.').length < 2) return [invalid(field, name, 'should be a domain with at least two segments separated by dots')];
  }
  return [];
}

/** ValidateEndpointSlice. */
export function validateEndpointSlice(o: KObject): FieldError[] {
  const s = o as Obj;
  const errs: FieldError[] = [];
  const type = str(s.addressType);
  if (!type) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  const eps = list(s.endpoints);
  if (eps.length > 1000) return [...errs, tooMany('endpoints', eps.length, 1000)];
  eps.forEach((e: Obj, i) => {
    const f = `endpoints[${i}]`;
    const addrs = list(e?.addresses);
    if (addrs.length === 0) errs.push(required(`${f}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(tooMany(`${f}.addresses`, addrs.length, 100));
    addrs.forEach((a, j) => errs.push(...sliceAddress(type, a, `${f}.addresses[${j}]`)));
    if (e?.hostname) errs.push(...eachInvalid(`${f}.hostname`, e.hostname, dns1123LabelErrors(str(e.hostname))));
    if (present(e?.nodeName)) errs.push(...eachInvalid(`${f}.nodeName`, e.nodeName, dns1123SubdomainErrors(str(e.nodeName))));
  });
  const ports = list(s.ports);
  if (ports.length > 20000) errs.push(tooMany('ports', ports.length, 20000));
  const names = new Set<string>();
  ports.forEach((p: Obj, i) => {
    const f = `ports[${i}]`;
    if (p?.name) errs.push(...eachInvalid(`${f}.name`, p.name, dns1123LabelErrors(str(p.name))));
    if (present(p?.port)) errs.push(...port(`${f}.port`, p.port));
    errs.push(...protocol(`${f}.protocol`, p?.protocol));
    if (present(p?.appProtocol)) errs.push(...eachInvalid(`${f}.appProtocol`, p.appProtocol, qualifiedNameErrors(str(p.appProtocol))));
    const n = str(p?.name);
    if (names.has(n)) errs.push(duplicate(`${f}.name`, n));
    names.add(n);
  });
  return errs;
}
