import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { matchPodFailurePolicy, type PodFailurePolicy } from './pod-failure-policy';

const pod = (codes: Record<string, number>, conditions: { type: string; status: 'True' | 'False' }[] = []): Pod => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: [] },
  status: {
    phase: 'Failed',
    conditions,
    containerStatuses: Object.entries(codes).map(([name, exitCode]) => ({ name, state: { terminated: { exitCode } }, ready: false, restartCount: 0, image: '', imageID: '' })),
  },
});

describe('podFailurePolicy', () => {
  const policy: PodFailurePolicy = {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
      { action: 'FailIndex', onExitCodes: { operator: 'In', values: [2] } },
    ],
  };
  const cases: [string, Pod, ReturnType<typeof matchPodFailurePolicy>][] = [
    ['a disruption is ignored', pod({ main: 137 }, [{ type: 'DisruptionTarget', status: 'True' }]), { action: 'Ignore', countFailed: false }],
    ['a False condition does not match', pod({ main: 1 }, [{ type: 'DisruptionTarget', status: 'False' }]), { countFailed: true }],
    ['exit 42 of main fails the job', pod({ main: 42 }), { action: 'FailJob', countFailed: true, message: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1' }],
    ['exit 42 of another container is not FailJob', pod({ side: 42 }), { action: 'Count', countFailed: true }],
    ['exit 2 fails the index', pod({ main: 2 }), { action: 'FailIndex', countFailed: true }],
    ['exit 1 matches nothing', pod({ main: 1 }), { countFailed: true }],
    ['exit 0 is never matched', pod({ main: 0 }), { countFailed: true }],
  ];
  for (const [what, p, want] of cases) it(what, () => assert.deepEqual(matchPodFailurePolicy(policy, p), want));

  it('without a policy every failure counts', () => assert.deepEqual(matchPodFailurePolicy(undefined, pod({ main: 1 })), { countFailed: true }));
  it('skips rules with an unknown action', () =>
    assert.deepEqual(matchPodFailurePolicy({ rules: [{ action: 'Later', onExitCodes: { operator: 'In', values: [1] } }] }, pod({ main: 1 })), { countFailed: true }));
});
