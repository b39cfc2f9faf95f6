import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { controllerrevisions } from './controller-revisions';
import { schemaErrors } from '../registry/schema-check';

const base = (extra: Record<string, unknown> = {}): KObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name: 'agent-5d4f', namespace: 'default' },
    data: { spec: { template: { $patch: 'replace' } } },
    revision: 1,
    ...extra,
  }) as KObject;

const check = (o: KObject, old?: KObject) =>
  [...schemaErrors(controllerrevisions.schema, o), ...(controllerrevisions.validate?.(o) ?? []), ...(old ? controllerrevisions.validateUpdate!(o, old) : [])].map(
    (e) => `${e.reason} ${e.field}: ${e.message}`,
  );

describe('controllerrevisions', () => {
  const cases: [string, KObject, KObject | undefined, string[]][] = [
    ['valid', base(), undefined, []],
    ['revision 0 is valid', base({ revision: 0 }), undefined, []],
    ['data is mandatory', base({ data: undefined }), undefined, ['FieldValueRequired data: Required value: data is mandatory']],
    ['null data is missing data', base({ data: null }), undefined, ['FieldValueRequired data: Required value: data is mandatory']],
    ['negative revision', base({ revision: -1 }), undefined, ['FieldValueInvalid revision: Invalid value: -1: must be greater than or equal to 0']],
    ['data is immutable', base({ data: { spec: {} } }), base(), ['FieldValueInvalid data: Invalid value: {"spec":{}}: field is immutable']],
    ['the revision number may change', base({ revision: 5 }), base(), []],
  ];
  for (const [title, o, old, want] of cases) it(title, () => assert.deepEqual(check(o, old), want));

  it('prints NAME CONTROLLER REVISION AGE as kubectl does', () => {
    const o = base({ revision: 2 });
    o.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }];
    assert.deepEqual(controllerrevisions.printerColumns.map((c) => c.name), ['Name', 'Controller', 'Revision', 'Age']);
    assert.deepEqual(controllerrevisions.printRow(o).slice(0, 3), ['agent-5d4f', 'daemonset.apps/agent', 2]);
    assert.equal(controllerrevisions.printRow(base())[1], '<none>');
  });
});
