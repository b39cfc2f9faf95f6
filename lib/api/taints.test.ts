import assert from 'node:assert/strict';
import { matchingTolerations, minTolerationSeconds, toleratesTaint, type Taint, type Toleration } from './taints';

const UR: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const NR: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
const GPU: Taint = { key: 'gpu', value: 'yes', effect: 'NoSchedule' };

describe('taints and tolerations', () => {
  describe('ToleratesTaint', () => {
    const cases: [string, Toleration, Taint, boolean][] = [
      ['Exists on the key, any effect', { key: UR.key, operator: 'Exists' }, UR, true],
      ['Exists on the key and effect', { key: UR.key, operator: 'Exists', effect: 'NoExecute' }, UR, true],
      ['other effect', { key: UR.key, operator: 'Exists', effect: 'NoSchedule' }, UR, false],
      ['other key', { key: NR.key, operator: 'Exists' }, UR, false],
      ['empty key with Exists: everything', { operator: 'Exists' }, GPU, true],
      ['Equal with the value', { key: 'gpu', operator: 'Equal', value: 'yes' }, GPU, true],
      ['no operator means Equal', { key: 'gpu', value: 'yes' }, GPU, true],
      ['Equal with another value', { key: 'gpu', operator: 'Equal', value: 'no' }, GPU, false],
      ['Equal without a value against a taint without one', { key: UR.key }, UR, true],
      ['unknown operator', { key: 'gpu', operator: 'Gt', value: 'yes' }, GPU, false],
    ];
    for (const [title, t, taint, want] of cases) it(title, () => assert.equal(toleratesTaint(t, taint), want));
  });

  describe('matching tolerations and the time they allow', () => {
    const forever: Toleration = { key: UR.key, operator: 'Exists', effect: 'NoExecute' };
    const ten: Toleration = { key: UR.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
    const nr300: Toleration = { key: NR.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
    const cases: [string, Taint[], Toleration[], boolean, number][] = [
      ['no tolerations: not tolerated, evict now', [UR], [], false, 0],
      ['tolerated for 10 s', [UR], [ten, nr300], true, 10],
      ['tolerated forever', [UR], [forever], true, -1],
      ['the first matching toleration counts (forever before 10 s)', [UR], [forever, ten], true, -1],
      ['the first matching toleration counts (10 s before forever)', [UR], [ten, forever], true, 10],
      ['the minimum over the taints', [UR, NR], [ten, nr300], true, 10],
      ['one taint untolerated: not tolerated', [UR, GPU], [ten], false, 0],
      ['zero seconds: evict now', [UR], [{ ...ten, tolerationSeconds: 0 }], true, 0],
      ['negative seconds: evict now', [UR], [{ ...ten, tolerationSeconds: -5 }], true, 0],
    ];
    for (const [title, taints, tolerations, all, seconds] of cases) {
      it(title, () => {
        const m = matchingTolerations(taints, tolerations);
        assert.equal(m.allTolerated, all);
        assert.equal(all ? minTolerationSeconds(m.used) : 0, seconds);
      });
    }
    it('no taints: all tolerated, nothing used', () => assert.deepEqual(matchingTolerations([], []), { allTolerated: true, used: [] }));
  });
});
