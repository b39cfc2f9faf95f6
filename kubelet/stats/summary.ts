// The kubelet's /stats/summary (the Summary API that metrics pipelines scrape): node, pod and
// container CPU and memory. Assembly is pure (summaryOf); the counters come from the cgroups
// (cgroup-reader.ts) and the running containers from CRI (collect.ts). CPU is reported both as the
// cumulative usageCoreNanoSeconds and as usageNanoCores, the rate since an earlier reading of the
// same cgroup (cAdvisor derives it from its housekeeping samples; here from earlier requests).
import type { CgroupReading } from './cgroup-reader';

export interface CpuStats {
  time: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
}

export interface ContainerStats {
  name: string;
  startTime?: string;
  cpu: CpuStats;
  memory: MemoryStats;
}

export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime?: string;
  containers: ContainerStats[];
  cpu: CpuStats;
  memory: MemoryStats;
}

export interface Summary {
  node: { nodeName: string; startTime: string; cpu: CpuStats; memory: MemoryStats };
  pods: PodStats[];
}

/** A rate needs a baseline at least this old, so that requests in quick succession still get one. */
const MIN_BASELINE_MS = 1000;
/** Baselines of cgroups not read for this long are dropped (their pods are gone). */
const FORGET_AFTER_MS = 10 * 60 * 1000;

/**
 * Turns cumulative CPU counters into rates: the first reading of a cgroup has no rate; later ones
 * are measured against the last baseline at least a second old. A counter that went backwards
 * (a new cgroup under the same key) restarts the baseline.
 */
export class CpuRates {
  private readonly last = new Map<string, { at: number; usage: number }>();

  rate(key: string, atMs: number, usage: number | undefined): number | undefined {
    if (usage === undefined) return undefined;
    const prev = this.last.get(key);
    let out: number | undefined;
    if (prev && usage >= prev.usage && atMs > prev.at) out = Math.round(((usage - prev.usage) * 1000) / (atMs - prev.at));
    if (!prev || usage < prev.usage || atMs - prev.at >= MIN_BASELINE_MS) this.last.set(key, { at: atMs, usage });
    return out;
  }

  forgetOlderThan(atMs: number): void {
    for (const [k, v] of this.last) if (atMs - v.at > FORGET_AFTER_MS) this.last.delete(k);
  }
}

export interface ContainerReading {
  name: string;
  /** The cgroup path, the CPU rate's key. */
  cgroup: string;
  startTime?: string;
  reading: CgroupReading;
}

export interface PodReading {
  name: string;
  namespace: string;
  uid: string;
  startTime?: string;
  cgroup: string;
  reading: CgroupReading;
  containers: ContainerReading[];
}

export interface SummaryInput {
  nodeName: string;
  nodeStartTime: string;
  nowMs: number;
  node: CgroupReading;
  /** The machine's free memory (os.freemem), reported as the node's availableBytes. */
  freeMemoryBytes: number;
  pods: PodReading[];
}

function cpuOf(rates: CpuRates, key: string, time: string, atMs: number, r: CgroupReading): CpuStats {
  const out: CpuStats = { time };
  const rate = rates.rate(key, atMs, r.usageCoreNanoSeconds);
  if (rate !== undefined) out.usageNanoCores = rate;
  if (r.usageCoreNanoSeconds !== undefined) out.usageCoreNanoSeconds = r.usageCoreNanoSeconds;
  return out;
}

function memoryOf(time: string, r: CgroupReading): MemoryStats {
  const out: MemoryStats = { time };
  if (r.memoryUsageBytes !== undefined) out.usageBytes = r.memoryUsageBytes;
  if (r.workingSetBytes !== undefined) out.workingSetBytes = r.workingSetBytes;
  if (r.rssBytes !== undefined) out.rssBytes = r.rssBytes;
  return out;
}

/**
 * The Summary document. Pods list only the containers whose cgroup could be read; a pod without
 * any (not started yet, or already gone) is left out rather than reported with empty numbers.
 */
export function summaryOf(rates: CpuRates, i: SummaryInput): Summary {
  const time = new Date(i.nowMs).toISOString();
  const nodeMemory = memoryOf(time, i.node);
  nodeMemory.availableBytes = i.freeMemoryBytes;
  const pods: PodStats[] = [];
  for (const p of i.pods) {
    const containers = p.containers
      .filter((c) => c.reading.usageCoreNanoSeconds !== undefined || c.reading.memoryUsageBytes !== undefined)
      .map((c) => ({
        name: c.name,
        ...(c.startTime ? { startTime: c.startTime } : {}),
        cpu: cpuOf(rates, c.cgroup, time, i.nowMs, c.reading),
        memory: memoryOf(time, c.reading),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (containers.length === 0) continue;
    pods.push({
      podRef: { name: p.name, namespace: p.namespace, uid: p.uid },
      ...(p.startTime ? { startTime: p.startTime } : {}),
      containers,
      cpu: cpuOf(rates, p.cgroup, time, i.nowMs, p.reading),
      memory: memoryOf(time, p.reading),
    });
  }
  rates.forgetOlderThan(i.nowMs);
  return { node: { nodeName: i.nodeName, startTime: i.nodeStartTime, cpu: cpuOf(rates, '/', time, i.nowMs, i.node), memory: nodeMemory }, pods };
}
