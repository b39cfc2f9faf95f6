import { strict as assert } from 'node:assert';
import { ApiError } from '../../lib/errors';
import { bodyKind, decodeBody, encodeBody, negotiate } from './negotiate';

const code = (fn: () => unknown): number => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  return 0;
};

describe('content negotiation', () => {
  const accepts: [string | undefined, { encoding: string; table: boolean } | number][] = [
    [undefined, { encoding: 'json', table: false }],
    ['application/json', { encoding: 'json', table: false }],
    ['*/*', { encoding: 'json', table: false }],
    ['application/yaml', { encoding: 'yaml', table: false }],
    // kubectl get
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', { encoding: 'json', table: true }],
    // only v1beta1 tables: fall through to plain JSON
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', { encoding: 'json', table: false }],
    // kubectl discovery: aggregated first, legacy JSON as fallback
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', { encoding: 'json', table: false }],
    // typed clients prefer protobuf and accept JSON
    ['application/vnd.kubernetes.protobuf,application/json', { encoding: 'json', table: false }],
    ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 406],
    ['application/vnd.kubernetes.protobuf', 406],
    ['text/html', 406],
  ];
  for (const [h, want] of accepts) {
    it(`Accept: ${h ?? '<none>'}`, () => {
      if (typeof want === 'number') assert.equal(code(() => negotiate(h)), want);
      else {
        const f = negotiate(h);
        assert.equal(f.encoding, want.encoding);
        assert.equal(f.table, want.table);
      }
    });
  }

  const bodies: [string | undefined, 'create' | 'update' | 'patch', unknown][] = [
    [undefined, 'create', { kind: 'object', encoding: 'json' }],
    ['application/json; charset=utf-8', 'create', { kind: 'object', encoding: 'json' }],
    ['application/yaml', 'create', { kind: 'object', encoding: 'yaml' }],
    ['application/merge-patch+json', 'patch', { kind: 'patch', patchType: 'merge' }],
    ['application/json-patch+json', 'patch', { kind: 'patch', patchType: 'json' }],
    ['application/strategic-merge-patch+json', 'patch', { kind: 'patch', patchType: 'strategic' }],
    ['application/apply-patch+yaml', 'patch', 415],
    ['application/json', 'patch', 415],
    ['application/vnd.kubernetes.protobuf', 'create', { kind: 'object', encoding: 'protobuf' }],
    ['application/vnd.kubernetes.protobuf', 'update', 415],
  ];
  for (const [ct, verb, want] of bodies) {
    it(`Content-Type ${ct ?? '<none>'} for ${verb}`, () => {
      if (typeof want === 'number') assert.equal(code(() => bodyKind(ct, verb)), want);
      else assert.deepEqual(bodyKind(ct, verb), want);
    });
  }

  it('decodes JSON and YAML bodies', () => {
    assert.deepEqual(decodeBody(Buffer.from('{"a":1}'), 'json'), { a: 1 });
    assert.deepEqual(decodeBody(Buffer.from('a: 1\nb: [x]\n'), 'yaml'), { a: 1, b: ['x'] });
  });
  const malformed: [string, 'json' | 'yaml'][] = [
    ['{"a":', 'json'],
    ['not json', 'json'],
    ['a: [1, 2\n', 'yaml'],
    ['a: 1\n---\nb: 2\n', 'yaml'],
    ['key: "unterminated\n', 'yaml'],
  ];
  for (const [text, enc] of malformed) it(`rejects malformed ${enc}: ${JSON.stringify(text)}`, () => assert.equal(code(() => decodeBody(Buffer.from(text), enc)), 400));

  it('encodes JSON and YAML', () => {
    assert.deepEqual(encodeBody({ a: 1 }, 'json'), { body: '{"a":1}', contentType: 'application/json' });
    assert.deepEqual(encodeBody({ a: 1 }, 'yaml'), { body: 'a: 1\n', contentType: 'application/yaml' });
  });
});
