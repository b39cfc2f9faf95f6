// Per-process figures read from /proc for the benches' CPU accounting (Linux only).
import * as fs from 'node:fs';

/** CPU seconds a process has used so far (user + system), or 0 once it is gone (or for pid 0). */
export function cpuSeconds(pid: number): number {
  if (!pid) return 0;
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** The pid of the process whose command line contains every needle (0 if none). */
export function findPid(...needles: string[]): number {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      if (needles.every((n) => cmd.includes(n))) return Number(d);
    } catch {
      /* gone */
    }
  }
  return 0;
}
