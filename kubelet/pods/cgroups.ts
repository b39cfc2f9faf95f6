// Pod cgroups on cgroup v1: runc creates <parent>/<container> in every hierarchy; the parent
// directories stay behind, so the kubelet removes them once a pod is gone (best effort).
import * as fs from 'node:fs';
import * as path from 'node:path';

export function removeCgroupDirs(rel: string, mountRoot = '/sys/fs/cgroup'): void {
  let hierarchies: string[];
  try {
    hierarchies = fs.readdirSync(mountRoot);
  } catch {
    return;
  }
  for (const h of hierarchies) {
    const dir = path.join(mountRoot, h, rel);
    try {
      // Children first (containers' leftovers), then the pod dir; rmdir fails while processes live.
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) fs.rmdirSync(path.join(dir, e.name));
      fs.rmdirSync(dir);
    } catch {
      /* absent or busy */
    }
  }
}
