import assert from 'node:assert/strict';
import {
  annotations, configMapKeyErrors, dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors, envVarNameErrors, httpHeaderNameErrors, labels,
  labelValueErrors, percentErrors, portNameErrors, qualifiedNameErrors, wildcardDns1123SubdomainErrors,
} from './validation-names';

const LABEL_RE = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_RE = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type Case = [string, string[]];
function table(name: string, fn: (v: string) => string[], cases: Case[]) {
  describe(name, () => {
    for (const [v, want] of cases) it(`${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)} → ${want.length ? want.map((w) => w.slice(0, 40)).join(' | ') : 'valid'}`, () => assert.deepEqual(fn(v), want));
  });
}

describe('validation-names', () => {
  table('IsDNS1123Label', dns1123LabelErrors, [
    ['web', []], ['a-1', []], ['0abc', []], ['a'.repeat(63), []],
    ['Web', [LABEL_RE]], ['-a', [LABEL_RE]], ['a-', [LABEL_RE]], ['a_b', [LABEL_RE]], ['', [LABEL_RE]],
    ['a.b', ['must not contain dots']], ['a'.repeat(64), ['must be no more than 63 characters']], ['ü', [LABEL_RE]],
  ]);
  table('IsDNS1123Subdomain', dns1123SubdomainErrors, [
    ['example.com', []], ['a.b-c.d', []], ['a', []],
    ['a..b', [SUBDOMAIN_RE]], ['.a', [SUBDOMAIN_RE]], ['A.b', [SUBDOMAIN_RE]], ['a_b.c', [SUBDOMAIN_RE]],
    ['a'.repeat(254), ['must be no more than 253 characters']], [`${'a'.repeat(254)}_`, ['must be no more than 253 characters', SUBDOMAIN_RE]],
  ]);
  table('IsDNS1035Label', dns1035LabelErrors, [
    ['web', []], ['a1', []],
    ['1web', ["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]],
  ]);
  table('IsWildcardDNS1123Subdomain', wildcardDns1123SubdomainErrors, [
    ['*.example.com', []],
    ['*example.com', ["a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
  ]);
  table('IsQualifiedName', qualifiedNameErrors, [
    ['app', []], ['app.kubernetes.io/name', []], ['MyName', []], ['a_b.c-d', []], ['example.com/a', []],
    ['-bad', [NAME_PART]], ['/a', ['prefix part must be non-empty']], ['a/', ['name part must be non-empty', NAME_PART]],
    ['Example.com/a', [`prefix part ${SUBDOMAIN_RE}`]], [`a/${'b'.repeat(64)}`, ['name part must be no more than 63 characters']],
    ['a/b/c', ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
  ]);
  table('IsValidLabelValue', labelValueErrors, [
    ['', []], ['web', []], ['1.0_a-b', []], ['has space', [VALUE_RE]], ['-a', [VALUE_RE]], ['x'.repeat(64), ['must be no more than 63 characters']],
  ]);
  table('IsConfigMapKey', configMapKeyErrors, [
    ['key.name', []], ['KEY_NAME', []], ['.a', []], ['..', ["must not be '..'"]], ['.', ["must not be '.'"]], ['..a', ["must not start with '..'"]],
    ['a/b', ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
  ]);
  table('IsRelaxedEnvVarName (1.32)', envVarNameErrors, [
    ['PATH', []], ['1ABC', []], ['my.var-name', []], ['a b', []], ['A$B', []],
    ['A=B', ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    ['Ä', ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    ['A\tB', ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    ['', ['environment variable name must be non-empty']],
  ]);
  table('IsValidPortName', portNameErrors, [
    ['http', []], ['h2c-1', []],
    ['8080', ['must contain at least one letter (a-z)']],
    ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
    ['a--b', ['must not contain consecutive hyphens']], ['-ab', ['must not begin or end with a hyphen']],
    ['abcdefghijklmnop', ['must be no more than 15 characters']],
    ['', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
  ]);
  table('IsValidPercent', percentErrors, [
    ['25%', []], ['0%', []],
    ['25', ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]],
    ['1.5%', ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]],
  ]);
  table('IsHTTPHeaderName', httpHeaderNameErrors, [
    ['X-Probe', []], ['X Probe', ["a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"]],
  ]);

  it('reports labels at the map path with the key or value as the bad value', () => {
    assert.deepEqual(labels('metadata.labels', { '-bad': 'ok', good: 'not ok' }), [
      { reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "-bad": ${NAME_PART}` },
      { reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "not ok": ${VALUE_RE}` },
    ]);
  });
  it('checks annotation keys case-insensitively and their total size in bytes', () => {
    assert.deepEqual(annotations('metadata.annotations', { 'Example.COM/Owner': 'x' }), []);
    assert.deepEqual(annotations('metadata.annotations', { a: 'ü'.repeat(131072) }), [
      { reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' },
    ]);
    assert.deepEqual(annotations('metadata.annotations', { a: 'x'.repeat(262143) }), []);
    assert.equal(annotations('metadata.annotations', { 'a b': 'x' })[0].field, 'metadata.annotations');
  });
});
