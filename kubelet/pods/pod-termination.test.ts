import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { abandonsSync, isTerminating } from './pod-termination';

const pod = (deleting = false): Pod => ({
  metadata: { name: 'p', namespace: 'd', uid: 'u', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [] },
});

describe('pod termination during a sync', () => {
  it('knows a terminating pod: gone, or with a deletionTimestamp', () => {
    assert.equal(isTerminating(undefined), true);
    assert.equal(isTerminating(pod(true)), true);
    assert.equal(isTerminating(pod()), false);
  });

  it('abandons a start once the pod is deleted or marked for deletion, never a teardown', () => {
    const cases: [string, Pod, Pod | undefined, boolean][] = [
      ['start, pod unchanged', pod(), pod(), false],
      ['start, deletionTimestamp set', pod(), pod(true), true],
      ['start, pod removed from the API', pod(), undefined, true],
      ['teardown, still terminating', pod(true), pod(true), false],
      ['teardown, pod removed meanwhile', pod(true), undefined, false],
    ];
    for (const [what, syncing, latest, want] of cases) assert.equal(abandonsSync(syncing, latest), want, what);
  });
});
