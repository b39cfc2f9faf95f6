// Resource facts of the machine (memory available, root-fs space, process count) and the pure
// pressure decisions made from them with Kubernetes' default hard eviction thresholds.
import * as fs from 'node:fs';

export interface ResourceFacts {
  memoryAvailableBytes: number;
  /** The filesystem holding the kubelet root dir (nodefs). */
  fsCapacityBytes: number;
  fsAvailableBytes: number;
  pidMax: number;
  pidsInUse: number;
}

export interface PressureThresholds {
  memoryAvailableBytes: number;
  fsAvailablePercent: number;
  pidAvailablePercent: number;
}

/** Kubernetes' defaults: memory.available<100Mi, nodefs.available<10%; PIDs: under 10% left. */
export const DEFAULT_THRESHOLDS: PressureThresholds = { memoryAvailableBytes: 100 * 2 ** 20, fsAvailablePercent: 10, pidAvailablePercent: 10 };

export interface Pressure {
  memory: boolean;
  disk: boolean;
  pid: boolean;
}

export function pressureOf(f: ResourceFacts, t: PressureThresholds = DEFAULT_THRESHOLDS): Pressure {
  return {
    memory: f.memoryAvailableBytes < t.memoryAvailableBytes,
    disk: f.fsCapacityBytes > 0 && (f.fsAvailableBytes * 100) / f.fsCapacityBytes < t.fsAvailablePercent,
    pid: f.pidMax > 0 && ((f.pidMax - f.pidsInUse) * 100) / f.pidMax < t.pidAvailablePercent,
  };
}

/** Pure: MemAvailable from /proc/meminfo text, in bytes. */
export function parseMemAvailable(meminfo: string): number {
  const m = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Pure: the number of scheduling entities (threads) from /proc/loadavg ("0.1 0.2 0.3 2/345 678"). */
export function parseLoadavgTasks(loadavg: string): number {
  const m = /\s\d+\/(\d+)\s/.exec(loadavg);
  return m ? Number(m[1]) : 0;
}

export function readResourceFacts(rootDir: string): ResourceFacts {
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  let fsCapacityBytes = 0;
  let fsAvailableBytes = 0;
  try {
    const s = fs.statfsSync(rootDir);
    fsCapacityBytes = s.blocks * s.bsize;
    fsAvailableBytes = s.bavail * s.bsize;
  } catch {
    /* root dir not there yet: no disk facts */
  }
  return {
    memoryAvailableBytes: parseMemAvailable(read('/proc/meminfo')),
    fsCapacityBytes,
    fsAvailableBytes,
    pidMax: Number(read('/proc/sys/kernel/pid_max').trim()) || 0,
    pidsInUse: parseLoadavgTasks(read('/proc/loadavg')),
  };
}
