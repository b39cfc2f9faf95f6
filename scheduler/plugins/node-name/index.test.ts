import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { ActionType } from '../../framework/types';
import { isSchedulableAfterNodeAdd, NodeName, plugin } from '.';

describe('plugin NodeName', () => {
  const pl = new NodeName();
  const cases: { title: string; nodeName?: string; node: string; code: string }[] = [
    { title: 'no node name: any node', node: 'foo', code: 'Success' },
    { title: 'same node name', nodeName: 'foo', node: 'foo', code: 'Success' },
    { title: 'different node name', nodeName: 'bar', node: 'foo', code: 'UnschedulableAndUnresolvable' },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const st = pl.filter(new CycleState(), mkPod('p', { nodeName: c.nodeName }), new NodeInfo(mkNode(c.node)));
      assert.equal(st.code, c.code);
      assert.deepEqual(st.reasons, c.code === 'Success' ? [] : ["node(s) didn't match the requested node name"]);
    });
  }

  it('events: node added, hinted by name', () => {
    assert.deepEqual(
      pl.eventsToRegister().map((e) => e.event),
      [{ resource: 'Node', actionType: ActionType.Add }],
    );
    const pod = mkPod('p', { nodeName: 'foo' });
    assert.equal(isSchedulableAfterNodeAdd(pod, undefined, mkNode('foo')), 'Queue');
    assert.equal(isSchedulableAfterNodeAdd(pod, undefined, mkNode('bar')), 'QueueSkip');
    assert.equal(isSchedulableAfterNodeAdd(mkPod('q'), undefined, mkNode('bar')), 'Queue');
  });

  it('factory', () => {
    assert.equal(plugin.name, 'NodeName');
    assert.equal(plugin.factory(undefined, fakeHandle()).name, 'NodeName');
  });
});
