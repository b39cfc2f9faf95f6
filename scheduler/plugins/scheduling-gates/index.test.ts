import assert from 'node:assert/strict';
import { podWith } from '../../../test/fixtures/scheduler/basic';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { ActionType } from '../../framework/types';
import { isSchedulableAfterGatesEliminated, plugin, SchedulingGates } from '.';

describe('plugin SchedulingGates', () => {
  const pl = new SchedulingGates();
  const cases: { title: string; gates: unknown; code: string; reasons: string[] }[] = [
    { title: 'no gates field', gates: undefined, code: 'Success', reasons: [] },
    { title: 'empty gates', gates: [], code: 'Success', reasons: [] },
    { title: 'one gate', gates: [{ name: 'example.com/foo' }], code: 'UnschedulableAndUnresolvable', reasons: ['waiting for scheduling gates: [example.com/foo]'] },
    { title: 'two gates, in order', gates: [{ name: 'a' }, { name: 'b' }], code: 'UnschedulableAndUnresolvable', reasons: ['waiting for scheduling gates: [a b]'] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const st = pl.preEnqueue(podWith('p', c.gates === undefined ? {} : { schedulingGates: c.gates }));
      assert.equal(st.code, c.code);
      assert.deepEqual(st.reasons, c.reasons);
    });
  }

  it('registers the gates-eliminated pod update', () => {
    const evs = pl.eventsToRegister();
    assert.deepEqual(
      evs.map((e) => e.event),
      [{ resource: 'Pod', actionType: ActionType.UpdatePodSchedulingGatesEliminated }],
    );
  });

  it('hint: the pod itself → Queue, another pod → QueueSkip', () => {
    const pod = podWith('p', { schedulingGates: [{ name: 'a' }] });
    assert.equal(isSchedulableAfterGatesEliminated(pod, pod, podWith('p')), 'Queue');
    assert.equal(isSchedulableAfterGatesEliminated(pod, undefined, podWith('other')), 'QueueSkip');
  });

  it('factory', () => {
    assert.equal(plugin.name, 'SchedulingGates');
    assert.equal(plugin.factory(undefined, fakeHandle()).name, 'SchedulingGates');
  });
});
