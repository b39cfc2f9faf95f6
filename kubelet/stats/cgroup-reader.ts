// Reads a cgroup v1 group's CPU and memory counters (the hybrid layout of these machines): the
// cumulative CPU time from cpuacct.usage and the memory working set as cAdvisor reports it, the
// usage less the inactive file cache (pages the kernel can drop at once, so not what a pod needs).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CGROUP_MOUNT = '/sys/fs/cgroup';

/** One reading of a cgroup: undefined fields could not be read (the group is gone or never was). */
export interface CgroupReading {
  usageCoreNanoSeconds?: number;
  memoryUsageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
}

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const readNum = (file: string): number | undefined => {
  const t = readText(file);
  if (t === undefined) return undefined;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : undefined;
};

/** Pure: memory.stat's "key value" lines as numbers. */
export function parseMemoryStat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

/** Pure: cAdvisor's working set, usage minus inactive file pages, never below zero. */
export function workingSetOf(usageBytes: number, stat: Record<string, number>): number {
  const inactive = stat.total_inactive_file ?? stat.inactive_file ?? 0;
  return Math.max(0, usageBytes - inactive);
}

/** The counters of one cgroup (a path relative to each hierarchy, "/" for the root). */
export function readCgroup(cgroup: string, mountRoot = CGROUP_MOUNT): CgroupReading {
  const cpu =
    readNum(path.join(mountRoot, 'cpuacct', cgroup, 'cpuacct.usage')) ?? readNum(path.join(mountRoot, 'cpu,cpuacct', cgroup, 'cpuacct.usage'));
  const memDir = path.join(mountRoot, 'memory', cgroup);
  const usage = readNum(path.join(memDir, 'memory.usage_in_bytes'));
  const statText = usage === undefined ? undefined : readText(path.join(memDir, 'memory.stat'));
  const stat = statText ? parseMemoryStat(statText) : {};
  return {
    usageCoreNanoSeconds: cpu,
    memoryUsageBytes: usage,
    workingSetBytes: usage === undefined ? undefined : workingSetOf(usage, stat),
    rssBytes: stat.total_rss ?? stat.rss,
  };
}
