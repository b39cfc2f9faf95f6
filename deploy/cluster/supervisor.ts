// Process supervision for the launcher: detached processes with a log file and a pid file,
// liveness that survives pid reuse (the recorded command line must still match), graceful stop
// (SIGTERM, then SIGKILL), and readiness probes that work inside a network namespace.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { inNetns } from './component-commands';

export class SupervisorError extends Error {
  readonly code: 'START_FAILED' | 'NOT_READY';
  constructor(code: 'START_FAILED' | 'NOT_READY', message: string) {
    super(message);
    this.name = 'SupervisorError';
    this.code = code;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The recorded pid file: pid plus the argv that was started, to recognise our own process. */
interface PidRecord {
  pid: number;
  argv: string[];
}

export function readPidFile(file: string): PidRecord | undefined {
  try {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as PidRecord;
    return Number.isInteger(rec.pid) && Array.isArray(rec.argv) ? rec : undefined;
  } catch {
    return undefined;
  }
}

export function procCmdline(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * True when the running process still is the one we started. nsenter execs its target, so the
 * live cmdline is the argv without the `nsenter ... --` prefix.
 */
export function cmdlineMatches(recorded: string[], live: string[]): boolean {
  const same = (want: string[]) =>
    live.length === want.length &&
    // argv[0] may have been resolved through PATH by exec
    want.every((a, i) => (i === 0 ? path.basename(a) === path.basename(live[0]) : a === live[i]));
  // Right after spawn, nsenter may not have exec'd its target yet: accept the whole argv too.
  const sep = recorded[0] === 'nsenter' ? recorded.indexOf('--') : -1;
  return same(recorded) || (sep >= 0 && same(recorded.slice(sep + 1)));
}

/** The pid of the live process recorded in pidFile, if any. */
export function runningPid(pidFile: string): number | undefined {
  const rec = readPidFile(pidFile);
  if (!rec) return undefined;
  const live = procCmdline(rec.pid);
  if (!live || isZombie(rec.pid) || !cmdlineMatches(rec.argv, live)) return undefined;
  return rec.pid;
}

export function spawnDetached(argv: string[], logFile: string, pidFile: string, env?: NodeJS.ProcessEnv): number {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(fd, `\n=== ${new Date().toISOString()} starting: ${argv.join(' ')}\n`);
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
    if (child.pid === undefined) throw new SupervisorError('START_FAILED', `cannot start ${argv[0]}`);
    child.on('error', () => undefined); // reported through liveness checks instead
    child.unref();
    fs.writeFileSync(pidFile, JSON.stringify({ pid: child.pid, argv } satisfies PidRecord) + '\n');
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL. Resolves once the process is gone. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    while (alive(pid)) await sleep(50);
  }
}

export async function stopRecorded(pidFile: string, graceMs?: number): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid !== undefined) await stopPid(pid, graceMs);
  fs.rmSync(pidFile, { force: true });
  return pid !== undefined;
}

function tcpOpenHere(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Whether host:port accepts connections, probed from inside netns when given. */
export function tcpOpen(host: string, port: number, netns?: string): Promise<boolean> {
  if (!netns) return tcpOpenHere(host, port);
  // bash's /dev/tcp: a connect() from inside the namespace without another Node process
  const argv = inNetns(['bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`], netns);
  return new Promise((resolve) => execFile(argv[0], argv.slice(1), { timeout: 3000 }, (err) => resolve(!err)));
}

/** Polls check() until true; fails early when the watched process died, naming its log. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  opts: { timeoutMs?: number; pidFile?: string; logFile?: string; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    if (await check()) return;
    // Liveness of the pid just started, not runningPid's identity check: between fork and exec the
    // child's cmdline is still its parent's, which would read as "not our process".
    const rec = opts.pidFile ? readPidFile(opts.pidFile) : undefined;
    if (opts.pidFile && (!rec || !alive(rec.pid))) {
      throw new SupervisorError('START_FAILED', `${what}: process exited; see ${opts.logFile ?? 'its log'}${tail(opts.logFile)}`);
    }
    if (Date.now() > deadline) throw new SupervisorError('NOT_READY', `${what}: not ready in time; see ${opts.logFile ?? 'its log'}${tail(opts.logFile)}`);
    await sleep(opts.intervalMs ?? 250);
  }
}

function tail(file?: string, lines = 15): string {
  if (!file) return '';
  try {
    const t = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return `\n--- last lines of ${file} ---\n${t}`;
  } catch {
    return '';
  }
}
