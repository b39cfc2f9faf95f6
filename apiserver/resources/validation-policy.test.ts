import assert from 'node:assert/strict';
import { pdbSpecErrors, pdbStatusErrors } from './validation-policy';

describe('PodDisruptionBudget validation', () => {
  const spec: [string, Record<string, unknown>, string[]][] = [
    ['minAvailable count', { minAvailable: 2, selector: { matchLabels: { app: 'a' } } }, []],
    ['maxUnavailable percent', { maxUnavailable: '25%' }, []],
    ['empty spec', {}, []],
    ['both set', { minAvailable: 1, maxUnavailable: 1 }, ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set']],
    ['negative count', { minAvailable: -1 }, ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']],
    ['not a percent', { maxUnavailable: 'half' }, ["spec.maxUnavailable: Invalid value: half: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]],
    ['over 100%', { minAvailable: '150%' }, ['spec.minAvailable: Invalid value: 150%: must not be greater than 100%']],
    ['bad selector operator', { selector: { matchExpressions: [{ key: 'a', operator: 'Like' }] } }, ['spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator']],
    ['unknown eviction policy', { unhealthyPodEvictionPolicy: 'Never' }, ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"']],
    ['AlwaysAllow', { unhealthyPodEvictionPolicy: 'AlwaysAllow' }, []],
  ];
  for (const [title, s, want] of spec) {
    it(`spec: ${title}`, () => assert.deepEqual(pdbSpecErrors(s).map((e) => `${e.field}: ${e.message}`), want));
  }

  const cond = (o: Record<string, unknown> = {}) => ({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', lastTransitionTime: '2026-01-01T00:00:00Z', ...o });
  const status: [string, Record<string, unknown>, string[]][] = [
    ['counters and a condition', { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, conditions: [cond()] }, []],
    ['negative counter', { disruptionsAllowed: -1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }, ['status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0']],
    ['condition without reason or time', { conditions: [cond({ reason: '', lastTransitionTime: undefined })] }, ['status.conditions[0].lastTransitionTime: Required value: must be set', 'status.conditions[0].reason: Required value: must be set']],
    ['bad status', { conditions: [cond({ status: 'Yes' })] }, ['status.conditions[0].status: Unsupported value: "Yes": supported values: "False", "True", "Unknown"']],
    ['duplicate type', { conditions: [cond(), cond()] }, ['status.conditions[1].type: Duplicate value: "DisruptionAllowed"']],
    ['reason with a space', { conditions: [cond({ reason: 'Not ok' })] }, [
      "status.conditions[0].reason: Invalid value: \"Not ok\": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
    ]],
  ];
  for (const [title, st, want] of status) {
    it(`status: ${title}`, () => assert.deepEqual(pdbStatusErrors(st).map((e) => `${e.field}: ${e.message}`), want));
  }
});
