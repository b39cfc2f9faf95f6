import { strict as assert } from 'node:assert';
import { aggregatePodAmounts, numberAmountOps, type NumberAmounts } from './pod-resources';

type C = { name: string; cpu: number; restartPolicy?: string };
const app = (name: string, cpu: number): C => ({ name, cpu });
const sidecar = (name: string, cpu: number): C => ({ name, cpu, restartPolicy: 'Always' });
const init = (name: string, cpu: number): C => ({ name, cpu });

describe('aggregatePodAmounts (the sidecar KEP rule)', () => {
  const cases: [string, C[], C[], number][] = [
    ['no containers', [], [], 0],
    ['app containers add up', [app('a', 100), app('b', 200)], [], 300],
    ['init containers take the max, one at a time', [app('a', 100)], [init('i1', 500), init('i2', 50)], 500],
    ['a sidecar adds to the app containers', [app('a', 100)], [sidecar('s', 50)], 150],
    ['a later init container runs beside earlier sidecars', [app('a', 100)], [init('i1', 300), sidecar('s', 100), init('i2', 400)], 500],
    ['an init container before the sidecar runs alone', [app('a', 100)], [init('i1', 450), sidecar('s', 100)], 450],
    ['sidecars stack', [app('a', 100)], [sidecar('s1', 100), sidecar('s2', 100)], 300],
    ['the init peak can be the sidecars alone', [], [sidecar('s1', 100), sidecar('s2', 100)], 200],
  ];
  for (const [name, containers, initContainers, want] of cases) {
    it(name, () => {
      const got = aggregatePodAmounts<C, NumberAmounts>({ containers, initContainers }, (c) => ({ cpu: c.cpu }), numberAmountOps);
      assert.equal(got.cpu ?? 0, want);
    });
  }

  it('tells the reader which containers are init containers', () => {
    const seen: string[] = [];
    aggregatePodAmounts({ containers: [app('a', 1)], initContainers: [init('i', 1)] }, (c, isInit) => (seen.push(`${c.name}:${isInit}`), {}), numberAmountOps);
    assert.deepEqual(seen, ['a:false', 'i:true']);
  });

  it('keeps resources apart', () => {
    const got = aggregatePodAmounts<{ r: NumberAmounts; restartPolicy?: string }, NumberAmounts>(
      { containers: [{ r: { cpu: 100 } }], initContainers: [{ r: { memory: 10 } }, { r: { memory: 5, cpu: 10 }, restartPolicy: 'Always' }] },
      (c) => c.r,
      numberAmountOps,
    );
    assert.deepEqual(got, { cpu: 110, memory: 10 });
  });
});
