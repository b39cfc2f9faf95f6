// tmpfs mounts for memory-backed emptyDirs and secrets, and the mount table reading that cleanup
// relies on (a directory is never deleted while something is still mounted below it).
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Pure: mount points from /proc/self/mountinfo text (field 5, octal escapes decoded). */
export function parseMountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length < 5) continue;
    out.push(f[4].replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

export function mountPointsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  const all = parseMountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
  // Deepest first, so nested mounts come off before their parents.
  return all.filter((m) => m === dir || m.startsWith(prefix)).sort((a, b) => b.length - a.length);
}

export const isMountPoint = (dir: string): boolean => mountPointsUnder(dir).includes(dir);

/** Pure: the tmpfs options for a memory volume ("size=" only when a limit is given). */
export function tmpfsOptions(sizeBytes?: number): string {
  const opts = ['mode=0777'];
  if (sizeBytes && sizeBytes > 0) opts.push(`size=${sizeBytes}`);
  return opts.join(',');
}

export function mountTmpfs(dir: string, sizeBytes?: number): void {
  if (isMountPoint(dir)) return;
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', tmpfsOptions(sizeBytes), 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Unmounts everything below dir; returns the mount points that would not come off. */
export function unmountAllUnder(dir: string): string[] {
  const failed: string[] = [];
  for (const m of mountPointsUnder(dir)) {
    try {
      execFileSync('umount', [m], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      try {
        execFileSync('umount', ['-l', m], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch {
        failed.push(m);
      }
    }
  }
  return failed;
}
