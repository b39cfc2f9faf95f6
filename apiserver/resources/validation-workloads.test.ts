import assert from 'node:assert/strict';
import { daemonSetRules, deploymentRules, intOrPercent, statefulSetRules, statusCounters } from './validation-workloads';

const msgs = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const PCT = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
const RU = 'spec.strategy.rollingUpdate';

describe('validation-workloads', () => {
  const values: [unknown, string[]][] = [
    [0, []], [3, []], ['25%', []], ['0%', []],
    [-1, ['f: Invalid value: -1: must be greater than or equal to 0']],
    ['25', [`f: Invalid value: 25: ${PCT}`]], ['10x', [`f: Invalid value: 10x: ${PCT}`]], ['-5%', [`f: Invalid value: -5%: ${PCT}`]],
  ];
  for (const [v, want] of values) it(`int or percent ${JSON.stringify(v)}`, () => assert.deepEqual(msgs(intOrPercent(v, 'f')), want));

  const deployments: [string, Record<string, unknown>, string[]][] = [
    ['defaults', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, progressDeadlineSeconds: 600, minReadySeconds: 0 }, []],
    ['both zero', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }, [`${RU}.maxUnavailable: Invalid value: 0%: may not be 0 when \`maxSurge\` is 0`]],
    ['over 100%', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '101%' } } }, [`${RU}.maxUnavailable: Invalid value: 101%: must not be greater than 100%`]],
    ['bad surge', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots', maxUnavailable: 1 } } }, [`${RU}.maxSurge: Invalid value: lots: ${PCT}`]],
    ['recreate with rolling update', { strategy: { type: 'Recreate', rollingUpdate: {} } }, ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
    ['unknown strategy', { strategy: { type: 'BlueGreen' } }, ['spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"']],
    ['deadline not above minReadySeconds', { progressDeadlineSeconds: 10, minReadySeconds: 10 }, ['spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds']],
    ['negative history', { revisionHistoryLimit: -1 }, ['spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
  ];
  for (const [name, spec, want] of deployments) it(`deployment: ${name}`, () => assert.deepEqual(msgs(deploymentRules(spec)), want));

  const daemonsets: [string, Record<string, unknown>, string[]][] = [
    ['defaults', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } }, []],
    ['surge and unavailable', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } }, ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']],
    ['both zero', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }, ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
    ['surge over 100%', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '120%' } } }, ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 120%: must not be greater than 100%']],
    ['OnDelete', { updateStrategy: { type: 'OnDelete' } }, []],
  ];
  for (const [name, spec, want] of daemonsets) it(`daemonset: ${name}`, () => assert.deepEqual(msgs(daemonSetRules(spec)), want));

  const statefulsets: [string, Record<string, unknown>, string[]][] = [
    ['defaults', { podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } }, []],
    ['negative partition', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }, ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0']],
    ['zero maxUnavailable', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } } }, ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0']],
    ['OnDelete with rolling update', { updateStrategy: { type: 'OnDelete', rollingUpdate: {} } }, ["spec.updateStrategy.rollingUpdate: Invalid value: {}: only allowed for updateStrategy 'RollingUpdate'"]],
    ['pod policy', { podManagementPolicy: 'Random' }, ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]],
    ['ordinals', { ordinals: { start: -2 } }, ['spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0']],
    ['retention', { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' } }, ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"']],
  ];
  for (const [name, spec, want] of statefulsets) it(`statefulset: ${name}`, () => assert.deepEqual(msgs(statefulSetRules(spec)), want));

  it('status counters are not negative', () => {
    assert.deepEqual(msgs(statusCounters({ replicas: 3, readyReplicas: -1 }, ['replicas', 'readyReplicas'])), ['status.readyReplicas: Invalid value: -1: must be greater than or equal to 0']);
  });
});
