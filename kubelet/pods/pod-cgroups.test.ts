import { strict as assert } from 'node:assert';
import type { Container, Pod } from '../../lib/api/types';
import { cgroupValueMatches, cgroupWritesOf, milliCpuToQuota, milliCpuToShares, podCgroupCandidates, podCgroupConfig, podCgroupPath, qosTierConfigOf, qosTierWritesFor, qosTierWritesOf, type PodCgroupConfig } from './pod-cgroups';

const Mi = 1024 * 1024;
const c = (limits?: Record<string, string>, requests?: Record<string, string>): Container => ({ name: 'c', image: 'i', resources: { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) } });
const side = (limits?: Record<string, string>, requests?: Record<string, string>): Container => ({ ...c(limits, requests), name: 's', restartPolicy: 'Always' });
const pod = (containers: Container[], initContainers?: Container[]): Pod => ({ metadata: { name: 'p', namespace: 'd', uid: 'u1' }, spec: { containers, ...(initContainers ? { initContainers } : {}) } });

describe('pod cgroups', () => {
  const paths: [string, Pod, string][] = [
    ['Guaranteed sits under the root', pod([c({ cpu: '1', memory: '64Mi' })]), '/k8ts/podu1'],
    ['Burstable in its tier', pod([c(undefined, { cpu: '100m' })]), '/k8ts/burstable/podu1'],
    ['BestEffort in its tier', pod([c()]), '/k8ts/besteffort/podu1'],
  ];
  for (const [name, p, want] of paths) it(`path: ${name}`, () => assert.equal(podCgroupPath('/k8ts/', p), want));

  it('lists every tier for a pod known only by UID', () =>
    assert.deepEqual(podCgroupCandidates('/k8ts', 'u9'), ['/k8ts/podu9', '/k8ts/burstable/podu9', '/k8ts/besteffort/podu9']));

  const shares: [number, number][] = [[0, 2], [1, 2], [2, 2], [100, 102], [250, 256], [1000, 1024], [1_000_000, 262_144]];
  for (const [milli, want] of shares) it(`shares: ${milli}m → ${want}`, () => assert.equal(milliCpuToShares(milli), want));
  const quotas: [number, number][] = [[0, 0], [5, 1000], [250, 25_000], [1500, 150_000]];
  for (const [milli, want] of quotas) it(`quota: ${milli}m → ${want}`, () => assert.equal(milliCpuToQuota(milli), want));

  const configs: [string, Pod, PodCgroupConfig][] = [
    ['BestEffort: minimum shares, nothing else', pod([c(), c()]), { cpuShares: 2 }],
    ['Guaranteed: shares, quota and memory summed', pod([c({ cpu: '500m', memory: '64Mi' }), c({ cpu: '250m', memory: '32Mi' })]), { cpuShares: 768, cpuPeriodUs: 100_000, cpuQuotaUs: 75_000, memoryLimitBytes: 96 * Mi }],
    ['Burstable with a memory limit everywhere: memory, no quota', pod([c({ memory: '20Mi' }), c({ memory: '10Mi' }, { cpu: '100m' })]), { cpuShares: 102, memoryLimitBytes: 30 * Mi }],
    ['Burstable with one container unlimited: shares only', pod([c({ memory: '20Mi', cpu: '1' }), c(undefined, { cpu: '200m' })]), { cpuShares: 1228 }],
    ['Burstable with CPU limits everywhere: quota from the limits', pod([c({ cpu: '1' }, { cpu: '100m' }), c({ cpu: '500m' })]), { cpuShares: 614, cpuPeriodUs: 100_000, cpuQuotaUs: 150_000 }],
    ['a larger init container raises the pod totals', pod([c({ cpu: '100m', memory: '16Mi' })], [c({ cpu: '1', memory: '128Mi' })]), { cpuShares: 1024, cpuPeriodUs: 100_000, cpuQuotaUs: 100_000, memoryLimitBytes: 128 * Mi }],
    ['a smaller init container changes nothing', pod([c({ memory: '64Mi' })], [c({ memory: '8Mi' })]), { cpuShares: 2, memoryLimitBytes: 64 * Mi }],
    // Sidecars run beside the app containers: their requests and limits add up.
    ['a sidecar adds to the app containers', pod([c({ cpu: '500m', memory: '64Mi' })], [side({ cpu: '250m', memory: '32Mi' })]), { cpuShares: 768, cpuPeriodUs: 100_000, cpuQuotaUs: 75_000, memoryLimitBytes: 96 * Mi }],
    // init i2 (1 CPU) runs beside sidecar s (500m): 1.5 CPU beats app + sidecar (600m).
    ['a later init container runs beside earlier sidecars', pod([c({ cpu: '100m', memory: '16Mi' })], [side({ cpu: '500m', memory: '16Mi' }), c({ cpu: '1', memory: '16Mi' })]), { cpuShares: 1536, cpuPeriodUs: 100_000, cpuQuotaUs: 150_000, memoryLimitBytes: 32 * Mi }],
    ['an init container without a memory limit leaves the pod unlimited', pod([c({ memory: '64Mi' }, { cpu: '100m' })], [c(undefined, { cpu: '50m' })]), { cpuShares: 102 }],
    ['a sidecar without a CPU limit leaves the pod without quota', pod([c({ cpu: '1', memory: '64Mi' })], [side({ memory: '8Mi' }, { cpu: '100m' })]), { cpuShares: 1126, memoryLimitBytes: 72 * Mi }],
    ['overhead adds to the requests and to the set limits', { ...pod([c({ cpu: '1', memory: '64Mi' })]), spec: { containers: [c({ cpu: '1', memory: '64Mi' })], overhead: { cpu: '250m', memory: '16Mi' } } as Pod['spec'] }, { cpuShares: 1280, cpuPeriodUs: 100_000, cpuQuotaUs: 125_000, memoryLimitBytes: 80 * Mi }],
  ];
  for (const [name, p, want] of configs) it(`config: ${name}`, () => assert.deepEqual(podCgroupConfig(p), want));

  it('writes the period before the quota, and only what the config sets', () => {
    assert.deepEqual(cgroupWritesOf({ cpuShares: 2 }), [{ hierarchy: 'cpu', file: 'cpu.shares', value: '2' }]);
    assert.deepEqual(
      cgroupWritesOf({ cpuShares: 1024, cpuPeriodUs: 100_000, cpuQuotaUs: 50_000, memoryLimitBytes: Mi }).map((w) => `${w.hierarchy}/${w.file}=${w.value}`),
      ['cpu/cpu.shares=1024', 'cpu/cpu.cfs_period_us=100000', 'cpu/cpu.cfs_quota_us=50000', `memory/memory.limit_in_bytes=${Mi}`],
    );
  });

  it('gives the BestEffort tier the minimum shares, the others nothing', () => {
    assert.deepEqual(qosTierWritesOf('BestEffort'), [{ hierarchy: 'cpu', file: 'cpu.shares', value: '2' }]);
    assert.deepEqual(qosTierWritesOf('Burstable'), []);
  });

  const withPhase = (p: Pod, phase: NonNullable<Pod['status']>['phase']): Pod => ({ ...p, status: { phase } });
  const tiers: [string, Pod[], number][] = [
    ['no pods: the minimum', [], 2],
    ['Burstable requests are summed, then converted once', [pod([c(undefined, { cpu: '100m' })]), pod([c(undefined, { cpu: '200m' })])], 307],
    ['a Burstable pod with only a memory request counts nothing', [pod([c(undefined, { memory: '10Mi' })])], 2],
    ['a missing request defaults to the limit', [pod([c({ cpu: '250m' }), c()])], 256],
    ['init containers count by their maximum', [pod([c(undefined, { cpu: '100m' })], [c(undefined, { cpu: '1' })])], 1024],
    ['Guaranteed and BestEffort pods do not count', [pod([c({ cpu: '1', memory: '64Mi' })]), pod([c()]), pod([c(undefined, { cpu: '500m' })])], 512],
    ['finished pods do not count', [withPhase(pod([c(undefined, { cpu: '500m' })]), 'Succeeded'), withPhase(pod([c(undefined, { cpu: '500m' })]), 'Failed'), withPhase(pod([c(undefined, { cpu: '100m' })]), 'Running')], 102],
  ];
  for (const [name, pods, want] of tiers)
    it(`QoS tiers: ${name}`, () => assert.deepEqual(qosTierConfigOf(pods), { burstable: { cpuShares: want }, besteffort: { cpuShares: 2 } }));

  it('writes only the tiers\' CPU shares, never a memory limit', () =>
    assert.deepEqual(
      qosTierWritesFor('/k8ts/', { burstable: { cpuShares: 307 }, besteffort: { cpuShares: 2 } }).map((t) => t.writes.map((w) => `${t.path}:${w.hierarchy}/${w.file}=${w.value}`)).flat(),
      ['/k8ts/burstable:cpu/cpu.shares=307', '/k8ts/besteffort:cpu/cpu.shares=2'],
    ));

  const matches: [string, string, string, boolean][] = [
    ['cpu.shares', '1024', '1024\n', true],
    ['cpu.shares', '1024', '2\n', false],
    ['memory.limit_in_bytes', '20971521', '20971520\n', true],
    ['memory.limit_in_bytes', '20971520', '9223372036854771712\n', false],
    ['cpu.cfs_quota_us', '50000', '-1\n', false],
  ];
  for (const [file, want, cur, same] of matches) it(`value match: ${file} ${want} vs ${cur.trim()} → ${same}`, () => assert.equal(cgroupValueMatches(file, want, cur), same));
});
