import assert from 'node:assert/strict';
import { containerResourceName, nodeResources, podResourceName, resourceDivisor, resourceRequirements } from './validation-quantity';
import type { FieldError } from './field-errors';

const QRE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const pairs = (errs: FieldError[]) => errs.map((e) => [e.field, e.message]);
const P = 'spec.containers[0].resources';
type Msg = string | { test(s: string): boolean };
/** A message only partly fixed by the table. */
const expect = { stringContaining: (s: string): Msg => ({ test: (v: string) => v.includes(s) }) };

describe('validation-quantity', () => {
  const requirements: [string, unknown, [string, Msg][]][] = [
    ['valid cpu and memory', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } }, []],
    ['numbers are quantities too', { requests: { cpu: 0.5 }, limits: { cpu: 1 } }, []],
    ['request equal to limit', { requests: { cpu: '1' }, limits: { cpu: '1000m' } }, []],
    ['unparseable request', { requests: { cpu: 'abc' } }, [[`${P}.requests[cpu]`, `Invalid value: "abc": ${QRE}`]]],
    ['unparseable limit', { limits: { memory: '12xyz' } }, [[`${P}.limits[memory]`, `Invalid value: "12xyz": ${QRE}`]]],
    ['bad suffix', { limits: { memory: '1K' } }, [[`${P}.limits[memory]`, 'Invalid value: "1K": unable to parse quantity\'s suffix']]],
    ['numeric part', { limits: { memory: 'e-10' } }, [[`${P}.limits[memory]`, 'Invalid value: "e-10": unable to parse numeric part of quantity']]],
    ['negative', { requests: { cpu: '-1' } }, [[`${P}.requests[cpu]`, 'Invalid value: "-1": must be greater than or equal to 0']]],
    ['negative printed canonically', { requests: { memory: '-1.5Gi' } }, [[`${P}.requests[memory]`, 'Invalid value: "-1536Mi": must be greater than or equal to 0']]],
    ['request above limit', { requests: { cpu: '2' }, limits: { cpu: '1500m' } }, [[`${P}.requests`, 'Invalid value: "2": must be less than or equal to cpu limit of 1500m']]],
    ['memory request above limit', { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } }, [[`${P}.requests`, 'Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi']]],
    ['unknown standard name', { limits: { gpu: '1' } }, [
      [`${P}.limits[gpu]`, 'Invalid value: "gpu": must be a standard resource type or fully qualified'],
      [`${P}.limits[gpu]`, 'Invalid value: "gpu": must be a standard resource for containers'],
    ]],
    ['standard but not for containers', { limits: { pods: '1' } }, [[`${P}.limits[pods]`, 'Invalid value: "pods": must be a standard resource for containers']]],
    ['bad qualified name', { limits: { 'example.com/-x': '1' } }, [
      [`${P}.limits[example.com/-x]`, expect.stringContaining('name part must consist')],
      [`${P}.limits[example.com/-x]`, 'Invalid value: "example.com/-x": doesn\'t follow extended resource name standard'],
    ]],
    ['extended resource valid', { requests: { 'example.com/gpu': '2' }, limits: { 'example.com/gpu': '2' } }, []],
    ['extended resource not whole', { requests: { 'example.com/gpu': '1.5' }, limits: { 'example.com/gpu': '1.5' } }, [
      [`${P}.limits[example.com/gpu]`, 'Invalid value: 1500m: must be an integer'],
      [`${P}.requests[example.com/gpu]`, 'Invalid value: 1500m: must be an integer'],
    ]],
    ['extended request below limit', { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } }, [[`${P}.requests`, 'Invalid value: "1": must be equal to example.com/gpu limit of 2']]],
    ['extended request without limit', { requests: { 'example.com/gpu': '1' } }, [[`${P}.limits`, 'Required value: Limit must be set for non overcommitable resources']]],
    ['hugepages multiple of page size', { requests: { 'hugepages-2Mi': '4Mi', memory: '1Gi' }, limits: { 'hugepages-2Mi': '4Mi', memory: '1Gi' } }, []],
    ['hugepages not a multiple', { limits: { 'hugepages-2Mi': '3Mi', memory: '1Gi' } }, [[`${P}.limits[hugepages-2Mi]`, 'Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi']]],
    ['hugepages alone', { limits: { 'hugepages-2Mi': '2Mi' } }, [[P, 'Forbidden: HugePages require cpu or memory']]],
    ['kubernetes.io prefixed names are native', { limits: { 'kubernetes.io/foo': '1' } }, []],
    ['requests. prefix is not an extended resource', { limits: { 'requests.example.com/x': '1' } }, [
      [`${P}.limits[requests.example.com/x]`, 'Invalid value: "requests.example.com/x": doesn\'t follow extended resource name standard'],
    ]],
  ];
  for (const [name, res, want] of requirements)
    it(name, () => {
      const got = pairs(resourceRequirements(res, P, containerResourceName));
      assert.equal(got.length, want.length, JSON.stringify(got));
      want.forEach(([f, m], i) => {
        assert.equal(got[i][0], f);
        if (typeof m === 'string') assert.equal(got[i][1], m);
        else assert.ok((m as { test(s: string): boolean }).test(got[i][1]), got[i][1]);
      });
    });

  it('checks claim references against the pod resource claims', () => {
    const errs = resourceRequirements({ claims: [{ name: 'gpu' }, { name: 'other' }, {}, { name: 'gpu' }] }, P, containerResourceName, new Set(['gpu']));
    assert.deepEqual(pairs(errs), [
      [`${P}.claims[1]`, 'Not found: "other": must be one of the names in pod.spec.resourceClaims: gpu'],
      [`${P}.claims[2]`, 'Required value'],
      [`${P}.claims[3]`, 'Duplicate value: "gpu"'],
    ]);
  });

  it('allows only cpu and memory at pod level', () => {
    assert.deepEqual(podResourceName('spec.resources.limits[cpu]', 'cpu'), []);
    assert.deepEqual(pairs(podResourceName('spec.resources.limits[ephemeral-storage]', 'ephemeral-storage')), [
      ['spec.resources.limits[ephemeral-storage]', 'Unsupported value: "ephemeral-storage": supported values: "cpu", "memory"'],
    ]);
  });

  it('validates node capacity at status.capacity.<name>', () => {
    assert.deepEqual(nodeResources('status.capacity', { cpu: '4', memory: '8Gi', pods: '110', 'hugepages-2Mi': '0' }), []);
    assert.deepEqual(pairs(nodeResources('status.capacity', { cpu: 'four', pods: '1.5', memory: '-1' })), [
      ['status.capacity.cpu', `Invalid value: "four": ${QRE}`],
      ['status.capacity.pods', 'Invalid value: 1500m: must be an integer'],
      ['status.capacity.memory', 'Invalid value: "-1": must be greater than or equal to 0'],
    ]);
  });

  const divisors: [string, unknown, string[]][] = [
    ['limits.cpu', '1m', []], ['limits.cpu', '1', []], ['limits.cpu', '0.001', []], ['requests.cpu', 0, []],
    ['limits.cpu', '1e-3', ["Invalid value: \"limits.cpu\": only divisor's values 1m and 1 are supported with the cpu resource"]],
    ['limits.cpu', '10m', ["Invalid value: \"limits.cpu\": only divisor's values 1m and 1 are supported with the cpu resource"]],
    ['limits.memory', '1Mi', []], ['limits.memory', '1000', []], ['limits.memory', '1024', [
      "Invalid value: \"limits.memory\": only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource",
    ]],
    ['limits.ephemeral-storage', '2Gi', [
      "Invalid value: \"limits.ephemeral-storage\": only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
    ]],
    ['requests.hugepages-2Mi', '3', [
      "Invalid value: \"requests.hugepages-2Mi\": only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource",
    ]],
    ['limits.cpu', 'x', [`Invalid value: "x": ${QRE}`]],
  ];
  for (const [res, div, want] of divisors)
    it(`divisor ${String(div)} for ${res}`, () => assert.deepEqual(resourceDivisor(res, div, 'f').map((e) => e.message), want));
});
