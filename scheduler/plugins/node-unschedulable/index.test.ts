import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { isSchedulableAfterNodeChange, isSchedulableAfterPodTolerationChange, NodeUnschedulable, plugin } from '.';

describe('plugin NodeUnschedulable', () => {
  const key = 'node.kubernetes.io/unschedulable';
  const cases: { title: string; cordoned?: boolean; tolerations?: unknown[]; code: string }[] = [
    { title: 'schedulable node', cordoned: false, code: 'Success' },
    { title: 'unschedulable unset', code: 'Success' },
    { title: 'cordoned node', cordoned: true, code: 'UnschedulableAndUnresolvable' },
    { title: 'cordoned, pod tolerates with Exists NoSchedule', cordoned: true, tolerations: [{ key, operator: 'Exists', effect: 'NoSchedule' }], code: 'Success' },
    { title: 'cordoned, pod tolerates with Exists and no effect', cordoned: true, tolerations: [{ key, operator: 'Exists' }], code: 'Success' },
    { title: 'cordoned, pod tolerates everything (empty key Exists)', cordoned: true, tolerations: [{ operator: 'Exists' }], code: 'Success' },
    { title: 'cordoned, toleration for NoExecute only', cordoned: true, tolerations: [{ key, operator: 'Exists', effect: 'NoExecute' }], code: 'UnschedulableAndUnresolvable' },
    { title: 'cordoned, toleration of another key', cordoned: true, tolerations: [{ key: 'other', operator: 'Exists' }], code: 'UnschedulableAndUnresolvable' },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const st = new NodeUnschedulable().filter(new CycleState(), mkPod('p', { tolerations: c.tolerations }), new NodeInfo(mkNode('n', { unschedulable: c.cordoned })));
      assert.equal(st.code, c.code);
      assert.deepEqual(st.reasons, c.code === 'Success' ? [] : ['node(s) were unschedulable']);
    });
  }

  const hintCases: { title: string; old?: boolean; now: boolean; want: string }[] = [
    { title: 'new schedulable node', now: false, want: 'Queue' },
    { title: 'new cordoned node', now: true, want: 'QueueSkip' },
    { title: 'uncordoned', old: true, now: false, want: 'Queue' },
    { title: 'stays schedulable', old: false, now: false, want: 'QueueSkip' },
    { title: 'cordoned', old: false, now: true, want: 'QueueSkip' },
  ];
  for (const c of hintCases) {
    it(`node hint: ${c.title} → ${c.want}`, () => {
      const old = c.old === undefined ? undefined : mkNode('n', { unschedulable: c.old });
      assert.equal(isSchedulableAfterNodeChange(mkPod('p'), old, mkNode('n', { unschedulable: c.now })), c.want);
    });
  }

  it('pod toleration hint', () => {
    const pod = mkPod('p');
    const tolerating = mkPod('p', { tolerations: [{ key, operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(isSchedulableAfterPodTolerationChange(pod, pod, tolerating), 'Queue');
    assert.equal(isSchedulableAfterPodTolerationChange(pod, pod, mkPod('p', { tolerations: [{ key: 'x', operator: 'Exists' }] })), 'QueueSkip');
    assert.equal(isSchedulableAfterPodTolerationChange(pod, undefined, mkPod('other', { tolerations: [{ operator: 'Exists' }] })), 'QueueSkip');
  });

  it('factory', () => {
    assert.equal(plugin.name, 'NodeUnschedulable');
    assert.equal(plugin.factory(undefined, fakeHandle()).name, 'NodeUnschedulable');
  });
});
