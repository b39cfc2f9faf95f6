// ReplicationController: upstream's defaulting (selector and labels from the template, replicas 1),
// ValidateReplicationControllerSpec's causes, kubectl's columns and the Scale's selector string.
import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { replicationcontrollers as rcs } from './index';
import { schemaErrors } from '../registry/schema-check';
import { scaleOf } from '../registry/subresources';
import { unknownFields } from '../rest/field-validation';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const tmpl = (labels: Record<string, string> | null = { app: 'web' }, spec: Record<string, unknown> = {}) => ({
  metadata: labels ? { labels } : {},
  spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }], ...spec },
});
const rc = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'web', namespace: 'default', ...(labels ? { labels } : {}) },
  spec,
});

function defaulted(input: object): any {
  const o = clone(input) as KObject;
  rcs.defaults!(o);
  rcs.prepareForCreate!(o);
  return o;
}

/** Defaults, then schema and semantic validation as the registry runs them: "field: message". */
function check(input: object): string[] {
  const o = clone(input) as KObject;
  rcs.defaults!(o);
  return [...schemaErrors(rcs.schema, o), ...rcs.validate!(o)].map((e) => `${e.field}: ${e.message}`);
}

describe('replicationcontrollers: the kind', () => {
  it('is served as upstream serves it', () => {
    assert.deepEqual(
      [rcs.apiVersion, rcs.kind, rcs.listKind, rcs.resource, rcs.singular, rcs.namespaced, rcs.shortNames, rcs.categories, rcs.subresources],
      ['v1', 'ReplicationController', 'ReplicationControllerList', 'replicationcontrollers', 'replicationcontroller', true, ['rc'], ['all'], ['status', 'scale']],
    );
    assert.ok(rcs.generationSource, 'spec changes bump metadata.generation');
  });

  const defaults: [string, object, (o: any) => unknown, unknown][] = [
    ['selector from the template labels', rc({ template: tmpl() }), (o) => o.spec.selector, { app: 'web' }],
    ['object labels from the template labels', rc({ template: tmpl() }), (o) => o.metadata.labels, { app: 'web' }],
    ['given selector and labels are kept', rc({ selector: { app: 'web' }, template: tmpl({ app: 'web', tier: 'fe' }) }, { team: 'a' }), (o) => [o.spec.selector, o.metadata.labels], [{ app: 'web' }, { team: 'a' }]],
    ['an empty selector is defaulted too', rc({ selector: {}, template: tmpl() }), (o) => o.spec.selector, { app: 'web' }],
    ['replicas 1, minReadySeconds 0', rc({ template: tmpl() }), (o) => [o.spec.replicas, o.spec.minReadySeconds], [1, 0]],
    ['replicas 0 is kept', rc({ replicas: 0, template: tmpl() }), (o) => o.spec.replicas, 0],
    ['the pod template is defaulted', rc({ template: tmpl() }), (o) => [o.spec.template.spec.restartPolicy, o.spec.template.spec.dnsPolicy], ['Always', 'ClusterFirst']],
    ['no template labels: nothing to default from', rc({ template: tmpl(null) }), (o) => [o.spec.selector, o.metadata.labels], [undefined, undefined]],
    ['status starts at zero replicas', rc({ template: tmpl() }), (o) => o.status, { replicas: 0 }],
  ];
  for (const [name, input, pick, want] of defaults) it(`defaults: ${name}`, () => assert.deepEqual(pick(defaulted(input)), want));

  const validation: [string, object, string[]][] = [
    ['valid', rc({ template: tmpl() }), []],
    ['selector not matching the template', rc({ selector: { app: 'db' }, template: tmpl() }), ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
    ['no selector and no template labels', rc({ template: tmpl(null) }), ['spec.selector: Required value']],
    ['no template', rc({ selector: { app: 'web' } }), ['spec.template: Required value']],
    ['negative replicas', rc({ replicas: -1, template: tmpl() }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['negative minReadySeconds', rc({ minReadySeconds: -2, template: tmpl() }), ['spec.minReadySeconds: Invalid value: -2: must be greater than or equal to 0']],
    ['restartPolicy Never', rc({ template: tmpl({ app: 'web' }, { restartPolicy: 'Never' }) }), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['activeDeadlineSeconds', rc({ template: tmpl({ app: 'web' }, { activeDeadlineSeconds: 5 }) }), ['spec.template.spec.activeDeadlineSeconds: Invalid value: 5: must not be specified']],
    ['bad selector label', rc({ selector: { 'a b': 'x' }, template: tmpl({ 'a b': 'x' }) }), ['spec.template.labels: Invalid value: "a b": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')']],
    ['template pod spec is validated', rc({ template: tmpl({ app: 'web' }, { containers: [] }) }), ['spec.template.spec.containers: Required value']],
  ];
  for (const [name, input, want] of validation) it(`validates: ${name}`, () => assert.deepEqual(check(input), want));

  it('strict field validation names unknown fields at every depth', () => {
    const o = rc({ replica: 2, selector: { app: 'web' }, template: tmpl() }) as any;
    o.spec.template.spec.containers[0].imag = 'x';
    o.status = { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', bogus: 1 }] };
    assert.deepEqual(unknownFields(rcs.schema, o).sort(), ['spec.replica', 'spec.template.spec.containers[0].imag', 'status.conditions[0].bogus']);
  });

  it('the selector may change on update (unlike a ReplicaSet)', () => {
    assert.equal(rcs.validateUpdate, undefined);
  });

  it('status counters are not negative', () => {
    const o = defaulted(rc({ template: tmpl() }));
    o.status = { replicas: -1, readyReplicas: 0 };
    assert.deepEqual(rcs.validateStatus!(o).map((e) => e.field), ['status.replicas']);
  });

  it('prints DESIRED CURRENT READY AGE, and CONTAINERS IMAGES SELECTOR wide', () => {
    const o = defaulted(rc({ replicas: 3, selector: { tier: 'fe', app: 'web' }, template: tmpl({ app: 'web', tier: 'fe' }) }));
    o.metadata.creationTimestamp = new Date(Date.now() - 90_000).toISOString();
    o.status = { replicas: 2, readyReplicas: 1 };
    assert.deepEqual(rcs.printerColumns.map((c) => [c.name, c.priority]), [['Name', 0], ['Desired', 0], ['Current', 0], ['Ready', 0], ['Age', 0], ['Containers', 1], ['Images', 1], ['Selector', 1]]);
    assert.deepEqual(rcs.printRow(o), ['web', 3, 2, 1, '90s', 'web', 'k8ts/web:1.0', 'app=web,tier=fe']);
  });

  it('selects by status.replicas', () => {
    assert.equal(rcs.fieldSelectors['status.replicas']({ ...defaulted(rc({ template: tmpl() })), status: { replicas: 4 } }), '4');
  });

  it("the Scale's selector is the map as a label selector string", () => {
    const o = defaulted(rc({ replicas: 2, selector: { tier: 'fe', app: 'web' }, template: tmpl({ app: 'web', tier: 'fe' }) }));
    const scale = scaleOf(o);
    assert.deepEqual([scale.kind, scale.spec.replicas, scale.status], ['Scale', 2, { replicas: 0, selector: 'app=web,tier=fe' }]);
  });
});
