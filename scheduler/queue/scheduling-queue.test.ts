import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { mkPod } from '../../test/fixtures/scheduler/objects';
import { SUCCESS, unresolvable } from '../framework/status';
import { ActionType, type ClusterEventWithHint, type QueuedPodInfo } from '../framework/types';
import { backoffMs, SchedulingQueue } from './scheduling-queue';

const prio = (p: QueuedPodInfo) => p.podInfo.pod.spec.priority ?? 0;
const less = (a: QueuedPodInfo, b: QueuedPodInfo) => prio(a) > prio(b) || (prio(a) === prio(b) && a.timestamp < b.timestamp);

function queue(opts: { hints?: Map<string, ClusterEventWithHint[]>; gated?: (p: Pod) => boolean } = {}) {
  let t = 1000;
  const q = new SchedulingQueue({
    less,
    preEnqueue: (p) => (opts.gated?.(p) ? { ...unresolvable('waiting for scheduling gates'), plugin: 'SchedulingGates' } : SUCCESS),
    hints: () => opts.hints ?? new Map(),
    now: () => t,
  });
  return { q, advance: (ms: number) => (t += ms) };
}

const withPriority = (name: string, priority: number) => {
  const p = mkPod(name);
  p.spec.priority = priority;
  return p;
};

describe('SchedulingQueue', () => {
  it('backoff doubles from 1 s to at most 10 s', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((a) => backoffMs(a)), [0, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('pops by priority, then age', async () => {
    const { q, advance } = queue();
    q.add(withPriority('low', 0));
    advance(1);
    q.add(withPriority('high', 100));
    advance(1);
    q.add(withPriority('low2', 0));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())!.key);
    assert.deepEqual(order, ['default/high', 'default/low', 'default/low2']);
  });

  it('an unschedulable pod waits for an event its rejecting plugin registered', async () => {
    const hints = new Map<string, ClusterEventWithHint[]>([['NodeResourcesFit', [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } }]]]);
    const { q, advance } = queue({ hints });
    q.add(mkPod('p'));
    const item = (await q.pop())!;
    q.moveAllToActiveOrBackoffQueue({ resource: 'Pod', actionType: ActionType.Add }); // before the failure: raced with the cycle
    q.addUnschedulableIfNotPresent(item, new Set(['NodeResourcesFit']));
    q.done(item.key);
    assert.equal(q.pendingCounts().backoff, 1, 'an event during its cycle sends it to backoff, not unschedulable');
    advance(1000);
    q.flushBackoffCompleted();
    const again = (await q.pop())!;
    q.addUnschedulableIfNotPresent(again, new Set(['NodeResourcesFit']));
    q.done(again.key);
    assert.equal(q.pendingCounts().unschedulable, 1);
    q.moveAllToActiveOrBackoffQueue({ resource: 'Pod', actionType: ActionType.Delete });
    assert.equal(q.pendingCounts().unschedulable, 1, 'a pod deletion does not concern NodeResourcesFit here');
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.UpdateNodeLabel });
    assert.equal(q.pendingCounts().unschedulable, 1, 'a label change does not either');
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.Add });
    assert.deepEqual(q.pendingCounts(), { active: 0, backoff: 1, unschedulable: 0, gated: 0 }, 'still backing off (2 attempts: 2 s)');
    advance(2000);
    q.flushBackoffCompleted();
    assert.equal(q.pendingCounts().active, 1);
  });

  it('a hint can decline an event', async () => {
    const hints = new Map<string, ClusterEventWithHint[]>([['NodeAffinity', [{ event: { resource: 'Node', actionType: ActionType.Add }, hint: (_p, _o, n) => ((n as { ok?: boolean }).ok ? 'Queue' : 'QueueSkip') }]]]);
    const { q, advance } = queue({ hints });
    q.add(mkPod('p'));
    const item = (await q.pop())!;
    q.addUnschedulableIfNotPresent(item, new Set(['NodeAffinity']));
    advance(60_000);
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.Add }, undefined, { ok: false });
    assert.equal(q.pendingCounts().unschedulable, 1);
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.Add }, undefined, { ok: true });
    assert.equal(q.pendingCounts().active, 1);
  });

  it('unschedulable pods are retried after 5 minutes regardless', async () => {
    const { q, advance } = queue();
    q.add(mkPod('p'));
    const item = (await q.pop())!;
    q.addUnschedulableIfNotPresent(item, new Set(['X']));
    q.done(item.key);
    q.moveAllToActiveOrBackoffQueue({ resource: 'PersistentVolume', actionType: ActionType.Add });
    // X registered nothing: any event may help it.
    assert.equal(q.pendingCounts().unschedulable + q.pendingCounts().backoff + q.pendingCounts().active, 1);
    const { q: q2, advance: adv2 } = queue({ hints: new Map([['X', []]]) });
    q2.add(mkPod('p'));
    const i2 = (await q2.pop())!;
    q2.addUnschedulableIfNotPresent(i2, new Set(['X']));
    adv2(4 * 60_000);
    q2.flushUnschedulableLeftover();
    assert.equal(q2.pendingCounts().unschedulable, 1);
    adv2(60_001);
    q2.flushUnschedulableLeftover();
    assert.equal(q2.pendingCounts().active, 1);
    advance(0);
  });

  it('gated pods stay out of active until their gates are removed', async () => {
    const gated = (p: Pod) => (p.spec.schedulingGates ?? []).length > 0;
    const { q } = queue({ gated });
    const p = mkPod('g');
    p.spec.schedulingGates = [{ name: 'example.com/wait' }];
    q.add(p);
    assert.deepEqual(q.pendingCounts(), { active: 0, backoff: 0, unschedulable: 0, gated: 1 });
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.Add });
    assert.equal(q.pendingCounts().gated, 1, 'cluster events do not release gated pods');
    const open = { ...p, spec: { ...p.spec, schedulingGates: [] } };
    q.update(p, open);
    assert.equal(q.pendingCounts().active, 1);
  });

  it('tracks nominated pods per node', () => {
    const { q } = queue();
    const p = mkPod('p');
    p.status!.nominatedNodeName = 'n1';
    q.syncNominated(p);
    assert.deepEqual(q.nominatedPodsForNode('n1').map((i) => i.pod.metadata.name), ['p']);
    q.syncNominated({ ...p, spec: { ...p.spec, nodeName: 'n1' } });
    assert.deepEqual(q.nominatedPodsForNode('n1'), []);
  });

  it('pop waits for a pod and returns undefined once closed', async () => {
    const { q } = queue();
    const popped = q.pop();
    q.add(mkPod('late'));
    assert.equal((await popped)!.key, 'default/late');
    const waiting = q.pop();
    q.close();
    assert.equal(await waiting, undefined);
  });
});
