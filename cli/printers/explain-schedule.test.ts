import assert from 'node:assert/strict';
import { labeledNode, mkNode, mkPod, withPod } from '../../test/fixtures/scheduler/explain';
import { Code } from '../../scheduler/framework/status';
import { explainSchedule, type Explanation } from '../../scheduler/explain/explain';
import { alignColumns, printExplanation } from './explain-schedule';

const nodes = [mkNode('node-a'), labeledNode('node-b', { disk: 'ssd' }), labeledNode('node-c', { disk: 'ssd' }, { cpu: '4' })];
const busy = mkPod('busy', { cpu: '1', memory: '1Gi', nodeName: 'node-b' });
const SKIPPED = 'PreFilter: Success; Filter skipped for NodePorts, VolumeRestrictions, NodeVolumeLimits, VolumeBinding, PodTopologySpread, InterPodAffinity';

/** A hand-made explanation of two nodes, for the lines the real plugins do not reach easily. */
function small(over: Partial<Explanation>): Explanation {
  return {
    pod: { namespace: 'ns', name: 'p', schedulerName: 'default-scheduler' },
    profile: 'default-scheduler',
    preFilter: { code: Code.Success, reasons: [], skipped: [], narrowedBy: [] },
    filterPlugins: ['NodeResourcesFit'],
    scorePlugins: [{ plugin: 'NodeResourcesFit', weight: 1 }, { plugin: 'ImageLocality', weight: 1 }],
    nodes: [
      { name: 'x', feasible: true, failures: [], scores: [{ plugin: 'NodeResourcesFit', weight: 1, score: 50, weighted: 50 }, { plugin: 'ImageLocality', weight: 1, weighted: 0 }], total: 50 },
      { name: 'y', feasible: true, failures: [], scores: [{ plugin: 'NodeResourcesFit', weight: 1, score: 50, weighted: 50 }, { plugin: 'ImageLocality', weight: 1, weighted: 0 }], total: 50 },
    ],
    feasible: 2,
    feasibleNodesToFind: 2,
    best: ['x', 'y'],
    skippedObjects: [],
    ...over,
  };
}

const cases: { name: string; text: () => string; want: string }[] = [
  {
    name: 'feasible nodes by total with every score plugin, the rejected one with its reason, the pick',
    text: () => printExplanation(explainSchedule(mkPod('web', { cpu: '500m', memory: '512Mi', nodeSelector: { disk: 'ssd' } }), { nodes, pods: [busy] })),
    want: `Pod default/web, profile default-scheduler
${SKIPPED}

NODE     RESULT   TaintToleration×3   NodeAffinity×2   NodeResourcesFit×1   PodTopologySpread×2   InterPodAffinity×2   NodeResourcesBalancedAllocation×1   ImageLocality×1   TOTAL   FAILED PLUGINS: REASONS
node-c   picked   100                 skip             87                   skip                  skip                 100                                 skip              487
node-b   fits     100                 skip             43                   skip                  skip                 81                                  skip              424
node-a   fails    -                   -                -                    -                     -                    -                                   -                 -       NodeAffinity: node(s) didn't match Pod's node affinity/selector

Would pick node-c: the highest total, 487, of 2 feasible nodes.
`,
  },
  {
    name: 'nothing fits: every failing plugin per node, no score columns, the FailedScheduling text',
    text: () => printExplanation(explainSchedule(mkPod('big', { cpu: '3', nodeSelector: { disk: 'ssd' } }), { nodes: nodes.slice(0, 2), pods: [busy] })),
    want: `Pod default/big, profile default-scheduler
${SKIPPED}

NODE     RESULT   FAILED PLUGINS: REASONS
node-a   fails    NodeAffinity: node(s) didn't match Pod's node affinity/selector; NodeResourcesFit: Insufficient cpu
node-b   fails    NodeResourcesFit: Insufficient cpu

0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.
`,
  },
  {
    name: 'nothing fits, but preemption would evict a lower-priority pod',
    text: () =>
      printExplanation(
        explainSchedule(withPod(mkPod('p', { cpu: '1500m' }), { priority: 100 }), {
          nodes: [mkNode('a'), mkNode('b')],
          pods: [withPod(mkPod('low', { cpu: '1', nodeName: 'a' }), { priority: 1 }), withPod(mkPod('high', { cpu: '1', nodeName: 'b' }), { priority: 1000 })],
        }),
      ),
    want: `Pod default/p, profile default-scheduler
PreFilter: Success; Filter skipped for NodeAffinity, NodePorts, VolumeRestrictions, NodeVolumeLimits, VolumeBinding, PodTopologySpread, InterPodAffinity

NODE   RESULT   FAILED PLUGINS: REASONS
a      fails    NodeResourcesFit: Insufficient cpu
b      fails    NodeResourcesFit: Insufficient cpu

0/2 nodes are available: 2 Insufficient cpu.
Preemption would evict default/low (priority 1) from a and nominate a for the pod.
`,
  },
  {
    name: 'a bound pod, a tie, and a skipped score plugin',
    text: () => printExplanation(small({ pod: { namespace: 'ns', name: 'p', schedulerName: 'default-scheduler', boundTo: 'x' } })),
    want: `Pod ns/p, profile default-scheduler
Bound to x: explained as if it were pending again (it does not count against its node).
PreFilter: Success

NODE   RESULT   NodeResourcesFit×1   ImageLocality×1   TOTAL   FAILED PLUGINS: REASONS
x      tied     50                   skip              50
y      tied     50                   skip              50

Tie at 50 between x, y (of 2 feasible nodes): the scheduler picks one of them at random.
`,
  },
  {
    name: 'gates, the nominated node, a PreFilter narrowing, objects left out, and a large cluster',
    text: () =>
      printExplanation(
        small({
          pod: { namespace: 'ns', name: 'p', schedulerName: 'default-scheduler', nominatedNodeName: 'y' },
          preEnqueue: { plugin: 'SchedulingGates', code: Code.UnschedulableAndUnresolvable, reasons: ['waiting for scheduling gates: [g]'] },
          preFilter: { code: Code.Success, reasons: [], skipped: ['NodePorts'], narrowedBy: ['NodeAffinity'], nodeNames: ['x', 'y'] },
          nodes: [
            ...small({}).nodes,
            { name: 'z', feasible: false, status: { plugin: 'NodeAffinity', code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't satisfy plugin(s) [NodeAffinity]"] }, failures: [{ plugin: 'NodeAffinity', code: Code.UnschedulableAndUnresolvable, reasons: ["node(s) didn't satisfy plugin(s) [NodeAffinity]"], point: 'PreFilter' }], scores: [] },
          ],
          selected: 'y',
          selectedBecause: 'nominated',
          feasibleNodesToFind: 1,
          skippedObjects: ['pods ns/bad: spec.containers: Required value'],
        }),
      ),
    want: `Pod ns/p, profile default-scheduler
Nominated node: y.
Not queued: SchedulingGates: waiting for scheduling gates: [g] (the scheduler does not try the pod until this clears).
PreFilter: Success; narrowed to 2 node(s) by NodeAffinity; Filter skipped for NodePorts

NODE   RESULT   NodeResourcesFit×1   ImageLocality×1   TOTAL   FAILED PLUGINS: REASONS
x      fits     50                   skip              50
y      picked   50                   skip              50
z      fails    -                    -                 -       NodeAffinity: node(s) didn't satisfy plugin(s) [NodeAffinity] (PreFilter)

Would pick y: the pod's nominated node fits, and the scheduler tries it first.
Every node was evaluated; the scheduler stops filtering once 1 of the 3 nodes fit (percentageOfNodesToScore), so it may choose among fewer.
Left out (as the scheduler skips them): pods ns/bad: spec.containers: Required value
`,
  },
  {
    name: 'a plugin error stops the cycle: the error, and no scores',
    text: () =>
      printExplanation(
        small({
          nodes: [{ name: 'x', feasible: false, status: { plugin: 'VolumeBinding', code: Code.Error, reasons: ['boom'] }, failures: [{ plugin: 'VolumeBinding', code: Code.Error, reasons: ['boom'], point: 'Filter' }], scores: [] }],
          feasible: 0,
          best: [],
          error: 'boom',
        }),
      ),
    want: `Pod ns/p, profile default-scheduler
PreFilter: Success

NODE   RESULT   FAILED PLUGINS: REASONS
x      error    VolumeBinding: boom

error: boom (the scheduler would retry the pod with backoff)
`,
  },
  {
    name: 'PreFilter rejects the pod for every node',
    text: () => printExplanation(explainSchedule({ ...mkPod('p'), spec: { ...mkPod('p').spec, volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } } as never, { nodes: [mkNode('a')], pods: [] })),
    want: `Pod default/p, profile default-scheduler
PreFilter: UnschedulableAndUnresolvable, VolumeRestrictions: persistentvolumeclaim "data" not found

NODE   RESULT   FAILED PLUGINS: REASONS
a      fails    VolumeRestrictions: persistentvolumeclaim "data" not found (PreFilter)

0/1 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.
`,
  },
];

describe('explain-schedule printer', () => {
  for (const c of cases) it(c.name, () => assert.equal(c.text(), c.want));

  it('aligns columns without trailing spaces', () => {
    assert.equal(alignColumns([['A', 'BB', ''], ['ccc', 'd', 'e']]), 'A     BB\nccc   d    e\n');
  });
});
