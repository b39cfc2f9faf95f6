import { strict as assert } from 'node:assert';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../../lib/errors';
import { opaque } from '../resources/schema-builders';
import { applyFieldPolicy, checkFields, decodeStrictError, strictMessages, unknownFields, warningValue, type FieldValidation } from './field-validation';
import { jsonDuplicateFields, type DuplicateField } from './duplicate-fields';
import { decodeBody } from './negotiate';

const Open = { additionalProperties: true } as const;
const Port = Type.Object({ name: Type.Optional(Type.String()), port: Type.Integer() }, Open);
const Schema = Type.Object(
  {
    apiVersion: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), labels: Type.Optional(Type.Record(Type.String(), Type.String())) }, Open)),
    spec: Type.Optional(
      Type.Object(
        {
          replicas: Type.Optional(Type.Integer()),
          containers: Type.Optional(Type.Array(Type.Object({ name: Type.String(), ports: Type.Optional(Type.Array(Port)) }, Open))),
          byName: Type.Optional(Type.Record(Type.String(), Port)),
          anything: Type.Optional(opaque('kept as sent')),
          empty: Type.Optional(Type.Object({}, Open)),
          port: Type.Optional(Type.Union([Type.Integer(), Type.Object({ number: Type.Integer() }, Open), Type.Object({ name: Type.String() }, Open)])),
          matrix: Type.Optional(Type.Array(Type.Array(Port))),
        },
        Open,
      ),
    ),
  },
  Open,
);

describe('field validation', () => {
  const cases: [string, unknown, string[]][] = [
    ['known fields', { apiVersion: 'v1', spec: { replicas: 1 } }, []],
    ['an unknown field of an object with properties (closed even with additionalProperties)', { spec: { foo: 1, replicas: 1 } }, ['spec.foo']],
    ['an unknown top-level field', { status2: {} }, ['status2']],
    ['unknown metadata fields', { metadata: { name: 'a', uid2: 'x' } }, ['metadata.uid2']],
    ['unknown fields inside list entries', { spec: { containers: [{ name: 'a' }, { name: 'b', bar: 1 }] } }, ['spec.containers[1].bar']],
    ['unknown fields deep in lists of lists', { spec: { containers: [{ name: 'a', ports: [{ port: 1 }, { port: 2, x: 1 }] }] } }, ['spec.containers[0].ports[1].x']],
    ['nested arrays', { spec: { matrix: [[{ port: 1 }], [{ port: 2, y: 1 }]] } }, ['spec.matrix[1][0].y']],
    ['any key of a string map', { metadata: { labels: { anything: 'x' } } }, []],
    ['unknown fields of a map value', { spec: { byName: { http: { port: 80 }, dns: { port: 53, z: 1 } } } }, ['spec.byName.dns.z']],
    ['anything below a preserve-unknown subtree', { spec: { anything: { a: { b: [1, { c: 2 }] } } } }, []],
    ['anything in an object that describes no field', { spec: { empty: { x: 1 } } }, []],
    ['a union branch that knows the fields', { spec: { port: { number: 80 } } }, []],
    ['a union branch by name', { spec: { port: { name: 'http' } } }, []],
    ['a union where no branch knows a field', { spec: { port: { number: 80, bogus: 1 } } }, ['spec.port.bogus']],
    ['a scalar where an object is described (the 422 check reports the type)', { spec: 'x' }, []],
    ['several, in document order', { zz: 1, spec: { a: 1, containers: [{ name: 'a', q: 1 }] }, metadata: { m: 1 } }, ['zz', 'spec.a', 'spec.containers[0].q', 'metadata.m']],
  ];
  for (const [what, obj, want] of cases) it(`finds ${what}`, () => assert.deepEqual(unknownFields(Schema, obj), want));

  it('Strict rejects with 400, Warn returns Warning values and drops, Ignore drops silently', () => {
    assert.throws(() => checkFields(Schema, { spec: { foo: 1 } }, 'Strict'), (e: unknown) => e instanceof ApiError && e.status.code === 400 && e.status.message === 'strict decoding error: unknown field "spec.foo"');
    const warned = { spec: { foo: 1 } };
    assert.deepEqual(checkFields(Schema, warned, 'Warn'), ['299 - "unknown field \\"spec.foo\\""']);
    assert.deepEqual(warned, { spec: {} });
    const ignored = { spec: { foo: 1, replicas: 2, containers: [{ name: 'a', x: 1 }] } };
    assert.deepEqual(checkFields(Schema, ignored, 'Ignore'), []);
    assert.deepEqual(ignored, { spec: { replicas: 2, containers: [{ name: 'a' }] } });
  });

  it("words a create/update failure as Kubernetes does, with the kind and version", () => {
    assert.throws(
      () => checkFields(Schema, { spec: { foo: 1 } }, 'Strict', [], decodeStrictError('Deployment', 'apps/v1')),
      (e: unknown) => e instanceof ApiError && e.status.message === 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"',
    );
  });

  it('quotes Warning texts with their inner quotes and backslashes escaped', () => {
    assert.equal(warningValue('duplicate field "a\\b"'), '299 - "duplicate field \\"a\\\\b\\""');
  });
});

describe('duplicate fields', () => {
  const json: [string, string, string[]][] = [
    ['none', '{"a":1,"b":{"a":2},"c":[{"a":1},{"a":1}]}', []],
    ['at the top', '{"a":1,"a":2}', ['a']],
    ['in metadata', '{"metadata":{"name":"x","labels":{},"name":"y"}}', ['metadata.name']],
    ['in list entries', '{"spec":{"containers":[{"name":"a"},{"name":"b","image":"x","image":"y"}]}}', ['spec.containers[1].image']],
    ['in map keys', '{"data":{"k":"1","k":"2"}}', ['data.k']],
    ['after strings holding quotes, braces and commas', '{"a":"x\\"},{\\"a\\":","b":["[,{"],"a":0}', ['a']],
    ['with escaped key spellings', '{"\\u0061":1,"a":2}', ['a']],
    ['with whitespace', '{ "a" : 1 ,\n "b" : [ { "c" : 1 , "c" : 2 } ] }', ['b[0].c']],
    ['in a JSON patch array', '[{"op":"add","op":"replace","path":"/a"}]', ['[0].op']],
    ['several, in document order', '{"s":{"p":1,"p":2},"q":1,"q":2}', ['s.p', 'q']],
  ];
  for (const [what, text, want] of json) {
    it(`JSON: ${what}`, () => {
      assert.deepEqual(jsonDuplicateFields(text).map((d) => d.path), want, 'full scan');
      assert.deepEqual(jsonDuplicateFields(text, JSON.parse(text)).map((d) => d.path), want, 'with the parsed value (fast path)');
    });
  }

  it('JSON: documents nested thousands deep are scanned without recursion', () => {
    const text = `${'{"a":'.repeat(10000)}{"b":1,"b":2}${'}'.repeat(10000)}`;
    const found = jsonDuplicateFields(text, JSON.parse(text));
    assert.equal(found.length, 1);
    assert.equal(found[0].path, `${'a.'.repeat(10000)}b`);
  });

  it('JSON: messages name the full path; the last value wins', () => {
    const found: DuplicateField[] = [];
    const v = decodeBody(Buffer.from('{"spec":{"paused":true,"paused":false}}'), 'json', found);
    assert.deepEqual(v, { spec: { paused: false } });
    assert.deepEqual(found.map((d) => d.message), ['duplicate field "spec.paused"']);
  });

  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n  x: "1"\nspec:\n  containers:\n  - name: c\n    image: i\n    image: j\n';
  it('YAML: line-numbered messages at any depth; the last value wins', () => {
    const found: DuplicateField[] = [];
    const v = decodeBody(Buffer.from(yaml), 'yaml', found) as Record<string, any>;
    assert.equal(v.metadata.name, 'b');
    assert.equal(v.spec.containers[0].image, 'j');
    assert.deepEqual(found.map((d) => d.message), ['line 5: key "name" already set in map', 'line 12: key "image" already set in map']);
    assert.deepEqual(found.map((d) => d.path), ['metadata.name', 'spec.containers[0].image']);
  });

  it('YAML: repeats are accepted silently under Ignore, and are a 400 when no policy applies', () => {
    assert.equal((decodeBody(Buffer.from(yaml), 'yaml', 'ignore') as Record<string, any>).metadata.name, 'b');
    assert.throws(() => decodeBody(Buffer.from(yaml), 'yaml'), (e: unknown) => e instanceof ApiError && e.status.code === 400);
  });

  it('orders YAML repeats first, then unknown fields, then JSON repeats; a repeat within an unknown field counts only as unknown', () => {
    const dups: DuplicateField[] = [
      { path: 'spec.x', message: 'duplicate field "spec.x"' },
      { path: 'spec.bogus', message: 'duplicate field "spec.bogus"' },
      { path: 'spec.bogus.a', message: 'duplicate field "spec.bogus.a"' },
      { path: 'metadata.name', message: 'line 3: key "name" already set in map', line: 3 },
    ];
    assert.deepEqual(strictMessages(['spec.bogus'], dups), ['line 3: key "name" already set in map', 'unknown field "spec.bogus"', 'duplicate field "spec.x"']);
  });

  const policies: [FieldValidation, string[] | 'throws'][] = [
    ['Strict', 'throws'],
    ['Warn', ['299 - "unknown field \\"spec.foo\\""', '299 - "duplicate field \\"spec.replicas\\""']],
    ['Ignore', []],
  ];
  for (const [policy, want] of policies) {
    it(`${policy}: unknown and duplicate fields together`, () => {
      const text = '{"spec":{"replicas":1,"foo":1,"replicas":2}}';
      const found: DuplicateField[] = [];
      const obj = decodeBody(Buffer.from(text), 'json', policy === 'Ignore' ? 'ignore' : found) as Record<string, unknown>;
      if (want === 'throws') {
        assert.throws(
          () => applyFieldPolicy(obj, unknownFields(Schema, obj), found, policy),
          (e: unknown) => e instanceof ApiError && e.status.message === 'strict decoding error: unknown field "spec.foo", duplicate field "spec.replicas"',
        );
        return;
      }
      assert.deepEqual(applyFieldPolicy(obj, unknownFields(Schema, obj), found, policy), want);
      assert.deepEqual(obj, { spec: { replicas: 2 } });
    });
  }
});
