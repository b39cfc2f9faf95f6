import assert from 'node:assert/strict';
import { fakeCluster, fifoSort, fixedScores, noopBinder, rejectNodes } from '../../test/fixtures/scheduler/framework-fakes';
import { mkNode, mkPod } from '../../test/fixtures/scheduler/objects';
import { CycleState } from './cycle-state';
import { buildFramework } from './profile';
import { fitErrorMessage, numFeasibleNodesToFind, schedulePod, selectHost, type Diagnosis } from './schedule-one';
import { unresolvable, unschedulable, SUCCESS } from './status';
import type { PluginDefinition } from './types';

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${String(i).padStart(4, '0')}`);

function framework(plugins: PluginDefinition[], nodes = names(3), pct = 0) {
  const c = fakeCluster(nodes.map((n) => mkNode(n)));
  const registry = Object.fromEntries([fifoSort, noopBinder, ...plugins].map((p) => [p.name, p]));
  const fwk = buildFramework(
    { schedulerName: 'default-scheduler', plugins: { multiPoint: { enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }, ...plugins.map((p) => ({ name: p.name }))], disabled: [{ name: '*' }] } } },
    registry,
    c.handle,
    pct,
  );
  c.setFramework(fwk);
  return { fwk, c };
}

describe('schedulePod', () => {
  it('numFeasibleNodesToFind follows upstream (adaptive percentage, at least 100 nodes)', () => {
    const cases: [number, number, number][] = [
      [0, 10, 10],
      [0, 99, 99],
      [0, 100, 100],
      [0, 1000, 420], // 50 - 1000/125 = 42 %
      [0, 5000, 500], // 50 - 40 = 10 %
      [0, 6000, 300], // 50 - 48 = 2 % → floor of 5 %
      [30, 1000, 300],
      [5, 1000, 100], // 50 nodes → at least 100
      [100, 5000, 5000],
    ];
    for (const [pct, all, want] of cases) assert.equal(numFeasibleNodesToFind(pct, all), want, `${pct}% of ${all}`);
  });

  it('picks the best-scoring feasible node', () => {
    const { fwk, c } = framework([rejectNodes('F', { n0000: 'bad' }), fixedScores('S', { n0000: 100, n0001: 10, n0002: 50 })]);
    const r = schedulePod(fwk, new CycleState(), mkPod('p'), c.snapshot, { nextStartNodeIndex: 0 });
    assert.equal(r.kind === 'scheduled' && r.nodeName, 'n0002');
  });

  it('explains a failure with upstream’s histogram, sorted as strings', () => {
    const { fwk, c } = framework([rejectNodes('F', { n0000: 'Insufficient cpu', n0001: 'Insufficient cpu', n0002: "node(s) didn't match Pod's node affinity/selector" })]);
    const r = schedulePod(fwk, new CycleState(), mkPod('p'), c.snapshot, { nextStartNodeIndex: 0 });
    assert.equal(r.kind, 'unschedulable');
    if (r.kind !== 'unschedulable') return;
    assert.equal(fitErrorMessage(r.numAllNodes, r.diagnosis), "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.");
    assert.deepEqual([...r.diagnosis.unschedulablePlugins], ['F']);
  });

  it('fitErrorMessage: no nodes, PreFilter message, preemption tail', () => {
    const d = (o: Partial<Diagnosis>): Diagnosis => ({ nodeToStatus: new Map(), unschedulablePlugins: new Set(), ...o });
    assert.equal(fitErrorMessage(0, d({})), 'no nodes available to schedule pods');
    assert.equal(fitErrorMessage(3, d({ preFilterMsg: 'pod has unbound immediate PersistentVolumeClaims' })), '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
    const nodeToStatus = new Map([['a', unschedulable('Insufficient cpu')]]);
    assert.equal(
      fitErrorMessage(1, d({ nodeToStatus, postFilterMsg: 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' })),
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('PreFilter narrowing marks the other nodes unresolvable; rejection applies to all nodes', () => {
    const narrow: PluginDefinition = { name: 'N', factory: () => ({ name: 'N', preFilter: () => ({ result: { nodeNames: new Set(['n0001']) }, status: SUCCESS }) }) };
    const { fwk, c } = framework([narrow]);
    const r = schedulePod(fwk, new CycleState(), mkPod('p'), c.snapshot, { nextStartNodeIndex: 0 });
    assert.equal(r.kind === 'scheduled' && r.nodeName, 'n0001');
    const reject: PluginDefinition = { name: 'R', factory: () => ({ name: 'R', preFilter: () => ({ status: unresolvable('waiting for scheduling gates') }) }) };
    const f2 = framework([reject]);
    const r2 = schedulePod(f2.fwk, new CycleState(), mkPod('p'), f2.c.snapshot, { nextStartNodeIndex: 0 });
    assert.equal(r2.kind, 'unschedulable');
    if (r2.kind === 'unschedulable') {
      assert.equal(r2.diagnosis.nodeToStatus.size, 3);
      assert.equal(fitErrorMessage(3, r2.diagnosis), '0/3 nodes are available: waiting for scheduling gates.');
    }
  });

  it('a Skip from PreFilter skips that plugin’s Filter', () => {
    const p: PluginDefinition = { name: 'X', factory: () => ({ name: 'X', preFilter: () => ({ status: { code: 'Skip' as never, reasons: [] } }), filter: () => unschedulable('never') }) };
    const { fwk, c } = framework([p]);
    assert.equal(schedulePod(fwk, new CycleState(), mkPod('p'), c.snapshot, { nextStartNodeIndex: 0 }).kind, 'scheduled');
  });

  it('a plugin that throws is an error for the cycle, not a crash', () => {
    const p: PluginDefinition = { name: 'Boom', factory: () => ({ name: 'Boom', filter: () => { throw new Error('cannot read'); } }) };
    const { fwk, c } = framework([p]);
    const r = schedulePod(fwk, new CycleState(), mkPod('p'), c.snapshot, { nextStartNodeIndex: 0 });
    assert.equal(r.kind, 'error');
    assert.match(r.kind === 'error' ? r.message : '', /running Boom: cannot read/);
  });

  it('searches only a share of a large cluster, starting where the last cycle stopped', () => {
    let filtered = 0;
    const counting: PluginDefinition = { name: 'C', factory: () => ({ name: 'C', filter: () => (filtered++, SUCCESS) }) };
    const { fwk, c } = framework([counting], names(1000));
    const search = { nextStartNodeIndex: 0 };
    const r = schedulePod(fwk, new CycleState(), mkPod('p'), c.snapshot, search);
    assert.equal(r.kind === 'scheduled' && r.feasibleNodes, 420);
    assert.equal(filtered, 420);
    assert.equal(search.nextStartNodeIndex, 420);
    schedulePod(fwk, new CycleState(), mkPod('q'), c.snapshot, search);
    assert.equal(search.nextStartNodeIndex, 840);
    schedulePod(fwk, new CycleState(), mkPod('r'), c.snapshot, search);
    assert.equal(search.nextStartNodeIndex, 260); // wrapped round
  });

  it('selectHost breaks ties uniformly', () => {
    const scores = [{ name: 'a', score: 5 }, { name: 'b', score: 7 }, { name: 'c', score: 7 }, { name: 'd', score: 7 }];
    const seen = new Map<string, number>();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 3000; i++) {
      const h = selectHost(scores, random);
      seen.set(h, (seen.get(h) ?? 0) + 1);
    }
    assert.equal(seen.has('a'), false);
    for (const n of ['b', 'c', 'd']) assert.ok((seen.get(n) ?? 0) > 800, `${n} picked ${seen.get(n)} times`);
  });

  it('the nominated node is tried first', () => {
    const { fwk, c } = framework([fixedScores('S', { n0000: 100 })]);
    const pod = mkPod('p');
    pod.status!.nominatedNodeName = 'n0002';
    const r = schedulePod(fwk, new CycleState(), pod, c.snapshot, { nextStartNodeIndex: 0 });
    assert.equal(r.kind === 'scheduled' && r.nodeName, 'n0002');
  });
});
