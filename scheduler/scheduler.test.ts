import assert from 'node:assert/strict';
import type { KEvent, Pod } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import { FakeApiClient } from '../test/fixtures/client/fake-client';
import { mkNode, mkPod } from '../test/fixtures/scheduler/objects';
import { needsScheduling, Scheduler, unschedulableCondition } from './scheduler';

const waitFor = async (cond: () => boolean, what = 'condition') => {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `${what} not reached`);
};

describe('scheduler', () => {
  it('needsScheduling', () => {
    assert.equal(needsScheduling(mkPod('a'), 'default-scheduler'), true);
    assert.equal(needsScheduling(mkPod('a', { nodeName: 'n' }), 'default-scheduler'), false);
    const other = mkPod('a');
    other.spec.schedulerName = 'other';
    assert.equal(needsScheduling(other, 'default-scheduler'), false);
    const deleting = mkPod('a');
    deleting.metadata.deletionTimestamp = 'x';
    assert.equal(needsScheduling(deleting, 'default-scheduler'), false);
  });

  it('unschedulableCondition writes only on a difference', () => {
    const pod = mkPod('a');
    const c = unschedulableCondition(pod, 'm', 't')!;
    assert.equal(c[0].reason, 'Unschedulable');
    pod.status!.conditions = c;
    assert.equal(unschedulableCondition(pod, 'm', 't2'), undefined);
  });

  it('binds pods, never double-books, and retries when a node frees up', async () => {
    const client = new FakeApiClient();
    client.seed(Resources.nodes, mkNode('n1', { cpu: '1' }));
    client.seed(Resources.nodes, mkNode('n2', { cpu: '1' }));
    for (const n of ['a', 'b', 'c']) client.seed(Resources.pods, mkPod(n, { cpu: '600m' }));
    const s = new Scheduler({ client, initialBackoffMs: 60_000 });
    await s.start();
    try {
      const bound = () => client.all<Pod>(Resources.pods).filter((p) => p.spec.nodeName);
      await waitFor(() => bound().length === 2, 'two bindings');
      assert.deepEqual(bound().map((p) => p.spec.nodeName).sort(), ['n1', 'n2']);
      const events = () => client.all<KEvent>(Resources.events, 'default');
      await waitFor(() => events().some((e) => e.reason === 'FailedScheduling'), 'FailedScheduling event');
      const failed = events().find((e) => e.reason === 'FailedScheduling')!;
      assert.equal(failed.message, '0/2 nodes are available: 2 Insufficient cpu.');
      assert.equal(failed.type, 'Warning');
      assert.equal(events().filter((e) => e.reason === 'Scheduled').length, 2);
      const waiting = client.all<Pod>(Resources.pods).find((p) => !p.spec.nodeName)!;
      await waitFor(() => client.peek<Pod>(Resources.pods, 'default', waiting.metadata.name!)?.status?.conditions?.[0]?.reason === 'Unschedulable');
      // Adding a node retries the waiting pod at once instead of after its 60s backoff.
      client.seed(Resources.nodes, mkNode('n3', { cpu: '1' }));
      await waitFor(() => bound().length === 3, 'third binding');
      assert.equal(client.peek<Pod>(Resources.pods, 'default', waiting.metadata.name!)!.spec.nodeName, 'n3');
    } finally {
      await s.stop();
    }
  });
});
