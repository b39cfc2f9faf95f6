// The client side of the supervisor: write its unit file, start it detached when none answers,
// send it requests, wait for units, and shut it down. Whoever deploys a node (the local cluster
// today, a remote node later) uses only this module and the unit definitions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { ControlError, request, type ControlRequest } from './control';
import { isOurs, logTail, readPidFile, stopPid } from './proc';
import type { SupervisorStatus, UnitStatus } from './status';
import { supervisorPaths } from './supervisor';
import { validateUnits, type UnitFile, type UnitSpec } from './unit';

export class SupervisorError extends Error {
  readonly code: 'SUPERVISOR_START_FAILED' | 'SUPERVISOR_DOWN' | 'UNIT_FAILED' | 'UNIT_NOT_READY' | 'REQUEST_FAILED';
  /** The unit that failed, when one did. */
  readonly unit?: string;
  constructor(code: SupervisorError['code'], message: string, unit?: string) {
    super(message);
    this.name = 'SupervisorError';
    this.code = code;
    if (unit) this.unit = unit;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes the unit file atomically (after validating it). */
export function writeUnits(dir: string, units: UnitSpec[]): void {
  const file: UnitFile = { units };
  validateUnits(file);
  const p = supervisorPaths(dir);
  fs.mkdirSync(p.dir, { recursive: true });
  const tmp = `${p.units}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(file, null, 1) + '\n');
  fs.renameSync(tmp, p.units);
}

/** The status the supervisor answers, or undefined when none answers. */
export async function liveStatus(dir: string, timeoutMs = 5000): Promise<SupervisorStatus | undefined> {
  try {
    const r = await request(supervisorPaths(dir).socket, { cmd: 'status' }, timeoutMs);
    return r.ok ? r.status : undefined;
  } catch {
    return undefined;
  }
}

/** The last status.json a supervisor wrote (it may be gone since). */
export function statusFile(dir: string): SupervisorStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(supervisorPaths(dir).status, 'utf8')) as SupervisorStatus;
  } catch {
    return undefined;
  }
}

/** The pid of the supervisor recorded in dir, when that process still runs. */
export function supervisorPid(dir: string): number | undefined {
  const rec = readPidFile(supervisorPaths(dir).pidFile);
  return rec && isOurs(rec) ? rec.pid : undefined;
}

export interface LaunchOptions {
  dir: string;
  /** The supervisor's own JSON log. */
  logFile: string;
  nodeBin?: string;
  /** The compiled entry point (default: main.js beside this file). */
  script?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Starts a supervisor for dir unless one answers there; returns its pid. */
export async function ensureSupervisor(o: LaunchOptions): Promise<{ pid: number; started: boolean }> {
  const p = supervisorPaths(o.dir);
  const running = await liveStatus(o.dir);
  if (running) return { pid: running.supervisor.pid, started: false };
  const script = o.script ?? path.join(__dirname, 'main.js');
  if (!fs.existsSync(script)) throw new SupervisorError('SUPERVISOR_START_FAILED', `${script} is missing: run npm run build`);
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const fd = fs.openSync(o.logFile, 'a');
  let exited: string | undefined;
  let pid: number | undefined;
  try {
    const argv = [o.nodeBin ?? process.execPath, script, '--dir', p.dir, '--log-file', o.logFile];
    const child = spawn(argv[0], argv.slice(1), {
      detached: true,
      // a daemon: it pins no directory of whoever started it
      cwd: '/',
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...(o.env ?? {}), K8TS_LOG_FORMAT: 'json' },
    });
    child.once('exit', (code, sig) => (exited = sig ? `signal ${sig}` : `code ${code}`));
    child.once('error', (e) => (exited = e.message));
    child.unref();
    pid = child.pid;
  } finally {
    fs.closeSync(fd);
  }
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  for (;;) {
    const s = await liveStatus(o.dir, 2000);
    if (s) return { pid: s.supervisor.pid, started: true };
    if (exited !== undefined || pid === undefined) {
      // a concurrent up may have won the race to serve this directory
      const other = await liveStatus(o.dir, 2000);
      if (other) return { pid: other.supervisor.pid, started: false };
      throw new SupervisorError('SUPERVISOR_START_FAILED', `the supervisor exited (${exited ?? 'no pid'}); see ${o.logFile}\n${logTail(o.logFile)}`);
    }
    if (Date.now() > deadline) throw new SupervisorError('SUPERVISOR_START_FAILED', `the supervisor did not answer in time; see ${o.logFile}`);
    await sleep(50);
  }
}

/** One request; a refusal or an absent supervisor becomes a SupervisorError. */
export async function send(dir: string, req: ControlRequest, timeoutMs?: number): Promise<{ status: SupervisorStatus; pid?: number }> {
  let r;
  try {
    r = await request(supervisorPaths(dir).socket, req, timeoutMs);
  } catch (e) {
    if (e instanceof ControlError && e.code === 'SUPERVISOR_DOWN') {
      throw new SupervisorError('SUPERVISOR_DOWN', `no supervisor runs for ${dir}`);
    }
    throw e;
  }
  if (!r.ok) throw new SupervisorError('REQUEST_FAILED', r.error.message);
  return { status: r.status, ...(r.pid !== undefined ? { pid: r.pid } : {}) };
}

/**
 * Asks the supervisor to exit (its units keep running) and waits until it is gone; a supervisor
 * that does not answer is stopped by its recorded pid. Returns the pid that was stopped.
 */
export async function shutdownSupervisor(dir: string, graceMs = 10_000): Promise<number | undefined> {
  const rec = readPidFile(supervisorPaths(dir).pidFile);
  const ours = () => rec !== undefined && isOurs(rec);
  const wasRunning = ours();
  const answered = await request(supervisorPaths(dir).socket, { cmd: 'shutdown' }, 5000).then(
    (r) => r.ok,
    () => false,
  );
  if (!rec || !wasRunning) return undefined;
  const deadline = Date.now() + (answered ? graceMs : 0);
  while (ours() && Date.now() < deadline) await sleep(50);
  if (ours()) await stopPid(rec.pid, graceMs);
  return rec.pid;
}

/** Why a unit that should be coming up is not: undefined while there is still hope. */
export function unitFailure(u: UnitStatus, since: number): string | undefined {
  const e = u.lastExit;
  if (u.state === 'stopped') return 'it is stopped';
  if (e && !e.requested && e.at >= since && u.state !== 'running') {
    const how = e.error ? `could not start (${e.error})` : !e.known ? 'exited' : e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
    return `${how} before it was ready`;
  }
  return undefined;
}

/**
 * Polls until every named unit is running (ready). Calls onReady once per unit as it becomes ready;
 * fails on the first unit that exits before it is ready, naming its log.
 */
export async function waitUnitsRunning(
  dir: string,
  names: string[],
  o: { since: number; timeoutMs: number; onReady?: (u: UnitStatus) => void; intervalMs?: number },
): Promise<SupervisorStatus> {
  const deadline = Date.now() + o.timeoutMs;
  const seen = new Set<string>();
  for (;;) {
    const { status } = await send(dir, { cmd: 'status' });
    for (const name of names) {
      const u = status.units.find((x) => x.name === name);
      if (!u) throw new SupervisorError('UNIT_FAILED', `the supervisor has no unit ${name}`, name);
      if (u.state === 'running') {
        if (!seen.has(name)) {
          seen.add(name);
          o.onReady?.(u);
        }
        continue;
      }
      const why = unitFailure(u, o.since);
      if (why) throw new SupervisorError('UNIT_FAILED', `${name} ${why}; see ${u.logFile}\n${logTail(u.logFile)}`, name);
    }
    if (seen.size === names.length) return status;
    if (Date.now() > deadline) {
      const late = names.filter((n) => !seen.has(n));
      const first = status.units.find((u) => u.name === late[0]);
      throw new SupervisorError(
        'UNIT_NOT_READY',
        `not ready in time: ${late.join(', ')}${first ? `; see ${first.logFile}\n${logTail(first.logFile)}` : ''}`,
        late[0],
      );
    }
    await sleep(o.intervalMs ?? 100);
  }
}
