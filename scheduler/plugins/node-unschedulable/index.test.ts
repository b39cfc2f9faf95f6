import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { newNodeInfo } from '../../framework/node-info';
import { NodeUnschedulable } from '.';

describe('plugin NodeUnschedulable', () => {
  const tolerate = [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }];
  const cases: [string, boolean, unknown[] | undefined, string][] = [
    ['schedulable node', false, undefined, 'Success'],
    ['cordoned node', true, undefined, 'Unschedulable'],
    ['cordoned node, pod tolerates', true, tolerate, 'Success'],
  ];
  for (const [title, cordoned, tolerations, want] of cases) {
    it(title, () => {
      const st = new NodeUnschedulable().filter(mkPod('p', { tolerations }), newNodeInfo(mkNode('n', { unschedulable: cordoned })));
      assert.equal(st.code, want);
      if (want !== 'Success') assert.deepEqual(st.reasons, ['node(s) were unschedulable']);
    });
  }
});
