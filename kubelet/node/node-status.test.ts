import { strict as assert } from 'node:assert';
import { desiredNodeStatus, nodeImages, nodeResources, statusFingerprint, type NodeStatusInputs } from './node-status';
import { parseLoadavgTasks, parseMemAvailable, pressureOf } from './node-pressure';

const GiB = 2 ** 30;
const machine = { cpus: 2, memoryBytes: 8 * GiB, kernelVersion: '6.1', osImage: 'Debian', arch: 'amd64', machineID: 'm', bootID: 'b' };
const healthy = { memoryAvailableBytes: 4 * GiB, fsCapacityBytes: 100 * GiB, fsAvailableBytes: 50 * GiB, pidMax: 4_194_304, pidsInUse: 500 };
const inputs = (over: Partial<NodeStatusInputs> = {}): NodeStatusInputs => ({
  nodeName: 'n1', nodeIP: '10.0.0.2', hostname: 'h', machine, runtimeVersion: 'containerd://1.6.20', kubeletPort: 10250, nowIso: '2026-01-01T00:00:00Z', resources: healthy, networkReady: true, ...over,
});
const condOf = (s: ReturnType<typeof desiredNodeStatus>, t: string) => s.conditions!.find((c) => c.type === t)!;

describe('node status', () => {
  it('reports capacity, and allocatable minus reserved and eviction thresholds', () => {
    const r = nodeResources({ machine, resources: healthy, reserved: { cpu: '100m', memory: '1Gi', 'ephemeral-storage': '1Gi' } });
    assert.deepEqual(r.capacity, { cpu: '2', memory: `${8 * 1024 * 1024}Ki`, pods: '110', 'ephemeral-storage': `${100 * 1024 * 1024}Ki` });
    assert.equal(r.allocatable.cpu, '1900m');
    assert.equal(r.allocatable.memory, `${(7 * GiB - 100 * 2 ** 20) / 1024}Ki`);
    assert.equal(r.allocatable['ephemeral-storage'], String(100 * GiB - GiB - 10 * GiB));
  });

  it('turns pressure conditions on at Kubernetes thresholds', () => {
    assert.deepEqual(pressureOf(healthy), { memory: false, disk: false, pid: false });
    assert.deepEqual(pressureOf({ ...healthy, memoryAvailableBytes: 50 * 2 ** 20, fsAvailableBytes: 5 * GiB, pidsInUse: 4_000_000 }), { memory: true, disk: true, pid: true });
    const s = desiredNodeStatus(inputs({ resources: { ...healthy, fsAvailableBytes: GiB } }));
    assert.deepEqual([condOf(s, 'DiskPressure').status, condOf(s, 'DiskPressure').reason], ['True', 'KubeletHasDiskPressure']);
    assert.equal(condOf(s, 'MemoryPressure').status, 'False');
    assert.equal(condOf(s, 'NetworkUnavailable').status, 'False');
    assert.equal(condOf(desiredNodeStatus(inputs({ networkReady: false })), 'NetworkUnavailable').status, 'True');
  });

  it('lists images largest first with digests and tags, capped at 50', () => {
    const imgs = Array.from({ length: 60 }, (_, i) => ({ repoTags: [`t${i}:1`], repoDigests: [`t${i}@sha256:${i}`], size: i }));
    const out = nodeImages([...imgs, { repoTags: [], repoDigests: [], size: 999 }]);
    assert.equal(out.length, 50);
    assert.deepEqual(out[0], { names: ['t59@sha256:59', 't59:1'], sizeBytes: 59 });
    assert.deepEqual(desiredNodeStatus(inputs({ images: imgs.slice(0, 1) })).images, [{ names: ['t0@sha256:0', 't0:1'], sizeBytes: 0 }]);
  });

  it('keeps the fingerprint stable across heartbeats and transition times across checks', () => {
    const a = desiredNodeStatus(inputs());
    const b = desiredNodeStatus(inputs({ nowIso: '2026-01-01T00:01:00Z' }), a);
    assert.equal(statusFingerprint(a), statusFingerprint(b));
    assert.equal(condOf(b, 'Ready').lastTransitionTime, '2026-01-01T00:00:00Z');
  });

  it('parses /proc facts', () => {
    assert.equal(parseMemAvailable('MemTotal: 10 kB\nMemAvailable:    2048 kB\n'), 2 * 1024 * 1024);
    assert.equal(parseLoadavgTasks('0.10 0.20 0.30 2/345 6789\n'), 345);
  });
});
