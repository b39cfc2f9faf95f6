import assert from 'node:assert/strict';
import type { Container, Pod } from '../../lib/api/types';
import { podRequests } from './node-info';

const c = (name: string, cpu: string, memory: string, extra: Partial<Container> = {}): Container => ({
  name,
  image: 'k8ts/web:1.0',
  resources: { requests: { cpu, memory } },
  ...extra,
});
const sidecar = (name: string, cpu: string, memory: string) => c(name, cpu, memory, { restartPolicy: 'Always' });
const pod = (containers: Container[], initContainers: Container[] = []): Pod =>
  ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers, initContainers } }) as Pod;
const Mi = 1024 * 1024;

describe('podRequests (what a pod asks of its node)', () => {
  const cases: [string, Pod, number, number][] = [
    ['app containers add up', pod([c('a', '100m', '10Mi'), c('b', '200m', '20Mi')]), 300, 30 * Mi],
    ['a bigger init container wins, one at a time', pod([c('a', '100m', '10Mi')], [c('i1', '500m', '5Mi'), c('i2', '50m', '50Mi')]), 500, 50 * Mi],
    ['a sidecar adds to the app containers', pod([c('a', '100m', '10Mi')], [sidecar('s', '50m', '5Mi')]), 150, 15 * Mi],
    // i2 runs beside the sidecar started before it: 400m + 100m; i1 ran before it, alone.
    ['a later init container runs beside earlier sidecars', pod([c('a', '100m', '10Mi')], [c('i1', '300m', '1Mi'), sidecar('s', '100m', '1Mi'), c('i2', '400m', '1Mi')]), 500, 11 * Mi],
    ['two sidecars stack', pod([c('a', '100m', '10Mi')], [sidecar('s1', '100m', '1Mi'), sidecar('s2', '100m', '1Mi')]), 300, 12 * Mi],
  ];
  for (const [name, p, milliCpu, memory] of cases) {
    it(name, () => {
      const r = podRequests(p);
      assert.deepEqual([r.milliCpu, r.memory, r.pods], [milliCpu, memory, 1]);
    });
  }
});
