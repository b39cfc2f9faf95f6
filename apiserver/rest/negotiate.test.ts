import { strict as assert } from 'node:assert';
import { ApiError } from '../../lib/errors';
import { bodyKind, decodeBody, negotiate, negotiateOutput, type Transform } from './negotiate';

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
  type Want = { encoding: 'json' | 'yaml'; pretty?: boolean; transform?: Transform } | 406;
  const POM = (version: 'v1' | 'v1beta1' = 'v1'): Transform => ({ kind: 'PartialObjectMetadata', version });
  const POML = (version: 'v1' | 'v1beta1' = 'v1'): Transform => ({ kind: 'PartialObjectMetadataList', version });
  const TABLE = (version: 'v1' | 'v1beta1' = 'v1'): Transform => ({ kind: 'Table', version });
  const accepts: [string | undefined, Want][] = [
    [undefined, { encoding: 'json' }],
    ['', { encoding: 'json' }],
    ['application/json', { encoding: 'json' }],
    ['*/*', { encoding: 'json' }],
    ['*', { encoding: 'json' }],
    ['application/*', { encoding: 'json' }],
    ['application/yaml', { encoding: 'yaml' }],
    // only what kube-apiserver serves, matched as written
    ['text/yaml', 406],
    ['Application/JSON', 406],
    ['text/html', 406],
    ['application/vnd.kubernetes.protobuf', 406],
    // typed clients prefer protobuf and accept JSON
    ['application/vnd.kubernetes.protobuf,application/json', { encoding: 'json' }],
    // kubectl get
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', { encoding: 'json', transform: TABLE() }],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', { encoding: 'json', transform: TABLE('v1beta1') }],
    ['application/yaml;as=Table;v=v1;g=meta.k8s.io', { encoding: 'yaml', transform: TABLE() }],
    ['application/json;as=Table', 406],
    ['application/json;as=Table;g=meta.k8s.io;v=v2', 406],
    // kubectl discovery: aggregated first, legacy JSON as fallback
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', { encoding: 'json' }],
    // metadata-only forms: client-go's metadata client (list, then watch and get) and by hand
    ['application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json', { encoding: 'json', transform: POML() }],
    ['application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json', { encoding: 'json', transform: POM() }],
    ['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1', { encoding: 'json', transform: POML() }],
    ['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1', { encoding: 'json', transform: POML('v1beta1') }],
    ['application/yaml;as=PartialObjectMetadata;g=meta.k8s.io;v=v1', { encoding: 'yaml', transform: POM() }],
    ['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v2', 406],
    ['application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v2,application/json', { encoding: 'json' }],
    ['application/json;as=Pod;g=;v=v1', 406],
    // ordering: q-values first, then concrete types before wildcards, else the client's order
    ['application/yaml;q=0.5,application/json', { encoding: 'json' }],
    ['application/json;q=0.1,application/yaml;q=0.9', { encoding: 'yaml' }],
    ['*/*,application/yaml', { encoding: 'yaml' }],
    ['application/yaml,application/json', { encoding: 'yaml' }],
    ['application/json;q=bogus,application/yaml;q=0.1', { encoding: 'yaml' }],
    ['application/json;q=0', { encoding: 'json' }],
    // parameters
    ['application/json;stream=watch', { encoding: 'json' }],
    ['application/yaml;stream=watch,application/json', { encoding: 'json' }],
    ['application/json;stream=other', 406],
    ['application/json;pretty=1', { encoding: 'json', pretty: true }],
    ['application/json;pretty=true', { encoding: 'json' }],
    ['application/json;sv=v1', { encoding: 'json' }],
    ['application/json;sv=v2', 406],
    ['application/json;charset=utf-8', { encoding: 'json' }],
    [' application/json ; as=PartialObjectMetadataList ; g=meta.k8s.io ; v=v1 ', { encoding: 'json', transform: POML() }],
  ];
  for (const [h, want] of accepts) {
    it(`Accept: ${h ?? '<none>'}`, () => {
      if (want === 406) return assert.equal(code(() => negotiate(h)), 406);
      assert.deepEqual(negotiate(h), { encoding: want.encoding, pretty: want.pretty ?? false, ...(want.transform ? { transform: want.transform } : {}) });
    });
  }

  // Errors allow no conversion: a Table-only header leaves nothing (written as raw JSON then).
  const forErrors: [string, string | undefined][] = [
    ['application/json;as=Table;v=v1;g=meta.k8s.io', undefined],
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json', 'json'],
    ['application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/yaml', 'yaml'],
    ['text/html', undefined],
  ];
  for (const [h, want] of forErrors) it(`error bodies for Accept: ${h}`, () => assert.equal(negotiateOutput(h, 'none')?.encoding, want));

  it('406 names the served media types as kube-apiserver words it', () => {
    assert.throws(() => negotiate('text/html'), (e: unknown) => e instanceof ApiError && e.status.message === 'only the following media types are accepted: application/json, application/yaml');
  });

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
    ['application/vnd.kubernetes.protobuf', 'update', { kind: 'object', encoding: 'protobuf' }],
    ['text/plain', 'create', 415],
  ];
  it('415 lists what the verb accepts, as kube-apiserver words it', () => {
    const msg = (ct: string, verb: 'create' | 'update' | 'patch') => {
      try {
        bodyKind(ct, verb);
      } catch (e) {
        return (e as ApiError).status.message;
      }
      return undefined;
    };
    assert.equal(msg('text/plain', 'create'), 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    assert.equal(msg('text/plain', 'update'), 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    assert.equal(msg('application/json', 'patch'), 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json');
  });
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

});
