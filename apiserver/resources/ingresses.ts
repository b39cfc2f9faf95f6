// networking.k8s.io/v1 Ingress: stored and served (no ingress controller runs here); path and
// backend rules and the CLASS/HOSTS/ADDRESS/PORTS columns.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, Int, obj, opt, req, list, named } from './schemas';
import { loadBalancerStatus } from './services';
import { joinWithMore } from './printing';
import { dns1123Subdomain, dns1035Label, eachInvalid, forbidden, invalid, notSupported, port, required, type FieldError } from './validation';
import { dns1123SubdomainErrors, wildcardDns1123SubdomainErrors } from './validation-names';
import { parseIP, portName } from './validation-network';
import { loadBalancerStatus as loadBalancerStatusErrors } from './validation-service';

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
  if (p.name) errs.push(...portName(`${path}.service.port.name`, String(p.name)));
  return errs;
}

/** An Ingress host: a DNS name (a wildcard one with '*'), not an IP address. */
function hostErrors(host: string, field: string): FieldError[] {
  const errs = parseIP(host) ? [invalid(field, host, 'must be a DNS name, not an IP address')] : [];
  return [...errs, ...eachInvalid(field, host, host.includes('*') ? wildcardDns1123SubdomainErrors(host) : dns1123SubdomainErrors(host))];
}

function validate(o: KObject): FieldError[] {
  const spec = (o as I).spec ?? {};
  const errs: FieldError[] = [];
  const rules: Obj[] = spec.rules ?? [];
  if (!spec.defaultBackend && rules.length === 0) errs.push(invalid('spec.rules', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend) errs.push(...backendErrors(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((r, i) => {
    const p = `spec.rules[${i}]`;
    if (r?.host) errs.push(...hostErrors(String(r.host), `${p}.host`));
    (r?.http?.paths ?? []).forEach((hp: Obj, j: number) => {
      const pp = `${p}.http.paths[${j}]`;
      if (!hp?.pathType) errs.push({ reason: 'FieldValueRequired', field: `${pp}.pathType`, message: 'Required value: pathType must be specified' });
      else if (!PATH_TYPES.includes(hp.pathType)) errs.push(notSupported(`${pp}.pathType`, hp.pathType, PATH_TYPES));
      else if (hp.pathType !== 'ImplementationSpecific' && !String(hp.path ?? '').startsWith('/')) errs.push(invalid(`${pp}.path`, hp.path ?? '', 'must be an absolute path'));
      errs.push(...backendErrors(hp?.backend, `${pp}.backend`));
    });
    if (r?.http && !(r.http.paths ?? []).length) errs.push(required(`${p}.http.paths`));
  });
  (spec.tls ?? []).forEach((t: Obj, i: number) => {
    (t?.hosts ?? []).forEach((h: unknown, j: number) => errs.push(...hostErrors(String(h), `spec.tls[${i}].hosts[${j}]`)));
    if (t?.secretName) errs.push(...dns1123Subdomain(`spec.tls[${i}].secretName`, String(t.secretName)));
  });
  if (spec.ingressClassName) errs.push(...dns1123Subdomain('spec.ingressClassName', String(spec.ingressClassName)));
  return errs;
}

function hosts(i: I): string {
  const hs = (i.spec?.rules ?? []).map((r: Obj) => r?.host).filter((h: unknown): h is string => !!h);
  return hs.length ? joinWithMore(hs) : '*';
}

function addresses(i: I): string {
  return (i.status?.loadBalancer?.ingress ?? []).map((x: Obj) => x?.ip || x?.hostname).filter(Boolean).join(',');
}

const IngressBackend = named(
  'io.k8s.api.networking.v1.IngressBackend',
  obj(
    {
      service: opt(
        named(
          'io.k8s.api.networking.v1.IngressServiceBackend',
          obj(
            {
              name: req(Str, 'The referenced service, which must exist in the same namespace as the Ingress object.'),
              port: opt(
                named(
                  'io.k8s.api.networking.v1.ServiceBackendPort',
                  obj({ name: opt(Str, 'The name of the port on the Service; mutually exclusive with number.'), number: opt(Int, 'The numerical port number (e.g. 80) on the Service; mutually exclusive with name.') }, 'The service port being referenced.'),
                ),
                'Port of the referenced service. A port name or port number is required.',
              ),
            },
            'References a Kubernetes Service as a Backend.',
          ),
        ),
        'A referenced Service as a backend; mutually exclusive with resource.',
      ),
      resource: opt(
        named(
          'io.k8s.api.core.v1.TypedLocalObjectReference',
          obj(
            {
              apiGroup: opt(Str, 'The group for the resource being referenced; empty means the core API group.'),
              kind: req(Str, 'The type of resource being referenced.'),
              name: req(Str, 'The name of resource being referenced.'),
            },
            'Enough information to let you locate the typed referenced object inside the same namespace.',
          ),
        ),
        'An ObjectRef to another Kubernetes resource in the namespace of the Ingress; mutually exclusive with service.',
      ),
    },
    'IngressBackend describes all endpoints for a given service and port.',
  ),
);

const HTTPIngressPath = named(
  'io.k8s.api.networking.v1.HTTPIngressPath',
  obj(
    {
      path: opt(Str, "Matched against the path of an incoming request; must begin with '/' unless pathType is ImplementationSpecific."),
      pathType: req(Str, 'How the path is matched: Exact, Prefix or ImplementationSpecific.'),
      backend: req(IngressBackend, 'The referenced service endpoint to which the traffic will be forwarded.'),
    },
    'Associates a path with a backend. Incoming urls matching the path are forwarded to the backend.',
  ),
);

const IngressRule = named(
  'io.k8s.api.networking.v1.IngressRule',
  obj(
    {
      host: opt(Str, 'The fully qualified domain name of a network host, as defined by RFC 3986; a wildcard prefix "*." is allowed.'),
      http: opt(
        named('io.k8s.api.networking.v1.HTTPIngressRuleValue', obj({ paths: req(list(HTTPIngressPath), 'A collection of paths that map requests to backends.') }, 'A list of http selectors pointing to backends.')),
        'HTTP rules: paths that map requests to backends.',
      ),
    },
    'Represents the rules mapping the paths under a specified host to the related backend services.',
  ),
);

const IngressSpec = named(
  'io.k8s.api.networking.v1.IngressSpec',
  obj(
    {
      ingressClassName: opt(Str, 'The name of an IngressClass cluster resource.'),
      defaultBackend: opt(IngressBackend, 'The backend that handles requests that match no rule.'),
      tls: opt(
        list(
          named(
            'io.k8s.api.networking.v1.IngressTLS',
            obj(
              {
                hosts: opt(list(Str), 'Hosts included in the TLS certificate; they must match the names in the secret.'),
                secretName: opt(Str, 'The name of the secret used to terminate TLS traffic on port 443.'),
              },
              'The transport layer security associated with an ingress.',
            ),
          ),
        ),
        'TLS configuration. Currently the Ingress only supports a single TLS port, 443.',
      ),
      rules: opt(list(IngressRule), 'A list of host rules used to configure the Ingress.'),
    },
    'IngressSpec describes the Ingress the user wishes to exist.',
  ),
);

const IngressStatus = named(
  'io.k8s.api.networking.v1.IngressStatus',
  obj({ loadBalancer: opt(loadBalancerStatus('io.k8s.api.networking.v1.Ingress', false), 'The current state of the load-balancer.') }, 'The current state of the Ingress.'),
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
    { spec: IngressSpec, status: IngressStatus },
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
  validateStatus: (o) => loadBalancerStatusErrors((o as I).status?.loadBalancer, 'status.loadBalancer', false),
  generationSource: (o) => (o as I).spec,
});
