import assert from 'node:assert/strict';
import { defaultRequestsFromLimits } from './pods';
import type { Pod } from '../../lib/api/types';

describe('pod defaulting: requests from limits (SetDefaults_Pod)', () => {
  const spec = (resources: unknown) => ({ containers: [{ name: 'a', image: 'x', resources }], initContainers: [{ name: 'i', image: 'x', resources }] }) as unknown as Pod['spec'];
  const cases: [string, unknown, unknown][] = [
    ['limits only: requests copy them', { limits: { cpu: '1', memory: '1Gi' } }, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }],
    ['a written request is kept', { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }],
    ['requests only: untouched', { requests: { cpu: '1' } }, { requests: { cpu: '1' } }],
    ['nothing: untouched', {}, {}],
    ['an unparseable limit is not copied', { limits: { cpu: '1x', memory: '1Gi' } }, { limits: { cpu: '1x', memory: '1Gi' }, requests: { memory: '1Gi' } }],
    ['malformed requests (not a map): left for validation', { limits: { cpu: '1' }, requests: 'x' }, { limits: { cpu: '1' }, requests: 'x' }],
  ];
  for (const [name, given, want] of cases) {
    it(name, () => {
      const s = spec(structuredClone(given));
      defaultRequestsFromLimits(s);
      assert.deepEqual(s.containers[0].resources, want);
      assert.deepEqual((s.initContainers ?? [])[0].resources, want);
    });
  }
});
