import assert from 'node:assert/strict';
import { affinity, labelSelector, nodeSelector, topologySpreadConstraints } from './validation-selectors';
import type { FieldError } from './field-errors';

const pairs = (errs: FieldError[]) => errs.map((e) => [e.field, e.message]);
const VALUE_RE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('validation-selectors', () => {
  const selectors: [string, unknown, [string, Msg][]][] = [
    ['matchLabels', { matchLabels: { app: 'web' } }, []],
    ['all operators', { matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }, { key: 'b', operator: 'NotIn', values: ['y'] }, { key: 'c', operator: 'Exists' }, { key: 'd', operator: 'DoesNotExist' }] }, []],
    ['bad label value in matchLabels', { matchLabels: { app: 'a b' } }, [['s.matchLabels', `Invalid value: "a b": ${VALUE_RE}`]]],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In' }] }, [['s.matchExpressions[0].values', "Required value: must be specified when `operator` is 'In' or 'NotIn'"]]],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, [['s.matchExpressions[0].values', "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]]],
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, [['s.matchExpressions[0].operator', 'Invalid value: "Gt": not a valid selector operator']]],
    ['operator case matters', { matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }, [['s.matchExpressions[0].operator', 'Invalid value: "in": not a valid selector operator']]],
    ['bad key', { matchExpressions: [{ key: 'a b', operator: 'Exists' }] }, [['s.matchExpressions[0].key', expect('name part must consist')]]],
    ['bad value in values', { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', '-bad'] }] }, [['s.matchExpressions[0].values[1]', `Invalid value: "-bad": ${VALUE_RE}`]]],
  ];
  for (const [name, sel, want] of selectors) it(`label selector: ${name}`, () => match(pairs(labelSelector(sel, 's')), want));

  it('node selectors need terms and know Gt/Lt and field selectors', () => {
    match(pairs(nodeSelector({}, 'n')), [['n.nodeSelectorTerms', 'Required value: must have at least one node selector term']]);
    match(pairs(nodeSelector({ nodeSelectorTerms: [{ matchExpressions: [{ key: 'cpu', operator: 'Gt', values: ['4', '8'] }] }] }, 'n')), [
      ['n.nodeSelectorTerms[0].matchExpressions[0].values', "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"],
    ]);
    match(pairs(nodeSelector({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['a', 'b'] }] }] }, 'n')), [
      ['n.nodeSelectorTerms[0].matchFields[0].values', "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector"],
      ['n.nodeSelectorTerms[0].matchFields[0].key', 'Invalid value: "metadata.uid": not a valid field selector key'],
    ]);
    match(pairs(nodeSelector({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['Node_1'] }] }] }, 'n')), [
      ['n.nodeSelectorTerms[0].matchFields[0].values[0]', expect('a lowercase RFC 1123 subdomain')],
    ]);
  });

  it('affinity weights, pod terms and preferred node terms', () => {
    const a = {
      nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [{ key: 'k', operator: 'In', values: ['not valid'] }] } }] },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'x' } }, topologyKey: '' }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: { topologyKey: 'zone', namespaces: ['Bad_NS'] } }] },
    };
    match(pairs(affinity(a, 'a')), [
      ['a.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', 'Invalid value: 0: must be in the range 1-100'],
      ['a.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', 'Required value: can not be empty'],
      ['a.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', expect('name part must be non-empty')],
      ['a.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', expect('name part must consist')],
      ['a.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', 'Invalid value: 101: must be in the range 1-100'],
      ['a.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.namespace', expect('a lowercase RFC 1123 label')],
    ]);
  });

  it('topology spread constraints', () => {
    const good = { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, minDomains: 2 };
    assert.deepEqual(topologySpreadConstraints([good], 't'), []);
    match(pairs(topologySpreadConstraints([{ ...good, maxSkew: 0, whenUnsatisfiable: 'Maybe', minDomains: 1, nodeTaintsPolicy: 'Sometimes' }, good, good], 't')), [
      ['t[0].maxSkew', 'Invalid value: 0: must be greater than zero'],
      ['t[0].whenUnsatisfiable', 'Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"'],
      ['t[0].minDomains', 'Invalid value: 1: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not Maybe'],
      ['t[0].nodeTaintsPolicy', 'Unsupported value: "Sometimes": supported values: "Honor", "Ignore"'],
      ['t[1].{topologyKey, whenUnsatisfiable}', 'Duplicate value: "{zone, DoNotSchedule}"'],
    ]);
  });
});

type Msg = string | { test(s: string): boolean };
function expect(part: string): Msg {
  return { test: (s: string) => s.includes(part) };
}
function match(got: string[][], want: [string, Msg][]) {
  assert.equal(got.length, want.length, JSON.stringify(got, null, 1));
  want.forEach(([f, m], i) => {
    assert.equal(got[i][0], f);
    if (typeof m === 'string') assert.equal(got[i][1], m);
    else assert.ok(m.test(got[i][1]), got[i][1]);
  });
}
