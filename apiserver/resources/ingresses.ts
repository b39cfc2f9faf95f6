// networking.k8s.io/v1 Ingress: stored and served (no ingress controller runs here); path and
// backend rules and the CLASS/HOSTS/ADDRESS/PORTS columns.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Type, Open, Str, opt } from './schemas';
import { joinWithMore } from './printing';
import { dns1123Subdomain, dns1035Label, forbidden, invalid, notSupported, port, required, type FieldError } from './validation';

type Obj = Record<string, any>;
type I = KObject & { spec?: Obj; status?: Obj };

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];

function backendErrors(b: Obj | undefined, path: string): FieldError[] {
  if (!b) return [required(path)];
  if (b.service && b.resource) return [forbidden(path, 'cannot set both resource and service backends')];
  if (b.resource) return b.resource.kind && b.resource.name ? [] : [required(`${path}.resource`)];
  if (!b.service) return [required(path)];
  const errs: FieldError[] = [];
  if (!b.service.name) errs.push(required(`${path}.service.name`));
  else errs.push(...dns1035Label(`${path}.service.name`, b.service.name));
  const p = b.service.port ?? {};
  if (p.name !== undefined && p.number !== undefined) errs.push(invalid(`${path}.service.port`, p, 'cannot set both port name & port number'));
  else if (p.number !== undefined) errs.push(...port(`${path}.service.port.number`, p.number));
  else if (!p.name) errs.push(required(`${path}.service.port`));
  return errs;
}

function validate(o: KObject): FieldError[] {
  const spec = (o as I).spec ?? {};
  const errs: FieldError[] = [];
  const rules: Obj[] = spec.rules ?? [];
  if (!spec.defaultBackend && rules.length === 0) errs.push(invalid('spec.rules', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend) errs.push(...backendErrors(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((r, i) => {
    const p = `spec.rules[${i}]`;
    if (r?.host) {
      const h = String(r.host).startsWith('*.') ? String(r.host).slice(2) : String(r.host);
      errs.push(...dns1123Subdomain(`${p}.host`, h));
    }
    (r?.http?.paths ?? []).forEach((hp: Obj, j: number) => {
      const pp = `${p}.http.paths[${j}]`;
      if (!hp?.pathType) errs.push({ reason: 'FieldValueRequired', field: `${pp}.pathType`, message: 'Required value: pathType must be specified' });
      else if (!PATH_TYPES.includes(hp.pathType)) errs.push(notSupported(`${pp}.pathType`, hp.pathType, PATH_TYPES));
      else if (hp.pathType !== 'ImplementationSpecific' && !String(hp.path ?? '').startsWith('/')) errs.push(invalid(`${pp}.path`, hp.path ?? '', 'must be an absolute path'));
      errs.push(...backendErrors(hp?.backend, `${pp}.backend`));
    });
    if (r?.http && !(r.http.paths ?? []).length) errs.push(required(`${p}.http.paths`));
  });
  return errs;
}

function hosts(i: I): string {
  const hs = (i.spec?.rules ?? []).map((r: Obj) => r?.host).filter((h: unknown): h is string => !!h);
  return hs.length ? joinWithMore(hs) : '*';
}

function addresses(i: I): string {
  return (i.status?.loadBalancer?.ingress ?? []).map((x: Obj) => x?.ip || x?.hostname).filter(Boolean).join(',');
}

const backendDoc = Type.Object(
  {
    service: opt(Type.Object({ name: opt(Str), port: opt(Type.Object({ name: opt(Str), number: opt(Type.Integer()) }, Open)) }, Open), 'A referenced Service as a backend.'),
    resource: opt(Type.Object({}, Open), 'An ObjectRef to another Kubernetes resource in the namespace of the Ingress.'),
  },
  { ...Open, description: 'IngressBackend describes all endpoints for a given service and port.' },
);

export const ingresses = defineResource({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  resource: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  subresources: ['status'],
  hasStatus: true,
  schema: kindSchema(
    {
      spec: Type.Object(
        {
          ingressClassName: opt(Str, 'The name of an IngressClass cluster resource.'),
          defaultBackend: opt(backendDoc, 'The backend that handles requests that match no rule.'),
          tls: opt(Type.Array(Type.Object({ hosts: opt(Type.Array(Str)), secretName: opt(Str) }, Open)), 'TLS configuration.'),
          rules: opt(
            Type.Array(
              Type.Object(
                {
                  host: opt(Str, 'The fully qualified domain name of a network host, as defined by RFC 3986; a wildcard prefix "*." is allowed.'),
                  http: opt(Type.Object({ paths: Type.Array(Type.Object({ path: opt(Str), pathType: opt(Str), backend: opt(backendDoc) }, Open)) }, Open)),
                },
                Open,
              ),
            ),
            'A list of host rules used to configure the Ingress.',
          ),
        },
        { ...Open, description: 'IngressSpec describes the Ingress the user wishes to exist.' },
      ),
      status: Type.Object({}, Open),
    },
    'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Class', 'string', 'The name of the IngressClass cluster resource.'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule.'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer.'),
    col('Ports', 'string', 'Ports of TLS configurations that open.'),
    AGE_COLUMN,
  ],
  printRow: (o) => {
    const i = o as I;
    return [i.metadata.name, i.spec?.ingressClassName ?? '<none>', hosts(i), addresses(i), (i.spec?.tls ?? []).length ? '80, 443' : '80', objAge(i)];
  },
  prepareForCreate: (o) => {
    (o as I).status = {};
  },
  validate,
  generationSource: (o) => (o as I).spec,
});
