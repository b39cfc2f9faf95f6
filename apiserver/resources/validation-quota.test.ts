import assert from 'node:assert/strict';
import { defaultLimitRangeItem, limitRangeSpecErrors, resourceQuotaSpecErrors } from './validation-quota';
import { priorityClassErrors, priorityclasses } from './priority-classes';
import { quotaCells } from './quotas';
import type { KObject } from '../../lib/api/types';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

describe('ResourceQuota validation', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['standard names and counts', { hard: { pods: '10', 'requests.cpu': '1', 'count/deployments.apps': '2', 'requests.nvidia.com/gpu': '1' } }, []],
    ['a negative quantity', { hard: { 'limits.memory': '-1Gi' } }, ['spec.hard[limits.memory]: Invalid value: "-1Gi": must be greater than or equal to 0']],
    ['a fractional count', { hard: { pods: '1.5' } }, ['spec.hard[pods]: Invalid value: 1500m: must be an integer']],
    ['an unknown bare name', { hard: { gpus: '1' } }, ['spec.hard[gpus]: Invalid value: "gpus": must be a standard resource for quota']],
    ['an unknown scope', { hard: { pods: '1' }, scopes: ['Sometimes'] }, ['spec.scopes: Invalid value: ["Sometimes"]: unsupported scope']],
    ['conflicting scopes', { hard: { pods: '1' }, scopes: ['BestEffort', 'NotBestEffort'] }, ['spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: conflicting scopes']],
    ['BestEffort on compute', { hard: { 'requests.cpu': '1', 'count/pods': '1' }, scopes: ['BestEffort'] }, ['spec.scopes: Invalid value: ["BestEffort"]: unsupported scope applied to resource']],
    ['services under a scope', { hard: { pods: '5', services: '2' }, scopes: ['NotTerminating'] }, ['spec.scopes: Invalid value: ["NotTerminating"]: unsupported scope applied to resource']],
  ];
  for (const [name, spec, want] of cases) it(name, () => assert.deepEqual(msgs(resourceQuotaSpecErrors(spec)), want));

  it('prints REQUEST and LIMIT as kubectl does', () => {
    const q = { metadata: { name: 'q' }, status: { hard: { pods: '2', 'limits.cpu': '2', 'requests.cpu': '1' }, used: { pods: '1', 'requests.cpu': '500m' } } } as unknown as KObject;
    assert.deepEqual(quotaCells(q), ['pods: 1/2, requests.cpu: 500m/1', 'limits.cpu: 0/2']);
  });
});

describe('LimitRange validation and defaults', () => {
  it('defaults a Container item: default from max, default request from default then min', () => {
    const it1: Record<string, any> = { type: 'Container', max: { cpu: '2' }, min: { memory: '10Mi' }, default: { memory: '100Mi' } };
    defaultLimitRangeItem(it1);
    assert.deepEqual(it1.default, { memory: '100Mi', cpu: '2' });
    assert.deepEqual(it1.defaultRequest, { memory: '100Mi', cpu: '2' });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a good item', { limits: [{ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' }, default: { cpu: '500m' }, defaultRequest: { cpu: '200m' } }] }, []],
    ['min above max', { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] }, ['spec.limits[0].min[cpu]: Invalid value: 2: min value 2 is greater than max value 1']],
    ['default above max', { limits: [{ type: 'Container', max: { cpu: '1' }, default: { cpu: '2' } }] }, ['spec.limits[0].default[cpu]: Invalid value: 2: default value 2 is greater than max value 1']],
    ['defaults on a Pod item', { limits: [{ type: 'Pod', default: { cpu: '1' } }] }, ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"]],
    ['a claim item without storage', { limits: [{ type: 'PersistentVolumeClaim', max: { cpu: '1' } }] }, ['spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided']],
    ['a duplicate type', { limits: [{ type: 'Pod' }, { type: 'Pod' }] }, ['spec.limits[1].type: Duplicate value: "Pod"']],
    ['a ratio below 1', { limits: [{ type: 'Container', maxLimitRequestRatio: { cpu: '500m' } }] }, ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: 500m: ratio 500m is less than 1']],
  ];
  for (const [name, spec, want] of cases) it(name, () => assert.deepEqual(msgs(limitRangeSpecErrors(spec)), want));
});

describe('PriorityClass validation', () => {
  const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ metadata: { name }, value, ...extra }) as unknown as KObject;
  const cases: [string, KObject, string[]][] = [
    ['a user class', pc('high', 1000), []],
    ['a system class as it is', pc('system-node-critical', 2000001000), []],
    ['too high for a user', pc('huge', 1_000_000_001), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
    ['a reserved name', pc('system-mine', 5), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"]],
    ['a system class with another value', pc('system-cluster-critical', 5), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000"]],
    ['a bad preemption policy', pc('p', 1, { preemptionPolicy: 'Sometimes' }), ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "Never", "PreemptLowerPriority"']],
  ];
  for (const [name, o, want] of cases) it(name, () => assert.deepEqual(msgs(priorityClassErrors(o)), want));

  it('forbids changing value and preemption policy', () => {
    const old = pc('p', 1, { preemptionPolicy: 'Never' });
    assert.deepEqual(msgs(priorityclasses.validateUpdate!(pc('p', 2, { preemptionPolicy: 'PreemptLowerPriority' }), old)), [
      'value: Forbidden: may not be changed in an update.',
      'preemptionPolicy: Invalid value: "PreemptLowerPriority": field is immutable',
    ]);
  });
});
