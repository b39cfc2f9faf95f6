import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMemoryStat, readCgroup, workingSetOf } from './cgroup-reader';
import { CpuRates, summaryOf, type SummaryInput } from './summary';

describe('kubelet stats: cgroup readings', () => {
  it('working set is usage less inactive file pages, never negative', () => {
    const cases: [number, string, number][] = [
      [1000, 'total_inactive_file 300\ninactive_file 5\n', 700],
      [1000, 'inactive_file 100\n', 900],
      [100, 'total_inactive_file 300\n', 0],
      [1000, '', 1000],
    ];
    for (const [usage, stat, want] of cases) assert.equal(workingSetOf(usage, parseMemoryStat(stat)), want, stat);
  });

  it('reads cpuacct and memory files of a cgroup tree; a missing group reads as undefined', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-'));
    try {
      fs.mkdirSync(path.join(root, 'cpuacct/k/pod1'), { recursive: true });
      fs.mkdirSync(path.join(root, 'memory/k/pod1'), { recursive: true });
      fs.writeFileSync(path.join(root, 'cpuacct/k/pod1/cpuacct.usage'), '123456789\n');
      fs.writeFileSync(path.join(root, 'memory/k/pod1/memory.usage_in_bytes'), '4096000\n');
      fs.writeFileSync(path.join(root, 'memory/k/pod1/memory.stat'), 'cache 10\ntotal_inactive_file 96000\ntotal_rss 2000000\n');
      assert.deepEqual(readCgroup('/k/pod1', root), { usageCoreNanoSeconds: 123456789, memoryUsageBytes: 4096000, workingSetBytes: 4000000, rssBytes: 2000000 });
      assert.deepEqual(readCgroup('/k/gone', root), { usageCoreNanoSeconds: undefined, memoryUsageBytes: undefined, workingSetBytes: undefined, rssBytes: undefined });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('kubelet stats: CPU rates', () => {
  it('rates against a baseline at least a second old; restarts on a counter that went back', () => {
    const r = new CpuRates();
    const steps: [number, number | undefined, number | undefined][] = [
      // [at ms, cumulative ns, expected nano-cores]
      [0, 0, undefined],
      [500, 250_000_000, 500_000_000], // half a core over 0.5 s; baseline kept (too young)
      [2000, 1_000_000_000, 500_000_000], // from t=0: 1 s of CPU over 2 s
      [3000, 2_000_000_000, 1_000_000_000], // from t=2000: 1 s over 1 s
      [4000, 100, undefined], // new cgroup under the same key
      [5000, 200_000_100, 200_000_000],
      [6000, undefined, undefined],
    ];
    for (const [at, usage, want] of steps) assert.equal(r.rate('k', at, usage), want, `t=${at}`);
  });
});

describe('kubelet stats: summary', () => {
  const input = (nowMs: number, podCpu: number, withContainer = true): SummaryInput => ({
    nodeName: 'n1',
    nodeStartTime: '2026-01-01T00:00:00.000Z',
    nowMs,
    node: { usageCoreNanoSeconds: podCpu * 4, memoryUsageBytes: 8e9, workingSetBytes: 6e9 },
    freeMemoryBytes: 16e9,
    pods: [
      {
        name: 'p',
        namespace: 'ns',
        uid: 'u1',
        startTime: '2026-01-01T00:00:01Z',
        cgroup: '/k/podu1',
        reading: { usageCoreNanoSeconds: podCpu, memoryUsageBytes: 3000, workingSetBytes: 2000 },
        containers: withContainer ? [{ name: 'app', cgroup: '/k/podu1/c1', reading: { usageCoreNanoSeconds: podCpu, memoryUsageBytes: 2500, workingSetBytes: 1500 } }] : [],
      },
    ],
  });

  it('reports node, pod and container CPU (cumulative and rate) and memory working set', () => {
    const rates = new CpuRates();
    const first = summaryOf(rates, input(10_000, 1e9));
    assert.equal(first.pods[0].containers[0].cpu.usageNanoCores, undefined);
    const s = summaryOf(rates, input(20_000, 6e9));
    assert.deepEqual(s.node.cpu, { time: '1970-01-01T00:00:20.000Z', usageCoreNanoSeconds: 24e9, usageNanoCores: 2e9 });
    assert.deepEqual(s.node.memory, { time: '1970-01-01T00:00:20.000Z', usageBytes: 8e9, workingSetBytes: 6e9, availableBytes: 16e9 });
    assert.deepEqual(s.pods[0].podRef, { name: 'p', namespace: 'ns', uid: 'u1' });
    assert.deepEqual(s.pods[0].cpu, { time: '1970-01-01T00:00:20.000Z', usageCoreNanoSeconds: 6e9, usageNanoCores: 5e8 });
    assert.deepEqual(s.pods[0].containers, [
      { name: 'app', cpu: { time: '1970-01-01T00:00:20.000Z', usageCoreNanoSeconds: 6e9, usageNanoCores: 5e8 }, memory: { time: '1970-01-01T00:00:20.000Z', usageBytes: 2500, workingSetBytes: 1500 } },
    ]);
  });

  it('leaves out pods with no readable container', () => {
    assert.deepEqual(summaryOf(new CpuRates(), input(0, 1, false)).pods, []);
  });
});
