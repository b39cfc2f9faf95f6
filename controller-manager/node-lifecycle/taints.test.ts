import assert from 'node:assert/strict';
import type { Node } from '../../lib/api/types';
import type { Taint } from '../../lib/api/taints';
import { noExecuteStep, noScheduleTaintChanges, queuedNoExecuteTaint, swapTaints, wantedNoScheduleTaints } from './taints';

const node = (conds: Record<string, string>, o: { taints?: Taint[]; unschedulable?: boolean } = {}): Node => ({
  metadata: { name: 'n' },
  spec: { taints: o.taints ?? [], unschedulable: o.unschedulable },
  status: { conditions: Object.entries(conds).map(([type, status]) => ({ type, status: status as 'True' })) },
});
const keys = (ts: Taint[]) => ts.map((t) => `${t.key.replace('node.kubernetes.io/', '')}:${t.effect}`);

describe('node-lifecycle taints', () => {
  describe('NoSchedule taints from conditions (TaintNodesByCondition)', () => {
    const healthy = { Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', NetworkUnavailable: 'False' };
    const cases: [string, Node, string[]][] = [
      ['healthy: none', node(healthy), []],
      ['Ready=False: not-ready', node({ ...healthy, Ready: 'False' }), ['not-ready:NoSchedule']],
      ['Ready=Unknown: unreachable', node({ ...healthy, Ready: 'Unknown' }), ['unreachable:NoSchedule']],
      ['memory pressure', node({ ...healthy, MemoryPressure: 'True' }), ['memory-pressure:NoSchedule']],
      ['disk pressure', node({ ...healthy, DiskPressure: 'True' }), ['disk-pressure:NoSchedule']],
      ['pid pressure', node({ ...healthy, PIDPressure: 'True' }), ['pid-pressure:NoSchedule']],
      ['network unavailable', node({ ...healthy, NetworkUnavailable: 'True' }), ['network-unavailable:NoSchedule']],
      ['pressure conditions Unknown: no pressure taint', node({ Ready: 'Unknown', MemoryPressure: 'Unknown' }), ['unreachable:NoSchedule']],
      ['cordoned: unschedulable', node(healthy, { unschedulable: true }), ['unschedulable:NoSchedule']],
      ['no conditions yet: none', node({}), []],
    ];
    for (const [title, n, want] of cases) it(title, () => assert.deepEqual(keys(wantedNoScheduleTaints(n)), want));
  });

  describe('NoSchedule changes leave other taints alone', () => {
    const cases: [string, Node, string[], string[]][] = [
      ['adds the missing one', node({ Ready: 'Unknown' }), ['unreachable:NoSchedule'], []],
      ['swaps unreachable for not-ready', node({ Ready: 'False' }, { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] }), ['not-ready:NoSchedule'], ['unreachable:NoSchedule']],
      ['removes it when Ready', node({ Ready: 'True' }, { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] }), [], ['unreachable:NoSchedule']],
      ['uncordoned: unschedulable removed', node({ Ready: 'True' }, { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), [], ['unschedulable:NoSchedule']],
      ['a user taint and the NoExecute ones are not ours here', node({ Ready: 'True' }, { taints: [{ key: 'gpu', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }), [], []],
    ];
    for (const [title, n, add, remove] of cases) {
      it(title, () => {
        const c = noScheduleTaintChanges(n);
        assert.deepEqual([keys(c.add), keys(c.remove)], [add, remove]);
      });
    }
  });

  describe('NoExecute steps (TaintBasedEvictions)', () => {
    const UR = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
    const NR = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
    const cases: [string, Node, string][] = [
      ['newly unreachable: queued', node({ Ready: 'Unknown' }), 'queue'],
      ['newly not ready: queued', node({ Ready: 'False' }), 'queue'],
      ['unreachable → not ready: swapped at once', node({ Ready: 'False' }, { taints: [UR] }), 'swap +not-ready:NoExecute -unreachable:NoExecute'],
      ['not ready → unreachable: swapped at once', node({ Ready: 'Unknown' }, { taints: [NR] }), 'swap +unreachable:NoExecute -not-ready:NoExecute'],
      ['Ready: reachable', node({ Ready: 'True' }, { taints: [UR] }), 'reachable'],
      ['unreachable and already tainted so: nothing', node({ Ready: 'Unknown' }, { taints: [UR] }), 'none'],
      ['not ready and already tainted so: nothing', node({ Ready: 'False' }, { taints: [NR] }), 'none'],
      ['no Ready condition: nothing', node({}), 'none'],
    ];
    for (const [title, n, want] of cases) {
      it(title, () => {
        const s = noExecuteStep(n);
        assert.equal(s.kind === 'swap' ? `swap +${keys([s.add])[0]} -${keys([s.remove])[0]}` : s.kind, want);
      });
    }
    it('a queued node gets the taint of its Ready status, or none once Ready', () => {
      assert.deepEqual(keys([queuedNoExecuteTaint(node({ Ready: 'Unknown' }))!.add]), ['unreachable:NoExecute']);
      assert.deepEqual(keys([queuedNoExecuteTaint(node({ Ready: 'False' }))!.add]), ['not-ready:NoExecute']);
      assert.equal(queuedNoExecuteTaint(node({ Ready: 'True' })), undefined);
    });
  });

  describe('swapping taints', () => {
    const UR = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
    const NR = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
    it('adds with timeAdded and removes by key and effect, keeping the rest in order', () => {
      const out = swapTaints([{ key: 'gpu', effect: 'NoSchedule' }, { ...UR, timeAdded: 'old' }], [NR], [UR], 'now');
      assert.deepEqual(out, [{ key: 'gpu', effect: 'NoSchedule' }, { ...NR, timeAdded: 'now' }]);
    });
    it('nothing to do: undefined', () => {
      assert.equal(swapTaints([{ ...UR, timeAdded: 'old' }], [UR], [NR], 'now'), undefined);
      assert.equal(swapTaints([], [], [UR], 'now'), undefined);
    });
  });
});
