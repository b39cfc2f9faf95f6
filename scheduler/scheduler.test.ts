import assert from 'node:assert/strict';
import type { KEvent, Pod } from '../lib/api/types';
import { Resources } from '../lib/api/resources';
import { FakeApiClient } from '../test/fixtures/client/fake-client';
import { processMetrics } from '../lib/metrics/prometheus';
import { mkNode, mkPod } from '../test/fixtures/scheduler/objects';
import { needsScheduling } from './cluster-events';
import { Scheduler, unschedulableCondition } from './scheduler';

const waitFor = async (cond: () => boolean, what = 'condition') => {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `${what} not reached`);
};

describe('scheduler', () => {
  it('needsScheduling', () => {
    assert.equal(needsScheduling(mkPod('a'), new Set(['default-scheduler'])), true);
    assert.equal(needsScheduling(mkPod('a', { nodeName: 'n' }), new Set(['default-scheduler'])), false);
    const other = mkPod('a');
    other.spec.schedulerName = 'other';
    assert.equal(needsScheduling(other, new Set(['default-scheduler'])), false);
    const deleting = mkPod('a');
    deleting.metadata.deletionTimestamp = 'x';
    assert.equal(needsScheduling(deleting, new Set(['default-scheduler'])), false);
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
    // A short backoff: without a cluster event an unschedulable pod would still wait 5 minutes.
    const s = new Scheduler({ client, initialBackoffMs: 100, maxBackoffMs: 100 });
    await s.start();
    try {
      const bound = () => client.all<Pod>(Resources.pods).filter((p) => p.spec.nodeName);
      await waitFor(() => bound().length === 2, 'two bindings');
      assert.deepEqual(bound().map((p) => p.spec.nodeName).sort(), ['n1', 'n2']);
      const events = () => client.all<KEvent>(Resources.events, 'default');
      await waitFor(() => events().some((e) => e.reason === 'FailedScheduling'), 'FailedScheduling event');
      const failed = events().find((e) => e.reason === 'FailedScheduling')!;
      assert.equal(failed.message, '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
      assert.equal(failed.type, 'Warning');
      assert.equal(events().filter((e) => e.reason === 'Scheduled').length, 2);
      const waiting = client.all<Pod>(Resources.pods).find((p) => !p.spec.nodeName)!;
      await waitFor(() => client.peek<Pod>(Resources.pods, 'default', waiting.metadata.name!)?.status?.conditions?.[0]?.reason === 'Unschedulable');
      // Adding a node retries the waiting pod (NodeResourcesFit registered node additions).
      client.seed(Resources.nodes, mkNode('n3', { cpu: '1' }));
      await waitFor(() => bound().length === 3, 'third binding');
      assert.equal(client.peek<Pod>(Resources.pods, 'default', waiting.metadata.name!)!.spec.nodeName, 'n3');
    } finally {
      await s.stop();
    }
  });

  it('keeps scheduling every other pod around pods and nodes it cannot read', async () => {
    const client = new FakeApiClient();
    client.seed(Resources.nodes, mkNode('n1', { cpu: '2' }));
    client.seed(Resources.nodes, mkNode('broken-node', { cpu: 'lots' }));
    // The poison: a bound pod whose memory does not parse, beside an unbound one.
    client.seed(Resources.pods, mkPod('bound-bad', { nodeName: 'n1', memory: '12xyz' }));
    client.seed(Resources.pods, mkPod('unbound-bad', { cpu: 'abc' }));
    for (const n of ['a', 'b']) client.seed(Resources.pods, mkPod(n, { cpu: '100m' }));
    const s = new Scheduler({ client, initialBackoffMs: 60_000 });
    await s.start();
    try {
      const nodeOf = (name: string) => client.peek<Pod>(Resources.pods, 'default', name)?.spec.nodeName;
      await waitFor(() => nodeOf('a') === 'n1' && nodeOf('b') === 'n1', 'the valid pods bound');
      const events = () => client.all<KEvent>(Resources.events, 'default');
      await waitFor(() => events().some((e) => e.involvedObject.name === 'unbound-bad'), 'an event on the invalid pod');
      const ev = events().find((e) => e.involvedObject.name === 'unbound-bad')!;
      assert.equal(ev.reason, 'FailedScheduling');
      assert.equal(ev.type, 'Warning');
      assert.equal(ev.message, 'Pod is invalid, not scheduling it: spec.containers[0].resources.requests.cpu: Invalid value: "abc": invalid quantity "abc"');
      assert.equal(nodeOf('unbound-bad'), undefined);
      // A new valid pod still lands, on the only readable node.
      client.seed(Resources.pods, mkPod('late', { cpu: '100m' }));
      await waitFor(() => nodeOf('late') === 'n1', 'a later pod bound');
      const metrics = processMetrics.render();
      assert.match(metrics, /^k8ts_invalid_objects_skipped_total\{component="scheduler",resource="pods"\} [1-9]\d*$/m);
      assert.match(metrics, /^k8ts_invalid_objects_skipped_total\{component="scheduler",resource="nodes"\} [1-9]\d*$/m);
    } finally {
      await s.stop();
    }
  });
});
