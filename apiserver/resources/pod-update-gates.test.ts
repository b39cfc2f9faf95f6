import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { validatePodUpdate } from './pods';

describe('pod update validation: scheduling gates may only be removed', () => {
  const pod = (gates?: string[], image = 'x'): KObject =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image }], ...(gates ? { schedulingGates: gates.map((name) => ({ name })) } : {}) } }) as KObject;
  const cases: { title: string; old?: string[]; now?: string[]; image?: string; want: string[] }[] = [
    { title: 'removing every gate', old: ['a', 'b'], now: [], want: [] },
    { title: 'removing the field', old: ['a'], now: undefined, want: [] },
    { title: 'removing one gate', old: ['a', 'b'], now: ['b'], want: [] },
    { title: 'adding a gate to a gated pod', old: ['a'], now: ['a', 'c'], want: ["spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'c'"] },
    { title: 'gating an ungated pod', old: undefined, now: ['a'], want: ["spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'a'"] },
    { title: 'image change with gate removal', old: ['a'], now: [], image: 'y', want: [] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const errs = validatePodUpdate(pod(c.now, c.image), pod(c.old));
      assert.deepEqual(
        errs.map((e) => `${e.field}: ${e.message}`),
        c.want,
      );
    });
  }

  it('other spec changes stay forbidden', () => {
    const changed = pod(['a']);
    (changed as unknown as { spec: Record<string, unknown> }).spec.nodeSelector = { x: 'y' };
    const errs = validatePodUpdate(changed, pod(['a']));
    assert.equal(errs.length, 1);
    assert.equal(errs[0].field, 'spec');
  });
});
