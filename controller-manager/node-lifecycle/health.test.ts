import assert from 'node:assert/strict';
import type { Node } from '../../lib/api/types';
import { staleNodeConditions } from './health';

const node = (ready: 'True' | 'False' | 'Unknown' | null): Node => ({
  metadata: { name: 'n1' },
  spec: {},
  status: { conditions: ready ? [{ type: 'Ready', status: ready }, { type: 'MemoryPressure', status: 'False' }, { type: 'NetworkUnavailable', status: 'False' }] : [] },
});

describe('node health: stale nodes', () => {
  const cases: { title: string; n: Node; stale: boolean; write: boolean }[] = [
    { title: 'healthy node: nothing', n: node('True'), stale: false, write: false },
    { title: 'stale ready node: Unknown', n: node('True'), stale: true, write: true },
    { title: 'stale not-ready node: Unknown', n: node('False'), stale: true, write: true },
    { title: 'stale node already Unknown: nothing', n: node('Unknown'), stale: true, write: false },
    { title: 'stale node that never reported: a Ready=Unknown condition', n: node(null), stale: true, write: true },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const conds = staleNodeConditions(c.n, c.stale, 't');
      assert.equal(!!conds, c.write);
      if (conds) {
        assert.equal(conds.find((x) => x.type === 'Ready')!.status, 'Unknown');
        // The kubelet's conditions go Unknown; one the kubelet does not own (NetworkUnavailable) stays.
        assert.ok(conds.filter((x) => x.type !== 'NetworkUnavailable').every((x) => x.status === 'Unknown'));
        assert.ok(conds.filter((x) => x.type === 'NetworkUnavailable').every((x) => x.status === 'False'));
      }
    });
  }
  it('reasons: NodeStatusUnknown, NodeStatusNeverUpdated', () => {
    assert.equal(staleNodeConditions(node('True'), true, 't')![0].reason, 'NodeStatusUnknown');
    assert.equal(staleNodeConditions(node(null), true, 't')![0].reason, 'NodeStatusNeverUpdated');
  });
});
