import { strict as assert } from 'node:assert';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../../lib/errors';
import { checkFields, unknownFields } from './field-validation';

const Closed = Type.Object({
  apiVersion: Type.Optional(Type.String()),
  metadata: Type.Optional(Type.Object({ name: Type.String() }, { additionalProperties: true })),
  spec: Type.Optional(Type.Object({
    replicas: Type.Optional(Type.Integer()),
    containers: Type.Optional(Type.Array(Type.Object({ name: Type.String() }))),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
  })),
});

describe('field validation', () => {
  const cases: [string, unknown, string[]][] = [
    ['known fields', { apiVersion: 'v1', spec: { replicas: 1 } }, []],
    ['an unknown spec field', { spec: { foo: 1, replicas: 1 } }, ['spec.foo']],
    ['unknown fields inside list entries', { spec: { containers: [{ name: 'a' }, { name: 'b', bar: 1 }] } }, ['spec.containers[1].bar']],
    ['any key of a map', { spec: { labels: { anything: 'x' } } }, []],
    ['extra fields of an open (partial) schema', { metadata: { name: 'a', uid: 'x' } }, []],
    ['an unknown top-level field', { status2: {} }, ['status2']],
  ];
  for (const [what, obj, want] of cases) it(`finds ${what}`, () => assert.deepEqual(unknownFields(Closed, obj), want));

  it('Strict rejects with 400, Warn returns Warning values and drops, Ignore drops silently', () => {
    assert.throws(() => checkFields(Closed, { spec: { foo: 1 } }, 'Strict'), (e: unknown) => e instanceof ApiError && e.status.code === 400 && /strict decoding error: unknown field "spec.foo"/.test(e.status.message ?? ''));
    const warned = { spec: { foo: 1 } };
    assert.deepEqual(checkFields(Closed, warned, 'Warn'), ['299 - "unknown field \\"spec.foo\\""']);
    assert.deepEqual(warned, { spec: {} });
    const ignored = { spec: { foo: 1, replicas: 2 } };
    assert.deepEqual(checkFields(Closed, ignored, 'Ignore'), []);
    assert.deepEqual(ignored, { spec: { replicas: 2 } });
  });
});
