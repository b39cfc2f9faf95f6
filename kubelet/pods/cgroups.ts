// Pod cgroups on cgroup v1, the thin layer that touches /sys/fs/cgroup (decisions are in
// pod-cgroups.ts). The kubelet creates the pod cgroup and writes its limits before the sandbox
// exists; runc then creates <pod cgroup>/<container> in every hierarchy. On teardown the pod
// directory and the containers' leftovers are removed (best effort); QoS tiers stay, and
// ensureQosTiers keeps their shares in line with the node's pods.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cgroupValueMatches, cgroupWritesOf, POD_CGROUP_HIERARCHIES, qosTierWritesFor, qosTierWritesOf, type CgroupWrite, type PodCgroupConfig, type QosClass, type QosTierConfig } from './pod-cgroups';

export const CGROUP_MOUNT = '/sys/fs/cgroup';

export class PodCgroupError extends Error {
  readonly code = 'POD_CGROUP_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'PodCgroupError';
  }
}

/** Writes each file whose value differs from the wanted one; returns the files it wrote. */
function applyWrites(rel: string, writes: CgroupWrite[], mountRoot: string): string[] {
  const written: string[] = [];
  for (const w of writes) {
    const file = path.join(mountRoot, w.hierarchy, rel, w.file);
    let current: string | undefined;
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      // A kernel without this file (no CFS bandwidth control, say) cannot hold the limit.
      continue;
    }
    if (cgroupValueMatches(w.file, w.value, current)) continue;
    try {
      fs.writeFileSync(file, w.value);
    } catch (e) {
      throw new PodCgroupError(`writing ${w.value} to ${file}: ${(e as Error).message}`);
    }
    written.push(`${w.hierarchy}/${w.file}`);
  }
  return written;
}

/** Creates a cgroup in every pod hierarchy this machine mounts; true if any was new. */
function ensureDirs(rel: string, mountRoot: string): boolean {
  let created = false;
  for (const h of POD_CGROUP_HIERARCHIES) {
    const base = path.join(mountRoot, h);
    if (!fs.existsSync(base)) continue;
    const dir = path.join(base, rel);
    if (fs.existsSync(dir)) continue;
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new PodCgroupError(`creating cgroup ${dir}: ${(e as Error).message}`);
    }
    created = true;
  }
  return created;
}

export interface EnsureResult {
  created: boolean;
  /** Control files written ("cpu/cpu.shares"): empty when everything already held its value. */
  written: string[];
}

/**
 * Makes the pod cgroup exist with its limits. Idempotent: a second call (or a restarted kubelet)
 * creates and writes nothing when the cgroup is already as wanted.
 */
export function ensurePodCgroup(o: { podPath: string; tierPath: string; qos: QosClass; config: PodCgroupConfig }, mountRoot = CGROUP_MOUNT): EnsureResult {
  const written: string[] = [];
  if (o.tierPath !== path.posix.dirname(o.podPath)) throw new PodCgroupError(`pod cgroup ${o.podPath} is not inside its tier ${o.tierPath}`);
  if (o.qos !== 'Guaranteed' && ensureDirs(o.tierPath, mountRoot)) written.push(...applyWrites(o.tierPath, qosTierWritesOf(o.qos), mountRoot));
  const created = ensureDirs(o.podPath, mountRoot);
  written.push(...applyWrites(o.podPath, cgroupWritesOf(o.config), mountRoot));
  return { created, written };
}

/**
 * Makes both QoS tiers exist and hold their settings (the QoS container manager's UpdateCgroups).
 * Writes only files whose value differs; returns them as "<tier>/cpu/cpu.shares".
 */
export function ensureQosTiers(cgroupRoot: string, cfg: QosTierConfig, mountRoot = CGROUP_MOUNT): string[] {
  const written: string[] = [];
  for (const t of qosTierWritesFor(cgroupRoot, cfg)) {
    ensureDirs(t.path, mountRoot);
    for (const w of applyWrites(t.path, t.writes, mountRoot)) written.push(`${t.path}/${w}`);
  }
  return written;
}

/** Removes a pod cgroup in every hierarchy: containers' leftovers first, then the pod directory. */
export function removeCgroupDirs(rel: string, mountRoot = CGROUP_MOUNT): void {
  let hierarchies: string[];
  try {
    hierarchies = fs.readdirSync(mountRoot);
  } catch {
    return;
  }
  for (const h of hierarchies) {
    const dir = path.join(mountRoot, h, rel);
    try {
      // rmdir fails while processes live in it: the next teardown (or the cluster's prune) retries.
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) fs.rmdirSync(path.join(dir, e.name));
      fs.rmdirSync(dir);
    } catch {
      /* absent or busy */
    }
  }
}
