// networking.k8s.io/v1 IngressClass (cluster-scoped): which controller implements a class of
// Ingresses (spec.controller, fixed after creation) and its optional parameters reference. The
// default class carries the annotation ingressclass.kubernetes.io/is-default-class: "true"
// (kubectl shows no marker for it, as upstream). The k8ts ingress controller (ingress/) reads these.
import type { KObject } from '../../lib/api/types';
import { defineResource, col, objAge, NAME_COLUMN, AGE_COLUMN } from './common';
import { kindSchema, Str, obj, opt, req } from './schemas';
import { dns1123Subdomain, eachInvalid, forbidden, immutable, invalid, notSupported, required, tooLong, type FieldError } from './validation';
import { dns1123SubdomainErrors } from './validation-names';

type Obj = Record<string, any>;
type IC = KObject & { spec?: Obj };

const MAX_CONTROLLER_LENGTH = 250;
const SCOPES = ['Cluster', 'Namespace'];

/** IsDomainPrefixedPath: "example.com/anything" with a DNS subdomain before the first slash. */
function domainPrefixedPathErrors(field: string, v: string): FieldError[] {
  const slash = v.indexOf('/');
  if (slash < 0) return [invalid(field, v, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const host = v.slice(0, slash);
  const rest = v.slice(slash + 1);
  const errs = eachInvalid(field, host, dns1123SubdomainErrors(host));
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]*$/.test(rest)) errs.push(invalid(field, rest, 'segment must have only valid path characters'));
  return errs;
}

function parametersErrors(p: Obj | undefined): FieldError[] {
  if (!p) return [];
  const errs: FieldError[] = [];
  if (!p.kind) errs.push(required('spec.parameters.kind'));
  if (!p.name) errs.push(required('spec.parameters.name'));
  if (p.scope !== undefined && !SCOPES.includes(p.scope)) errs.push(notSupported('spec.parameters.scope', p.scope, SCOPES));
  if (p.scope === 'Namespace') {
    if (!p.namespace) errs.push(required('spec.parameters.namespace', '`parameters.scope` is set to "Namespace"'));
    else errs.push(...dns1123Subdomain('spec.parameters.namespace', String(p.namespace)));
  } else if (p.namespace !== undefined) errs.push(forbidden('spec.parameters.namespace', '`parameters.scope` is set to "Cluster"'));
  return errs;
}

function validate(o: KObject): FieldError[] {
  const spec = (o as IC).spec ?? {};
  const errs: FieldError[] = [];
  const controller = spec.controller === undefined ? '' : String(spec.controller);
  if (!controller) errs.push(required('spec.controller'));
  else if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(tooLong('spec.controller', MAX_CONTROLLER_LENGTH));
  else errs.push(...domainPrefixedPathErrors('spec.controller', controller));
  return [...errs, ...parametersErrors(spec.parameters)];
}

export const ingressclasses = defineResource({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  resource: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  shortNames: [],
  schema: kindSchema(
    {
      spec: opt(
        obj(
          {
            controller: opt(Str, 'The name of the controller that should handle this class, a domain-prefixed path such as "k8ts.io/ingress". Immutable.'),
            parameters: opt(
              obj(
                {
                  apiGroup: opt(Str, 'The group for the resource being referenced; empty means the core API group.'),
                  kind: req(Str, 'The type of resource being referenced.'),
                  name: req(Str, 'The name of resource being referenced.'),
                  namespace: opt(Str, 'The namespace of the resource; required when scope is "Namespace", unset when "Cluster".'),
                  scope: opt(Str, 'Whether the resource is cluster- or namespace-scoped: Cluster (default) or Namespace.'),
                },
                'A link to a custom resource containing additional configuration for the controller.',
              ),
              'A link to a custom resource containing additional configuration for the controller.',
            ),
          },
          'IngressClassSpec provides information about the class of an Ingress.',
        ),
        'The IngressClass configuration.',
      ),
    },
    'IngressClass represents the class of the Ingress, referenced by the Ingress Spec.',
  ),
  printerColumns: [
    NAME_COLUMN,
    col('Controller', 'string', 'Controller refers to the name of the controller that should handle this class.'),
    col('Parameters', 'string', 'Parameters is a link to a custom resource containing additional configuration for the controller.'),
    AGE_COLUMN,
  ],
  printRow: (o) => {
    const ic = o as IC;
    const p = ic.spec?.parameters;
    return [ic.metadata.name, ic.spec?.controller ?? '', p ? `${p.apiGroup ? `${p.kind}.${p.apiGroup}` : p.kind}/${p.name}` : '<none>', objAge(ic)];
  },
  defaults: (o) => {
    const p = (o as IC).spec?.parameters;
    if (p) p.scope ??= 'Cluster';
  },
  validate,
  validateUpdate: (o, old) => {
    const a = (old as IC).spec?.controller;
    const b = (o as IC).spec?.controller;
    return a === b ? [] : [immutable('spec.controller', b)];
  },
});
