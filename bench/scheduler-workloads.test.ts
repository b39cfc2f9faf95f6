import assert from 'node:assert/strict';
import { benchNode, benchPod, missingPlugins, nodeName, runOrder, schedBenchConfig, zoneOfNode, ZONES } from './scheduler-workloads';

describe('bench:scheduler workloads', () => {
  it('defaults: upstream-like counts, every shape listed', () => {
    const c = schedBenchConfig({});
    assert.equal(c.concurrency, 20);
    assert.equal(c.ratePerSec, 0);
    assert.deepEqual(
      c.workloads.map((w) => [w.name, w.nodes, w.warmupPods, w.measurePods]),
      [
        ['SchedulingBasic_1000Nodes', 1000, 500, 1000],
        ['SchedulingBasic_5000Nodes', 5000, 1000, 1000],
        ['SchedulingPodAntiAffinity', 500, 100, 400],
        ['TopologySpreading', 1000, 1000, 1000],
        ['PreemptionBasic', 1000, 4000, 1000],
        ['SchedulingWithMixedChurn', 1000, 0, 1000],
      ],
    );
  });

  it('the environment shrinks or skips workloads', () => {
    const c = schedBenchConfig({ BENCH_SCHED_NODES: '50', BENCH_SCHED_PODS: '100', BENCH_SCHED_WARMUP: '0', BENCH_SCHED_LARGE_NODES: '0', BENCH_SCHED_SHAPES: '0', BENCH_SCHED_RATE: '200' });
    assert.deepEqual(c.workloads.map((w) => [w.name, w.nodes, w.warmupPods, w.measurePods]), [['SchedulingBasic_1000Nodes', 50, 0, 100]]);
    assert.equal(c.ratePerSec, 200);
  });

  const bad: [string, string][] = [
    ['BENCH_SCHED_NODES', '0'],
    ['BENCH_SCHED_PODS', 'many'],
    ['BENCH_SCHED_CONCURRENCY', '1.5'],
    ['BENCH_SCHED_RATE', '-1'],
  ];
  for (const [k, v] of bad) it(`rejects ${k}=${v} naming the variable`, () => assert.throws(() => schedBenchConfig({ [k]: v }), new RegExp(k)));

  it('a workload needing a plugin the scheduler lacks is reported with what is missing', () => {
    const [, , anti] = schedBenchConfig({}).workloads;
    assert.deepEqual(missingPlugins(anti, ['NodeResourcesFit']), ['InterPodAffinity']);
    assert.deepEqual(missingPlugins(anti, ['NodeResourcesFit', 'InterPodAffinity']), []);
  });

  it('runs workloads from the fewest nodes to the most, so nodes are only added', () => {
    assert.deepEqual(runOrder(schedBenchConfig({}).workloads).map((w) => w.nodes), [500, 1000, 1000, 1000, 1000, 5000]);
  });

  it('nodes follow the node-default template, zones round-robin', () => {
    const n = benchNode(4);
    assert.equal(n.metadata.name, nodeName(4));
    assert.deepEqual(n.status?.allocatable, { cpu: '4', memory: '32Gi', pods: '110' });
    assert.equal(n.metadata.labels?.['topology.kubernetes.io/zone'], ZONES[1]);
    assert.deepEqual(n.status?.conditions, [{ type: 'Ready', status: 'True' }]);
    for (const i of [0, 1, 2, 3, 4999]) assert.equal(zoneOfNode(nodeName(i)), benchNode(i).metadata.labels?.['topology.kubernetes.io/zone']);
    assert.equal(zoneOfNode('elsewhere'), 'unknown');
  });

  it('pod shapes carry their constraints', () => {
    const plain = benchPod('default', 'ns', 'p') as unknown as { spec: Record<string, unknown> };
    assert.equal(plain.spec.affinity, undefined);
    const anti = benchPod('anti-affinity', 'ns', 'p') as unknown as { metadata: { labels: Record<string, string> }; spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { topologyKey: string }[] } } } };
    assert.equal(anti.metadata.labels.color, 'green');
    assert.equal(anti.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, 'kubernetes.io/hostname');
    const spread = benchPod('topology-spreading', 'ns', 'p') as unknown as { spec: { topologySpreadConstraints: { maxSkew: number }[] } };
    assert.equal(spread.spec.topologySpreadConstraints[0].maxSkew, 5);
    const high = benchPod('high-priority', 'ns', 'p') as unknown as { spec: { priorityClassName: string; containers: { resources: { requests: { cpu: string } } }[] } };
    assert.equal(high.spec.priorityClassName, 'sched-bench-high');
    assert.equal(high.spec.containers[0].resources.requests.cpu, '3');
  });
});
