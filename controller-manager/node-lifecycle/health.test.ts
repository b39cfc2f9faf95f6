import assert from 'node:assert/strict';
import type { Node } from '../../lib/api/types';
import { planNodeHealth, UNREACHABLE_TAINT_KEY } from './health';

const node = (ready: 'True' | 'False' | 'Unknown' | null, tainted = false): Node => ({
  metadata: { name: 'n1' },
  spec: { taints: tainted ? [{ key: UNREACHABLE_TAINT_KEY, effect: 'NoSchedule' }] : [] },
  status: { conditions: ready ? [{ type: 'Ready', status: ready }, { type: 'MemoryPressure', status: 'False' }] : [] },
});

describe('node health plan', () => {
  const cases: { title: string; n: Node; stale: boolean; conds: boolean; taint: 'add' | 'remove' | 'none' }[] = [
    { title: 'healthy node: nothing', n: node('True'), stale: false, conds: false, taint: 'none' },
    { title: 'stale ready node: Unknown + taint', n: node('True'), stale: true, conds: true, taint: 'add' },
    { title: 'stale node already marked: nothing', n: node('Unknown', true), stale: true, conds: false, taint: 'none' },
    { title: 'recovered node: taint removed', n: node('True', true), stale: false, conds: false, taint: 'remove' },
    { title: 'fresh lease but kubelet not yet Ready: keep taint', n: node('Unknown', true), stale: false, conds: false, taint: 'none' },
    { title: 'stale node that never reported', n: node(null), stale: true, conds: true, taint: 'add' },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const a = planNodeHealth(c.n, c.stale, 't');
      assert.equal(!!a.conditions, c.conds);
      if (a.conditions) {
        assert.equal(a.conditions.find((x) => x.type === 'Ready')!.status, 'Unknown');
        assert.ok(a.conditions.filter((x) => x.type !== 'Ready').every((x) => x.status === 'Unknown'));
      }
      const has = (a.taints ?? []).some((t) => t.key === UNREACHABLE_TAINT_KEY);
      assert.equal(a.taints === undefined ? 'none' : has ? 'add' : 'remove', c.taint);
    });
  }
  it('stale reason is NodeStatusUnknown', () => {
    assert.equal(planNodeHealth(node('True'), true, 't').conditions![0].reason, 'NodeStatusUnknown');
  });
});
