import assert from 'node:assert/strict';
import { mkNode, mkPod } from '../../../test/fixtures/scheduler/objects';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { Code } from '../../framework/status';
import { NodeReady, REASON } from '.';

describe('NodeReady', () => {
  const cases: [string, 'True' | 'False' | 'Unknown' | null, Code][] = [
    ['ready', 'True', Code.Success],
    ['not ready', 'False', Code.UnschedulableAndUnresolvable],
    ['unknown', 'Unknown', Code.UnschedulableAndUnresolvable],
    ['no condition yet', null, Code.UnschedulableAndUnresolvable],
  ];
  for (const [name, ready, code] of cases) {
    it(name, () => {
      const s = new NodeReady().filter(new CycleState(), mkPod('p'), new NodeInfo(mkNode('a', { ready })));
      assert.equal(s.code, code);
      if (code !== Code.Success) assert.deepEqual(s.reasons, [REASON]);
    });
  }
});
