import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { newNodeInfo } from '../../framework/node-info';
import { NodeSelector } from '.';

describe('plugin NodeSelector', () => {
  const labels = { disk: 'ssd', zone: 'a' };
  const cases: [Record<string, string> | undefined, string][] = [
    [undefined, 'Success'],
    [{}, 'Success'],
    [{ disk: 'ssd' }, 'Success'],
    [{ disk: 'ssd', zone: 'a' }, 'Success'],
    [{ disk: 'hdd' }, 'Unschedulable'],
    [{ gpu: 'yes' }, 'Unschedulable'],
  ];
  for (const [sel, want] of cases) {
    it(`${JSON.stringify(sel)} → ${want}`, () => {
      assert.equal(new NodeSelector().filter(mkPod('p', { nodeSelector: sel }), newNodeInfo(mkNode('n', { labels }))).code, want);
    });
  }
});
