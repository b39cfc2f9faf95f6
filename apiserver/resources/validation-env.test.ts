import assert from 'node:assert/strict';
import { env, envFrom, ENV_FIELD_PATHS, fieldRef, resourceFieldRef, VOLUME_FIELD_PATHS } from './validation-env';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const ENV_LIST = '"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"';

describe('validation-env', () => {
  const vars: [string, unknown, string[]][] = [
    ['plain', { name: 'A', value: 'b' }, []],
    ['relaxed name (1.32)', { name: '1-a.b', value: 'x' }, []],
    ['name with =', { name: 'A=B' }, ["e[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    ['missing name', { value: 'x' }, ['e[0].name: Required value']],
    ['fieldRef', { name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }, []],
    ['fieldRef label subscript', { name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['app']" } } }, []],
    ['fieldRef unsupported path', { name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.phase' } } }, [`e[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: ${ENV_LIST}`]],
    ['fieldRef unknown path', { name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.bogus' } } }, ['e[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.bogus": error converting fieldPath: field label not supported: spec.bogus']],
    ['fieldRef subscript on name', { name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.name['x']" } } }, ['e[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.name[\'x\']": error converting fieldPath: field label does not support subscript: metadata.name[\'x\']']],
    ['fieldRef bad label key', { name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['a b']" } } }, ['e[0].valueFrom.fieldRef: Invalid value: "a b": name part must consist']],
    ['fieldRef version', { name: 'N', valueFrom: { fieldRef: { apiVersion: 'v2', fieldPath: 'metadata.name' } } }, ['e[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.name": error converting fieldPath: unsupported pod version: v2']],
    ['resourceFieldRef', { name: 'C', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } }, []],
    ['resourceFieldRef unknown resource', { name: 'C', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }, ['e[0].valueFrom.resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"']],
    ['resourceFieldRef bad divisor', { name: 'C', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '2' } } }, ["e[0].valueFrom.resourceFieldRef.divisor: Invalid value: \"limits.cpu\": only divisor's values 1m and 1 are supported with the cpu resource"]],
    ['configMapKeyRef bad key', { name: 'K', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a/b' } } }, ['e[0].valueFrom.configMapKeyRef.key: Invalid value: "a/b": a valid config key']],
    ['secretKeyRef bad name', { name: 'K', valueFrom: { secretKeyRef: { name: 'Bad_Name', key: 'k' } } }, ['e[0].valueFrom.secretKeyRef.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain']],
    ['no source', { name: 'K', valueFrom: {} }, ['e[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`']],
    ['source and value', { name: 'K', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }, ['e[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty']],
    ['two sources', { name: 'K', valueFrom: { secretKeyRef: { name: 's', key: 'k' }, configMapKeyRef: { name: 'c', key: 'k' } } }, ['e[0].valueFrom: Invalid value: "": may not have more than one field specified at a time']],
  ];
  for (const [name, v, want] of vars)
    it(`env: ${name}`, () => {
      const got = msgs(env([v], 'e'));
      assert.equal(got.length, want.length, got.join('\n'));
      want.forEach((w, i) => assert.ok(got[i].startsWith(w), got[i]));
    });

  it('envFrom: prefix, one source, names (a trailing dash allowed as a prefix)', () => {
    assert.deepEqual(envFrom([{ prefix: 'CFG_', configMapRef: { name: 'web-' } }], 'f'), []);
    assert.deepEqual(msgs(envFrom([{ prefix: 'A=' , secretRef: { name: 's' } }, {}], 'f')), [
      "f[0].prefix: Invalid value: \"A=\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      'f: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
    ]);
  });

  it('volume downward API fields and container names', () => {
    assert.ok(VOLUME_FIELD_PATHS.includes('metadata.labels') && !ENV_FIELD_PATHS.includes('metadata.labels'));
    assert.deepEqual(fieldRef({ apiVersion: 'v1', fieldPath: 'metadata.labels' }, VOLUME_FIELD_PATHS, 'f'), []);
    assert.deepEqual(msgs(resourceFieldRef({ resource: 'limits.cpu' }, 'r', true)), ['r.containerName: Required value']);
  });
});
