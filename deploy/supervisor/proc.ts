// Processes as /proc shows them: identity that survives pid reuse (a pid file records the argv
// that was started, and the live command line must still match it), liveness, start time and, for
// a dead process that is not our child, the exit status while it is still a zombie. Parsers are
// pure over /proc text.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A pid file: the pid plus the argv that was started, to recognise our own process later. */
export interface PidRecord {
  pid: number;
  argv: string[];
}

export function readPidFile(file: string): PidRecord | undefined {
  try {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as PidRecord;
    return Number.isInteger(rec.pid) && rec.pid > 0 && Array.isArray(rec.argv) ? rec : undefined;
  } catch {
    return undefined;
  }
}

export function writePidFile(file: string, rec: PidRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(rec) + '\n');
  fs.renameSync(tmp, file);
}

/** Splits /proc/<pid>/cmdline text (NUL-separated, usually NUL-terminated) into argv. */
export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function procCmdline(pid: number): string[] | undefined {
  try {
    return parseCmdline(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
}

export interface ProcStat {
  state: string;
  ppid: number;
  /** Clock ticks after boot. */
  startTicks: number;
  /** waitpid-style status, only meaningful for a zombie (0 when the kernel hides it). */
  exitCode: number;
}

/** Pure: the parts of /proc/<pid>/stat the supervisor needs (fields 3, 4, 22 and 52). */
export function parseStat(stat: string): ProcStat {
  const f = statFields(stat); // f[0] is field 3
  return { state: f[0] ?? '?', ppid: Number(f[1]), startTicks: Number(f[19]), exitCode: Number(f[49] ?? 0) || 0 };
}

export function procStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Running (or stopped, sleeping…) and not a zombie. */
export function alive(pid: number): boolean {
  const s = procStat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/**
 * True when the live command line still is the one we started. nsenter execs its target, so the
 * live cmdline may be the argv without the `nsenter ... --` prefix; argv[0] may have been resolved
 * through PATH.
 */
export function cmdlineMatches(recorded: string[], live: string[]): boolean {
  const same = (want: string[]) =>
    live.length === want.length && want.every((a, i) => (i === 0 ? path.basename(a) === path.basename(live[0]) : a === live[i]));
  // Right after spawn, nsenter may not have exec'd its target yet: accept the whole argv too.
  const sep = path.basename(recorded[0] ?? '') === 'nsenter' ? recorded.indexOf('--') : -1;
  return same(recorded) || (sep >= 0 && same(recorded.slice(sep + 1)));
}

/** Whether pid is alive and still runs the recorded argv. */
export function isOurs(rec: PidRecord): boolean {
  const live = procCmdline(rec.pid);
  return live !== undefined && alive(rec.pid) && cmdlineMatches(rec.argv, live);
}

/** The pid of the live process recorded in pidFile, if any. */
export function runningPid(pidFile: string): number | undefined {
  const rec = readPidFile(pidFile);
  return rec && isOurs(rec) ? rec.pid : undefined;
}

let bootMs: number | undefined;
const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node runs on

/** Pure: wall-clock start time from /proc/stat's btime and a process's start ticks. */
export function startTimeMs(btimeSeconds: number, startTicks: number): number {
  return btimeSeconds * 1000 + Math.round((startTicks * 1000) / TICKS_PER_SECOND);
}

/** When pid started (ms since the epoch), for processes the supervisor adopts rather than spawns. */
export function processStartMs(pid: number): number | undefined {
  const s = procStat(pid);
  if (!s || !Number.isFinite(s.startTicks)) return undefined;
  if (bootMs === undefined) {
    const m = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    if (!m) return undefined;
    bootMs = Number(m[1]);
  }
  return startTimeMs(bootMs, s.startTicks);
}

/** Pure: a waitpid status word as (code, signal). */
export function decodeWaitStatus(status: number): { code: number | null; signal: number | null } {
  const sig = status & 0x7f;
  return sig === 0 ? { code: (status >> 8) & 0xff, signal: null } : { code: null, signal: sig };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, wait up to graceMs, then SIGKILL. Resolves once the process is gone (or a zombie). */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    while (alive(pid)) await sleep(50);
  }
}

/** Stops the process recorded in pidFile if it is still ours; removes the pid file. */
export async function stopRecorded(pidFile: string, graceMs?: number): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid !== undefined) await stopPid(pid, graceMs);
  fs.rmSync(pidFile, { force: true });
  return pid !== undefined;
}

/** The last lines of a log file, for error messages. */
export function logTail(file: string | undefined, lines = 15): string {
  if (!file) return '';
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
