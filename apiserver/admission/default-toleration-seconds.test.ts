import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { admitDefaultTolerationSeconds, missingDefaultTolerations } from './default-toleration-seconds';

const NR = 'node.kubernetes.io/not-ready';
const UR = 'node.kubernetes.io/unreachable';

describe('DefaultTolerationSeconds admission', () => {
  const o = { notReadySeconds: 300, unreachableSeconds: 10 };
  const keys = (ts: { key?: string }[]) => ts.map((t) => t.key);
  const cases: [string, unknown, (string | undefined)[]][] = [
    ['no tolerations: both added', undefined, [NR, UR]],
    ['null tolerations: both added', null, [NR, UR]],
    ['tolerates not-ready NoExecute: only unreachable added', [{ key: NR, operator: 'Exists', effect: 'NoExecute' }], [UR]],
    ['tolerates unreachable with any effect: only not-ready added', [{ key: UR, operator: 'Exists' }], [NR]],
    ['tolerates everything (empty key, Exists): nothing added', [{ operator: 'Exists' }], []],
    ['empty key but NoSchedule only: both added', [{ operator: 'Exists', effect: 'NoSchedule' }], [NR, UR]],
    ['unreachable NoSchedule does not count', [{ key: UR, operator: 'Exists', effect: 'NoSchedule' }], [NR, UR]],
    ['another key does not count', [{ key: 'x', operator: 'Exists', effect: 'NoExecute' }], [NR, UR]],
    ['both tolerated forever: nothing added', [{ key: NR, operator: 'Exists', effect: 'NoExecute' }, { key: UR, operator: 'Exists', effect: 'NoExecute' }], []],
  ];
  for (const [title, given, added] of cases) {
    it(title, () => assert.deepEqual(keys(missingDefaultTolerations(given, o)), added));
  }

  it('appends after the pod\'s own with the configured seconds, not-ready first', () => {
    const pod = { metadata: { name: 'p' }, spec: { containers: [], tolerations: [{ key: 'a', operator: 'Exists' }] } } as unknown as Pod;
    admitDefaultTolerationSeconds(pod, o);
    assert.deepEqual((pod.spec as unknown as { tolerations: unknown[] }).tolerations, [
      { key: 'a', operator: 'Exists' },
      { key: NR, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: UR, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
    ]);
  });

  it('leaves a malformed spec to validation', () => {
    for (const spec of [undefined, 'x', [], { tolerations: 'x' }]) {
      const pod = { metadata: { name: 'p' }, spec } as unknown as Pod;
      admitDefaultTolerationSeconds(pod, o);
      assert.deepEqual(pod.spec, spec);
    }
  });
});
