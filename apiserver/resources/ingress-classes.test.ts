import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { ingressclasses } from './ingress-classes';

const ic = (spec: Record<string, unknown>): KObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'k8ts' }, spec });
const fields = (errs: { field: string; reason: string }[]) => errs.map((e) => `${e.reason} ${e.field}`);

describe('IngressClass', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a controller name', { controller: 'k8ts.io/ingress' }, []],
    ['cluster-scoped parameters', { controller: 'k8ts.io/ingress', parameters: { kind: 'Params', name: 'p', scope: 'Cluster' } }, []],
    ['namespaced parameters', { controller: 'k8ts.io/ingress', parameters: { apiGroup: 'k8ts.io', kind: 'Params', name: 'p', scope: 'Namespace', namespace: 'web' } }, []],
    ['no controller', {}, ['FieldValueRequired spec.controller']],
    ['a controller without a domain', { controller: 'ingress' }, ['FieldValueInvalid spec.controller']],
    ['a controller with a bad domain', { controller: 'Not_A_Domain/x' }, ['FieldValueInvalid spec.controller']],
    ['a controller too long', { controller: `k8ts.io/${'x'.repeat(250)}` }, ['FieldValueTooLong spec.controller']],
    ['parameters without kind and name', { controller: 'k8ts.io/ingress', parameters: {} }, ['FieldValueRequired spec.parameters.kind', 'FieldValueRequired spec.parameters.name']],
    ['Namespace scope without namespace', { controller: 'k8ts.io/ingress', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } }, ['FieldValueRequired spec.parameters.namespace']],
    ['Cluster scope with a namespace', { controller: 'k8ts.io/ingress', parameters: { kind: 'P', name: 'p', scope: 'Cluster', namespace: 'web' } }, ['FieldValueForbidden spec.parameters.namespace']],
    ['an unknown scope', { controller: 'k8ts.io/ingress', parameters: { kind: 'P', name: 'p', scope: 'Galaxy' } }, ['FieldValueNotSupported spec.parameters.scope']],
  ];
  for (const [name, spec, want] of cases) it(`validates ${name}`, () => assert.deepEqual(fields(ingressclasses.validate!(ic(spec))), want));

  it('defaults the parameters scope to Cluster', () => {
    const o = ic({ controller: 'k8ts.io/ingress', parameters: { kind: 'P', name: 'p' } });
    ingressclasses.defaults!(o);
    assert.equal((o.spec as { parameters: { scope: string } }).parameters.scope, 'Cluster');
  });

  it('keeps the controller fixed after creation', () => {
    assert.deepEqual(fields(ingressclasses.validateUpdate!(ic({ controller: 'k8ts.io/other' }), ic({ controller: 'k8ts.io/ingress' }))), ['FieldValueInvalid spec.controller']);
    assert.deepEqual(ingressclasses.validateUpdate!(ic({ controller: 'k8ts.io/ingress', parameters: { kind: 'P', name: 'q' } }), ic({ controller: 'k8ts.io/ingress' })), []);
  });

  it('prints the controller and parameters columns', () => {
    const row = ingressclasses.printRow(ic({ controller: 'k8ts.io/ingress', parameters: { apiGroup: 'k8ts.io', kind: 'Params', name: 'p' } }));
    assert.deepEqual(row.slice(0, 3), ['k8ts', 'k8ts.io/ingress', 'Params.k8ts.io/p']);
  });
});
