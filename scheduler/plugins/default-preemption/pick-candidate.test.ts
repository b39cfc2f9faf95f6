import assert from 'node:assert/strict';
import { prioPod } from '../../../test/fixtures/scheduler/preempt';
import { earliestStartOfTopVictims, numCandidates, pickCandidate, type Candidate } from './pick-candidate';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const v = (priority: number, startHour?: number) => prioPod(`v${priority}-${startHour ?? 'x'}`, { priority, startTime: startHour === undefined ? undefined : `2026-01-01T${String(startHour).padStart(2, '0')}:00:00Z` });
const cand = (name: string, victims: ReturnType<typeof v>[], numPDBViolations = 0): Candidate => ({ name, victims, numPDBViolations });

describe('DefaultPreemption: pickCandidate', () => {
  const cases: { name: string; candidates: Candidate[]; want: string | undefined }[] = [
    { name: 'no candidates', candidates: [], want: undefined },
    { name: 'one candidate', candidates: [cand('a', [v(1)])], want: 'a' },
    { name: 'fewest PDB violations first, whatever the priorities', candidates: [cand('a', [v(1)], 1), cand('b', [v(100), v(100)], 0)], want: 'b' },
    { name: 'then the lowest highest-priority victim', candidates: [cand('a', [v(5), v(1)]), cand('b', [v(4), v(4), v(4)])], want: 'b' },
    { name: 'then the smallest sum of priorities', candidates: [cand('a', [v(5), v(3)]), cand('b', [v(5), v(1)])], want: 'b' },
    {
      name: 'the sum counts priorities shifted above zero: two negative victims weigh more than one',
      candidates: [cand('a', [v(-10), v(-10)]), cand('b', [v(-10)])],
      want: 'b',
    },
    { name: 'then the fewest victims', candidates: [cand('a', [v(0), v(0)]), cand('b', [v(0)])], want: 'b' },
    {
      name: 'then the latest start among the highest-priority victims',
      candidates: [cand('a', [v(5, 3), v(2, 11)]), cand('b', [v(5, 8), v(2, 1)])],
      want: 'b',
    },
    { name: 'a complete tie: the first candidate', candidates: [cand('a', [v(3, 2)]), cand('b', [v(3, 2)]), cand('c', [v(3, 2)])], want: 'a' },
    {
      name: 'rules apply in order, each only among the previous winners',
      candidates: [cand('a', [v(1)], 2), cand('b', [v(9), v(9)], 1), cand('c', [v(9), v(9), v(1)], 1), cand('d', [v(9), v(8)], 1)],
      want: 'd',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(pickCandidate(c.candidates, NOW)?.name, c.want));

  it('the earliest start is taken among the highest-priority victims only; not started counts as now', () => {
    assert.equal(earliestStartOfTopVictims([v(5, 9), v(1, 1), v(5, 4)], NOW), Date.parse('2026-01-01T04:00:00Z'));
    assert.equal(earliestStartOfTopVictims([v(1, 1), v(5)], NOW), NOW);
  });
});

describe('DefaultPreemption: numCandidates', () => {
  const table: [number, number, number, number][] = [
    // nodes, percentage, absolute, want
    [10, 10, 100, 10],
    [1000, 10, 100, 100],
    [5000, 10, 100, 500],
    [5000, 0, 100, 100],
    [5000, 50, 0, 2500],
    [15, 10, 1, 1],
    [1, 100, 0, 1],
  ];
  for (const [nodes, pct, abs, want] of table)
    it(`${nodes} nodes, ${pct}%, at least ${abs}: ${want}`, () => assert.equal(numCandidates(nodes, { minCandidateNodesPercentage: pct, minCandidateNodesAbsolute: abs }), want));
});
