// /stats/summary: node and pod CPU and memory read from cgroup v1 (the hybrid layout here):
// cpuacct.usage (ns) and memory.usage_in_bytes under the kubelet's cgroup root.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '../../lib/api/types';
import { podCgroupPath } from '../pods/pod-cgroups';

const readNum = (file: string): number | undefined => {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
};

export interface CgroupUsage {
  cpu: { time: string; usageCoreNanoSeconds?: number };
  memory: { time: string; usageBytes?: number; workingSetBytes?: number };
}

export function cgroupUsage(cgroup: string, now: string): CgroupUsage {
  const usage = readNum(path.join('/sys/fs/cgroup/cpuacct', cgroup, 'cpuacct.usage')) ?? readNum(path.join('/sys/fs/cgroup/cpu,cpuacct', cgroup, 'cpuacct.usage'));
  const mem = readNum(path.join('/sys/fs/cgroup/memory', cgroup, 'memory.usage_in_bytes'));
  return { cpu: { time: now, usageCoreNanoSeconds: usage }, memory: { time: now, usageBytes: mem, workingSetBytes: mem } };
}

export async function statsSummary(nodeName: string, cgroupRoot: string, pods: Pod[]): Promise<unknown> {
  const now = new Date().toISOString();
  const root = cgroupRoot.replace(/\/+$/, '');
  return {
    node: {
      nodeName,
      startTime: new Date(Date.now() - os.uptime() * 1000).toISOString(),
      cpu: cgroupUsage('/', now).cpu,
      memory: { time: now, availableBytes: os.freemem(), usageBytes: os.totalmem() - os.freemem(), workingSetBytes: os.totalmem() - os.freemem() },
    },
    pods: pods.map((p) => ({
      podRef: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
      startTime: p.status?.startTime,
      ...cgroupUsage(podCgroupPath(root, p), now),
    })),
  };
}
