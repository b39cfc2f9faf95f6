import assert from 'node:assert/strict';
import { brokenLinear, leastRequestedScore, mostRequestedScore } from './scorers';
import { isExtendedResourceName } from './resource-allocation';

describe('NodeResourcesFit scorers', () => {
  const shape = [
    { utilization: 10, score: 1 },
    { utilization: 50, score: 5 },
    { utilization: 90, score: 3 },
  ];
  const cases: [number, number][] = [
    [0, 1], // flat before the first point
    [10, 1],
    [30, 3],
    [50, 5],
    [70, 4],
    [90, 3],
    [100, 3], // flat after the last point
  ];
  for (const [u, want] of cases) it(`brokenLinear(${u}) = ${want}`, () => assert.equal(brokenLinear(shape)(u), want));

  const per: [string, (r: number, c: number) => number, number, number, number][] = [
    ['least: half used', leastRequestedScore, 50, 100, 50],
    ['least: nothing', leastRequestedScore, 0, 100, 100],
    ['least: over', leastRequestedScore, 150, 100, 0],
    ['least: no capacity', leastRequestedScore, 0, 0, 0],
    ['least: truncates', leastRequestedScore, 1, 3, 66],
    ['most: half used', mostRequestedScore, 50, 100, 50],
    ['most: over is full', mostRequestedScore, 150, 100, 100],
    ['most: no capacity', mostRequestedScore, 5, 0, 0],
  ];
  for (const [title, f, r, c, want] of per) it(title, () => assert.equal(f(r, c), want));

  const names: [string, boolean][] = [
    ['example.com/gpu', true],
    ['nvidia.com/gpu', true],
    ['cpu', false],
    ['hugepages-2Mi', false],
    ['kubernetes.io/something', false],
    ['requests.example.com/x', false],
    ['a/b/c', false],
  ];
  for (const [n, want] of names) it(`isExtendedResourceName(${n}) = ${want}`, () => assert.equal(isExtendedResourceName(n), want));
});
