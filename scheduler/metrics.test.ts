import assert from 'node:assert/strict';
import type { Pod } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import { FakeApiClient } from '../test/fixtures/client/fake-client';
import { mkNode, mkPod } from '../test/fixtures/scheduler/objects';
import { ATTEMPT_BUCKETS, SchedulerMetrics } from './metrics';
import { Scheduler } from './scheduler';

const waitFor = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `${what} not reached`);
};

describe('scheduler metrics', () => {
  it('attempt buckets are kube-scheduler\'s: 1 ms doubling, 15 of them', () => {
    assert.equal(ATTEMPT_BUCKETS.length, 15);
    assert.equal(ATTEMPT_BUCKETS[0], 0.001);
    assert.equal(ATTEMPT_BUCKETS[14], 0.001 * 2 ** 14);
  });

  it('counts attempts and their latency by result and profile; pending pods', async () => {
    const client = new FakeApiClient();
    client.seed(Resources.nodes, mkNode('n1', { cpu: '1' }));
    for (const n of ['a', 'b']) client.seed(Resources.pods, mkPod(n, { cpu: '600m' }));
    const metrics = new SchedulerMetrics();
    const s = new Scheduler({ client, metrics, initialBackoffMs: 60_000 });
    await s.start();
    try {
      const scheduled = { result: 'scheduled', profile: 'default-scheduler' };
      const unschedulable = { result: 'unschedulable', profile: 'default-scheduler' };
      // One pod fits; the other is retried when its own status update comes back, so it may count more than once.
      await waitFor(() => metrics.attempts.get(scheduled) === 1 && metrics.attempts.get(unschedulable) >= 1, 'one bound, one unschedulable');
      await s.stop();
      assert.equal(client.all<Pod>(Resources.pods).filter((p) => p.spec.nodeName).length, 1);
      const failures = metrics.attempts.get(unschedulable);
      assert.equal(metrics.attemptDuration.count(scheduled), 1);
      assert.equal(metrics.attemptDuration.count(unschedulable), failures);
      const text = metrics.registry.render();
      assert.match(text, /^scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} 1$/m);
      assert.match(text, new RegExp(`^scheduler_scheduling_attempt_duration_seconds_bucket\\{result="unschedulable",profile="default-scheduler",le="\\+Inf"\\} ${failures}$`, 'm'));
      assert.match(text, /^# TYPE scheduler_pending_pods gauge$/m);
    } finally {
      await s.stop();
    }
  });
});
