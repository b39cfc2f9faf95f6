import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { newNodeInfo } from '../../framework/node-info';
import { NodeReady } from '.';

describe('plugin NodeReady', () => {
  const cases: ['True' | 'False' | 'Unknown' | null, string][] = [
    ['True', 'Success'],
    ['False', 'Unschedulable'],
    ['Unknown', 'Unschedulable'],
    [null, 'Unschedulable'],
  ];
  for (const [ready, want] of cases) {
    it(`Ready=${ready} → ${want}`, () => {
      assert.equal(new NodeReady().filter(mkPod('p'), newNodeInfo(mkNode('n', { ready }))).code, want);
    });
  }
});
