import { strict as assert } from 'node:assert';
import type { Job } from '../../lib/api/batch';
import { ttlDecision, type TtlDecision } from './ttl';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const job = (ttl: number | undefined, cond?: { type: string; status?: 'True' | 'False'; at?: string }, deleting = false): Job => ({
  metadata: { name: 'j', namespace: 'd', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { template: { spec: { containers: [] } }, ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }) },
  status: cond ? { conditions: [{ type: cond.type, status: cond.status ?? 'True', lastTransitionTime: cond.at ?? '2026-01-01T00:00:00Z' }] } : {},
});

describe('ttl-after-finished', () => {
  const cases: [string, Job, number, TtlDecision][] = [
    ['no ttl', job(undefined, { type: 'Complete' }), T0 + 1e6, { action: 'none' }],
    ['not finished', job(0, { type: 'SuccessCriteriaMet' }), T0 + 1e6, { action: 'none' }],
    ['a False Complete is not finished', job(0, { type: 'Complete', status: 'False' }), T0 + 1e6, { action: 'none' }],
    ['ttl 0 expires at once', job(0, { type: 'Complete' }), T0, { action: 'delete' }],
    ['failed jobs expire too', job(10, { type: 'Failed' }), T0 + 10_000, { action: 'delete' }],
    ['waits for the rest of the ttl', job(10, { type: 'Complete' }), T0 + 4_000, { action: 'wait', ms: 6_000 }],
    ['a job being deleted is left alone', job(0, { type: 'Complete' }, true), T0, { action: 'none' }],
  ];
  for (const [what, j, now, want] of cases) it(what, () => assert.deepEqual(ttlDecision(j, now), want));
});
