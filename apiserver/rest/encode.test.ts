import { strict as assert } from 'node:assert';
import { encodeResponse, errorOutput, goParseBool, outputOf, prettyRequested } from './encode';

describe('rest response encoding', () => {
  const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'm', reason: 'NotFound', code: 404 };
  it('JSON is Go-compact with a trailing newline; a Status in upstream order', () => {
    assert.deepEqual(encodeResponse(status, { encoding: 'json', pretty: false }), {
      body: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m","reason":"NotFound","code":404}\n',
      contentType: 'application/json',
    });
    assert.equal(encodeResponse({ a: '<' }, { encoding: 'json', pretty: false }).body, '{"a":"\\u003c"}\n');
  });
  it('pretty JSON is indented without a trailing newline', () => {
    assert.equal(encodeResponse({ a: 1 }, { encoding: 'json', pretty: true }).body, '{\n  "a": 1\n}');
  });
  it('raw (nothing negotiable) is indented JSON', () => {
    assert.deepEqual(encodeResponse(status, { raw: true }), {
      body: '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": "m",\n  "reason": "NotFound",\n  "code": 404\n}',
      contentType: 'application/json',
    });
  });
  it('YAML', () => assert.deepEqual(encodeResponse({ a: 1 }, { encoding: 'yaml', pretty: false }), { body: 'a: 1\n', contentType: 'application/yaml' }));

  const bools: [string, boolean | undefined][] = [
    ['1', true], ['t', true], ['T', true], ['TRUE', true], ['true', true], ['True', true],
    ['0', false], ['f', false], ['F', false], ['FALSE', false], ['false', false], ['False', false],
    ['yes', undefined], ['tRuE', undefined], ['', undefined],
  ];
  for (const [v, want] of bools) it(`strconv.ParseBool(${JSON.stringify(v)})`, () => assert.equal(goParseBool(v), want));

  const pretty: [string, string | undefined, boolean][] = [
    ['', undefined, false],
    ['pretty=true', undefined, true],
    ['pretty=True', undefined, true],
    ['pretty=1', undefined, true],
    ['pretty=yes', 'curl/8.0', false],
    ['pretty=false', 'curl/8.0', false],
    ['pretty=', 'curl/8.0', true],
    ['', 'curl/8.0', true],
    ['', 'Wget/1.21', true],
    ['', 'Mozilla/5.0 (X11)', true],
    ['', 'kubectl/v1.32.0', false],
    ['', 'OpenAPI-Generator/36.0.0/python', false],
  ];
  for (const [qs, ua, want] of pretty) it(`pretty for ?${qs} from ${ua ?? 'no agent'}`, () => assert.equal(prettyRequested(new URLSearchParams(qs), ua), want));

  it('pretty applies to JSON only', () => {
    assert.deepEqual(outputOf({ encoding: 'yaml', pretty: true }, true), { encoding: 'yaml', pretty: false });
    assert.deepEqual(outputOf({ encoding: 'json', pretty: true }, false), { encoding: 'json', pretty: true });
  });
  it('errors: conversions dropped, raw when nothing is left', () => {
    assert.deepEqual(errorOutput('application/json;as=Table;v=v1;g=meta.k8s.io,application/json', false), { encoding: 'json', pretty: false });
    assert.deepEqual(errorOutput('application/json;as=Table;v=v1;g=meta.k8s.io', false), { raw: true });
    assert.deepEqual(errorOutput(undefined, true), { encoding: 'json', pretty: true });
  });
});
