// Pure pod-level cgroup decisions, as the Kubernetes kubelet makes them with cgroups-per-qos on
// cgroup v1 (cgroupfs driver): where a pod's cgroup lives (by its QoS class, which is immutable,
// so a restarted kubelet finds the same path) and which limits the pod cgroup carries. Writing
// them is kubelet/pods/cgroups.ts' job.
import type { Container, Pod } from '../../lib/api/types';
import { bytesOf, cpuMillis } from '../../lib/api/quantity';
import { podQos, type QosClass } from '../../lib/api/qos';
import { aggregatePodAmounts, type AmountOps } from '../../lib/api/pod-resources';

export type { QosClass };

/** cgroup v1 constants the kubelet uses (MinShares, MaxShares, the CFS period, MinQuotaPeriod). */
export const MIN_SHARES = 2;
export const MAX_SHARES = 262_144;
export const CFS_PERIOD_US = 100_000;
export const MIN_QUOTA_US = 1_000;

/** Hierarchies the kubelet creates the pod cgroup in before the sandbox; runc creates the rest. */
export const POD_CGROUP_HIERARCHIES = ['cpu', 'cpuacct', 'memory', 'pids'] as const;

const trimRoot = (cgroupRoot: string) => cgroupRoot.replace(/\/+$/, '');

/** The QoS tier directory: Guaranteed pods sit right under the root, the others in a tier. */
export function qosCgroupPath(cgroupRoot: string, qos: QosClass): string {
  const root = trimRoot(cgroupRoot);
  return qos === 'Guaranteed' ? root : `${root}/${qos.toLowerCase()}`;
}

export const podCgroupPathFor = (cgroupRoot: string, qos: QosClass, uid: string): string => `${qosCgroupPath(cgroupRoot, qos)}/pod${uid}`;

/** The pod's cgroup (relative to each hierarchy): <root>/pod<uid>, <root>/burstable/pod<uid>, <root>/besteffort/pod<uid>. */
export const podCgroupPath = (cgroupRoot: string, pod: Pod): string => podCgroupPathFor(cgroupRoot, podQos(pod), pod.metadata.uid!);

/** Every place a pod with this UID may have a cgroup: for teardown when the pod object is gone. */
export const podCgroupCandidates = (cgroupRoot: string, uid: string): string[] =>
  (['Guaranteed', 'Burstable', 'BestEffort'] as const).map((q) => podCgroupPathFor(cgroupRoot, q, uid));

/** The limits of a pod cgroup; absent fields are left as the kernel has them. */
export interface PodCgroupConfig {
  cpuShares: number;
  cpuQuotaUs?: number;
  cpuPeriodUs?: number;
  memoryLimitBytes?: number;
}

/** Kubernetes' MilliCPUToShares: 1 core = 1024 shares, never below 2. */
export function milliCpuToShares(milli: number): number {
  if (milli <= 0) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milli * 1024) / 1000)));
}

/** Kubernetes' MilliCPUToQuota: the CFS quota for a period, at least 1 ms; 0 when unlimited. */
export function milliCpuToQuota(milli: number, periodUs = CFS_PERIOD_US): number {
  if (milli <= 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((milli * periodUs) / 1000));
}

type Amounts = { cpu: number; memory: number };
const ZERO: Amounts = { cpu: 0, memory: 0 };
const amountOps: AmountOps<Amounts> = {
  zero: () => ({ ...ZERO }),
  add: (a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }),
  max: (a, b) => ({ cpu: Math.max(a.cpu, b.cpu), memory: Math.max(a.memory, b.memory) }),
};
const requestsOf = (c: Container): Amounts => {
  // The apiserver defaults a missing request to the limit; do the same for pods that skipped it.
  const r = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
  return { cpu: cpuMillis(r.cpu), memory: bytesOf(r.memory) };
};
const limitsOf = (c: Container): Amounts => ({ cpu: cpuMillis(c.resources?.limits?.cpu), memory: bytesOf(c.resources?.limits?.memory) });
const overheadOf = (pod: Pod): Amounts => {
  const o = (pod.spec as { overhead?: Record<string, string> }).overhead ?? {};
  return { cpu: cpuMillis(o.cpu), memory: bytesOf(o.memory) };
};

/**
 * Kubernetes' pod requests and limits (PodRequests / PodLimits), by the shared rule of
 * lib/api/pod-resources.ts: sidecars add to the app containers and to later init containers. The
 * pod's overhead adds to the requests, and to the limits that are set (a missing limit stays
 * unlimited).
 */
export function podRequestsAndLimits(pod: Pod): { requests: Amounts; limits: Amounts } {
  const overhead = overheadOf(pod);
  const requests = amountOps.add(aggregatePodAmounts(pod.spec, requestsOf, amountOps), overhead);
  const lim = aggregatePodAmounts(pod.spec, limitsOf, amountOps);
  const limits = { cpu: lim.cpu > 0 ? lim.cpu + overhead.cpu : 0, memory: lim.memory > 0 ? lim.memory + overhead.memory : 0 };
  return { requests, limits };
}

/**
 * The pod cgroup's limits (Kubernetes' ResourceConfigForPod): shares from the pod's CPU requests
 * (BestEffort: the minimum); CFS quota and memory limit only when every container, init
 * containers and sidecars included, declares that limit (always for Guaranteed), since one
 * unlimited container makes the whole pod unlimited.
 */
export function podCgroupConfig(pod: Pod): PodCgroupConfig {
  const qos = podQos(pod);
  if (qos === 'BestEffort') return { cpuShares: MIN_SHARES };
  const { requests: req, limits: lim } = podRequestsAndLimits(pod);
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const cpuLimited = all.every((c) => cpuMillis(c.resources?.limits?.cpu) > 0);
  const memLimited = all.every((c) => bytesOf(c.resources?.limits?.memory) > 0);
  const out: PodCgroupConfig = { cpuShares: milliCpuToShares(req.cpu) };
  if (qos === 'Guaranteed' || cpuLimited) {
    out.cpuPeriodUs = CFS_PERIOD_US;
    out.cpuQuotaUs = milliCpuToQuota(lim.cpu);
  }
  if (qos === 'Guaranteed' || memLimited) out.memoryLimitBytes = lim.memory;
  return out;
}

/** One control file to hold a value: hierarchy, file name, value as the kernel reads it back. */
export interface CgroupWrite {
  hierarchy: string;
  file: string;
  value: string;
}

/** The files to write, in an order the kernel accepts (the period before the quota). */
export function cgroupWritesOf(cfg: PodCgroupConfig): CgroupWrite[] {
  const w: CgroupWrite[] = [{ hierarchy: 'cpu', file: 'cpu.shares', value: String(cfg.cpuShares) }];
  if (cfg.cpuPeriodUs !== undefined) w.push({ hierarchy: 'cpu', file: 'cpu.cfs_period_us', value: String(cfg.cpuPeriodUs) });
  if (cfg.cpuQuotaUs !== undefined) w.push({ hierarchy: 'cpu', file: 'cpu.cfs_quota_us', value: String(cfg.cpuQuotaUs) });
  if (cfg.memoryLimitBytes !== undefined) w.push({ hierarchy: 'memory', file: 'memory.limit_in_bytes', value: String(cfg.memoryLimitBytes) });
  return w;
}

/** A pod still holding node resources: Kubernetes' active pods exclude the terminal phases. */
export const isActivePod = (pod: Pod): boolean => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/** The pod's effective CPU request in millicores (Kubernetes' PodRequests: init containers and sidecars as above). */
export const podCpuRequestMillis = (pod: Pod): number => podRequestsAndLimits(pod).requests.cpu;

/** The settings of the two QoS tiers (Guaranteed pods sit in the root, which the tiers do not own). */
export interface QosTierConfig {
  burstable: { cpuShares: number };
  besteffort: { cpuShares: number };
}

/**
 * Kubernetes' QoS container manager (setCPUCgroupConfig): BestEffort always gets the minimum
 * shares; Burstable gets the shares of the summed CPU requests of the node's active Burstable pods
 * (converted once, so 100m + 200m gives 307, not 102 + 204). Memory limits stay unset, as upstream
 * leaves them without QoS-reserved memory.
 */
export function qosTierConfigOf(pods: Pod[]): QosTierConfig {
  let burstableMillis = 0;
  for (const p of pods) if (isActivePod(p) && podQos(p) === 'Burstable') burstableMillis += podCpuRequestMillis(p);
  return { burstable: { cpuShares: milliCpuToShares(burstableMillis) }, besteffort: { cpuShares: MIN_SHARES } };
}

/** The tier directories with the files each should hold, for the applier in cgroups.ts. */
export function qosTierWritesFor(cgroupRoot: string, cfg: QosTierConfig): { path: string; writes: CgroupWrite[] }[] {
  return [
    { path: qosCgroupPath(cgroupRoot, 'Burstable'), writes: [{ hierarchy: 'cpu', file: 'cpu.shares', value: String(cfg.burstable.cpuShares) }] },
    { path: qosCgroupPath(cgroupRoot, 'BestEffort'), writes: [{ hierarchy: 'cpu', file: 'cpu.shares', value: String(cfg.besteffort.cpuShares) }] },
  ];
}

/** Writes a QoS tier needs when it is created: BestEffort's tier gets the minimum CPU shares. */
export function qosTierWritesOf(qos: QosClass): CgroupWrite[] {
  return qos === 'BestEffort' ? [{ hierarchy: 'cpu', file: 'cpu.shares', value: String(MIN_SHARES) }] : [];
}

const PAGE = 4096n;

/**
 * Whether a control file already holds the wanted value, so a restarted kubelet writes nothing:
 * the kernel keeps memory limits in whole pages (rounding down), everything else as written.
 */
export function cgroupValueMatches(file: string, want: string, current: string): boolean {
  const cur = current.trim();
  if (!/^-?\d+$/.test(cur) || !/^-?\d+$/.test(want)) return cur === want;
  if (file === 'memory.limit_in_bytes') return (BigInt(want) / PAGE) * PAGE === BigInt(cur);
  return BigInt(want) === BigInt(cur);
}
