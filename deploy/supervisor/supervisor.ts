// A small process supervisor with systemd's Restart=always semantics, for nodes with or without
// systemd. It runs the units of its unit file (units.json in its directory): on its first start
// in dependency order, each unit only once its dependencies have been ready; any exit that was
// not requested is restarted after the backoff restart-policy.ts decides. Processes it finds
// already running (their pid file names a live process with the recorded command line) are
// adopted and watched through /proc, so a supervisor can die and a new one take over without
// touching them. Everything it does is visible in status.json and on its control socket.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { componentLogger, type Logger } from '../../lib/log';
import { holdLock, serveControl, type ControlRequest, type ControlResponse } from './control';
import { allReady } from './probe';
import { alive, decodeWaitStatus, isOurs, processStartMs, procStat, readPidFile, writePidFile } from './proc';
import { decideAfterExit } from './restart-policy';
import { MAX_DECISIONS, type DecisionRecord, type ExitRecord, type SupervisorStatus, type UnitState, type UnitStatus } from './status';
import { DEFAULT_STOP_TIMEOUT_MS, restartPolicyOf, startOrder, unblocked, UnitError, validateUnits, type UnitSpec } from './unit';

export interface SupervisorPaths {
  dir: string;
  units: string;
  status: string;
  socket: string;
  pidFile: string;
}

export function supervisorPaths(dir: string): SupervisorPaths {
  const d = path.resolve(dir);
  return {
    dir: d,
    units: path.join(d, 'units.json'),
    status: path.join(d, 'status.json'),
    socket: path.join(d, 'supervisor.sock'),
    pidFile: path.join(d, 'supervisor.pid'),
  };
}

export interface SupervisorOptions {
  dir: string;
  logFile?: string;
  logger?: Logger;
  /** How often adopted processes (not our children) are checked through /proc. */
  adoptPollMs?: number;
  /** How often readiness probes run while a unit starts. */
  probeIntervalMs?: number;
}

interface Unit {
  spec: UnitSpec;
  state: UnitState;
  pid?: number;
  /** The argv the running process was started with (its identity in /proc). */
  argv?: string[];
  child?: ChildProcess;
  adopted: boolean;
  /** Bumped on every spawn or adoption: events of an older process are ignored. */
  gen: number;
  startedAt?: number;
  readyAt?: number;
  restarts: number;
  failures: number;
  wantStopped: boolean;
  stopRequested: boolean;
  lastExit?: ExitRecord;
  decisions: DecisionRecord[];
  nextStartAt?: number;
  timer?: NodeJS.Timeout;
  exitWaiters: (() => void)[];
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const signalNames = new Map(Object.entries(os.constants.signals).map(([name, n]) => [n as number, name]));

export class Supervisor {
  readonly paths: SupervisorPaths;
  private readonly log: Logger;
  private readonly units = new Map<string, Unit>();
  private readonly everReady = new Set<string>();
  private server?: net.Server;
  private lock?: net.Server;
  private poll?: NodeJS.Timeout;
  private statusQueued = false;
  private closed = false;
  private readonly startedAt = Date.now();

  constructor(private readonly o: SupervisorOptions) {
    this.paths = supervisorPaths(o.dir);
    this.log = o.logger ?? componentLogger('supervisor', { dir: this.paths.dir });
  }

  /** Loads the units, adopts what already runs, serves the control socket and starts the rest. */
  async start(): Promise<void> {
    this.lock = await holdLock(this.paths.dir);
    const specs = this.readUnitFile();
    const previous = this.readPreviousStatus();
    for (const spec of specs) {
      const u = this.newUnit(spec);
      this.units.set(spec.name, u);
      this.adopt(u, previous.get(spec.name));
    }
    this.server = await serveControl(this.paths.socket, (r) => this.handle(r));
    this.poll = setInterval(() => this.guard('poll', () => this.pollAdopted()), this.o.adoptPollMs ?? 250);
    this.poll.unref();
    this.schedule();
    this.writeStatusSoon();
    this.log.info({ units: specs.map((s) => s.name), socket: this.paths.socket }, 'supervisor started');
  }

  /** Stops supervising; every unit keeps running (a later supervisor adopts them). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    for (const u of this.units.values()) if (u.timer) clearTimeout(u.timer);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    fs.rmSync(this.paths.socket, { force: true });
    await new Promise<void>((r) => (this.lock ? this.lock.close(() => r()) : r()));
    this.writeStatusNow();
    this.log.info({}, 'supervisor stopped; units left running');
  }

  status(): SupervisorStatus {
    return {
      supervisor: {
        pid: process.pid,
        startedAt: this.startedAt,
        running: !this.closed,
        socket: this.paths.socket,
        ...(this.o.logFile ? { logFile: this.o.logFile } : {}),
      },
      units: [...this.units.values()].map((u) => this.unitStatus(u)),
      writtenAt: Date.now(),
    };
  }

  // --- operator requests -------------------------------------------------------------------

  async handle(r: ControlRequest): Promise<ControlResponse> {
    switch (r.cmd) {
      case 'status':
        return { ok: true, status: this.status() };
      case 'apply':
        this.apply();
        return { ok: true, status: this.status() };
      case 'shutdown':
        // answer first, then go
        setImmediate(() => this.guard('shutdown', () => void this.close().then(() => this.onShutdown?.())));
        return { ok: true, status: this.status() };
      case 'start':
      case 'stop':
      case 'restart': {
        const u = this.units.get(r.unit);
        if (!u) {
          const names = [...this.units.keys()].join(', ');
          return { ok: false, error: { code: 'UNIT_UNKNOWN', message: `no unit "${r.unit}" (units: ${names})` }, status: this.status() };
        }
        if (r.cmd === 'stop') await this.stopUnit(u);
        else if (r.cmd === 'start') this.startUnit(u, true);
        else {
          await this.stopUnit(u);
          this.startUnit(u, true);
        }
        return { ok: true, status: this.status(), ...(u.pid ? { pid: u.pid } : {}) };
      }
    }
  }

  /** Set by the entry point: what to do once a shutdown request has closed the supervisor. */
  onShutdown?: () => void;

  /** Re-reads the unit file; every unit not running is started (stopped ones included). */
  apply(): void {
    const specs = this.readUnitFile();
    const wanted = new Set(specs.map((s) => s.name));
    for (const [name, u] of this.units) {
      if (!wanted.has(name)) {
        void this.stopUnit(u).then(() => this.units.delete(name));
      }
    }
    for (const spec of specs) {
      const u = this.units.get(spec.name);
      // a running process keeps its command line until it next starts
      if (u) u.spec = spec;
      else this.units.set(spec.name, this.newUnit(spec));
    }
    for (const spec of specs) this.startUnit(this.units.get(spec.name)!, false);
    this.schedule();
    this.writeStatusSoon();
    this.log.info({ units: specs.map((s) => s.name) }, 'units applied');
  }

  private startUnit(u: Unit, now: boolean): void {
    u.wantStopped = false;
    if (u.state === 'backoff') {
      // an operator's start does not wait out a crash loop's delay
      if (u.timer) clearTimeout(u.timer);
      u.timer = undefined;
      this.spawnUnit(u);
    } else if (u.state === 'stopped') {
      u.state = 'waiting';
      if (now) this.schedule();
    }
    this.writeStatusSoon();
  }

  private async stopUnit(u: Unit): Promise<void> {
    u.wantStopped = true;
    if (u.timer) clearTimeout(u.timer);
    u.timer = undefined;
    u.nextStartAt = undefined;
    if (u.pid === undefined) {
      u.state = 'stopped';
      this.writeStatusSoon();
      return;
    }
    const pid = u.pid;
    const gone = new Promise<void>((r) => u.exitWaiters.push(r));
    u.stopRequested = true;
    u.state = 'stopping';
    this.writeStatusSoon();
    this.log.info({ unit: u.spec.name, pid }, 'stopping unit');
    signal(pid, 'SIGTERM');
    const killer = setTimeout(() => {
      if (u.pid === pid) signal(pid, 'SIGKILL');
    }, u.spec.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(killer);
  }

  // --- the state machine ---------------------------------------------------------------------

  private newUnit(spec: UnitSpec): Unit {
    return { spec, state: 'waiting', adopted: false, gen: 0, restarts: 0, failures: 0, wantStopped: false, stopRequested: false, decisions: [], exitWaiters: [] };
  }

  /** Takes over a process of a previous supervisor, if its pid file names one that still runs. */
  private adopt(u: Unit, prev: UnitStatus | undefined): void {
    const rec = readPidFile(u.spec.pidFile);
    if (!rec || !isOurs(rec)) return;
    u.gen++;
    u.pid = rec.pid;
    u.argv = rec.argv;
    u.adopted = true;
    u.startedAt = processStartMs(rec.pid);
    u.state = 'starting';
    // the same process a previous supervisor watched: its history continues
    if (prev && prev.pid === rec.pid) {
      u.restarts = prev.restarts;
      u.lastExit = prev.lastExit;
      u.decisions = prev.decisions ?? [];
      u.failures = prev.lastDecision?.failures ?? 0;
    }
    this.log.info({ unit: u.spec.name, pid: rec.pid }, 'unit adopted');
    void this.probeUntilReady(u, u.gen);
  }

  /** Starts every waiting unit whose dependencies have been ready once. */
  private schedule(): void {
    if (this.closed) return;
    const specs = [...this.units.values()].map((u) => u.spec);
    const order = startOrder(specs);
    const free = new Set(unblocked(specs, this.everReady));
    for (const name of order) {
      const u = this.units.get(name)!;
      if (u.state === 'waiting' && !u.wantStopped && free.has(name)) this.spawnUnit(u);
    }
  }

  private spawnUnit(u: Unit): void {
    if (this.closed) return;
    const { spec } = u;
    u.gen++;
    const gen = u.gen;
    u.nextStartAt = undefined;
    u.stopRequested = false;
    u.adopted = false;
    u.startedAt = Date.now();
    u.readyAt = undefined;
    u.state = 'starting';
    u.argv = spec.argv;
    fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
    const fd = fs.openSync(spec.logFile, 'a');
    let child: ChildProcess;
    try {
      fs.writeSync(fd, `\n=== ${new Date().toISOString()} starting: ${spec.argv.join(' ')}\n`);
      const env = { ...(spec.env ?? {}) };
      env.PATH ??= DEFAULT_PATH;
      // its own session: a signal to the supervisor's process group never reaches it, and it
      // outlives the supervisor
      child = spawn(spec.argv[0], spec.argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env, cwd: spec.cwd });
    } catch (e) {
      fs.closeSync(fd);
      this.onExit(u, gen, { code: null, signal: null, known: true, error: (e as Error).message });
      return;
    }
    fs.closeSync(fd);
    u.child = child;
    u.pid = child.pid;
    child.unref();
    child.once('exit', (code, sig) => this.guard('exit', () => this.onExit(u, gen, { code, signal: sig, known: true })));
    child.once('error', (err) => {
      // only a failed spawn has no pid; other errors (a failed kill) change nothing
      if (child.pid === undefined) this.guard('spawn error', () => this.onExit(u, gen, { code: null, signal: null, known: true, error: err.message }));
    });
    if (child.pid !== undefined) {
      writePidFile(spec.pidFile, { pid: child.pid, argv: spec.argv });
      this.log.info({ unit: spec.name, pid: child.pid }, 'unit started');
      void this.probeUntilReady(u, gen);
    }
    this.writeStatusSoon();
  }

  private async probeUntilReady(u: Unit, gen: number): Promise<void> {
    const interval = this.o.probeIntervalMs ?? 150;
    while (!this.closed && u.gen === gen && u.state === 'starting') {
      let ready = false;
      try {
        ready = await allReady(u.spec.ready);
      } catch {
        ready = false;
      }
      if (u.gen !== gen || u.state !== 'starting') return;
      if (ready) {
        u.state = 'running';
        u.readyAt = Date.now();
        this.everReady.add(u.spec.name);
        this.log.info({ unit: u.spec.name, pid: u.pid, ms: u.startedAt ? u.readyAt - u.startedAt : undefined }, 'unit ready');
        this.writeStatusSoon();
        this.schedule();
        return;
      }
      await sleep(interval);
    }
  }

  private onExit(u: Unit, gen: number, e: { code: number | null; signal: string | null; known: boolean; error?: string }): void {
    if (u.gen !== gen || this.closed) return;
    const now = Date.now();
    const pid = u.pid;
    const uptimeMs = e.error ? 0 : u.startedAt !== undefined ? now - u.startedAt : undefined;
    u.gen++;
    u.child = undefined;
    u.pid = undefined;
    u.adopted = false;
    u.readyAt = undefined;
    if (pid !== undefined && readPidFile(u.spec.pidFile)?.pid === pid) fs.rmSync(u.spec.pidFile, { force: true });
    const requested = u.stopRequested || u.wantStopped;
    u.stopRequested = false;
    u.lastExit = {
      code: e.code,
      signal: e.signal,
      at: now,
      ...(uptimeMs !== undefined ? { uptimeMs } : {}),
      requested,
      known: e.known,
      ...(e.error ? { error: e.error } : {}),
    };
    const d = decideAfterExit({ requestedStop: requested, failures: u.failures, uptimeMs }, restartPolicyOf(u.spec));
    const record: DecisionRecord = {
      at: now,
      reason: d.reason,
      action: d.action,
      delayMs: d.action === 'restart' ? d.delayMs : 0,
      failures: d.failures,
      counted: d.action === 'restart' && d.counted,
    };
    u.decisions = [...u.decisions, record].slice(-MAX_DECISIONS);
    u.failures = d.failures;
    if (record.counted) u.restarts++;
    this.log.info({ unit: u.spec.name, pid, code: e.code, signal: e.signal, known: e.known, error: e.error, uptimeMs, requested }, 'unit exited');
    for (const w of u.exitWaiters.splice(0)) w();
    if (d.action === 'stay-stopped') {
      u.state = 'stopped';
    } else {
      u.state = 'backoff';
      u.nextStartAt = now + d.delayMs;
      this.log.info({ unit: u.spec.name, delayMs: d.delayMs, failures: d.failures, reason: d.reason }, 'restart scheduled');
      u.timer = setTimeout(() => {
        u.timer = undefined;
        this.guard('restart', () => {
          if (u.state === 'backoff' && !u.wantStopped) this.spawnUnit(u);
        });
      }, d.delayMs);
    }
    this.writeStatusSoon();
  }

  /** Adopted processes are not our children: their end shows in /proc only. */
  private pollAdopted(): void {
    for (const u of this.units.values()) {
      if (!u.adopted || u.pid === undefined || !u.argv) continue;
      if (isOurs({ pid: u.pid, argv: u.argv })) continue;
      // a zombie still tells how it ended until its new parent reaps it
      const st = procStat(u.pid);
      if (st && st.state === 'Z') {
        const w = decodeWaitStatus(st.exitCode);
        const sig = w.signal !== null ? (signalNames.get(w.signal) ?? `signal ${w.signal}`) : null;
        this.onExit(u, u.gen, { code: w.code, signal: sig, known: true });
      } else {
        this.onExit(u, u.gen, { code: null, signal: null, known: false });
      }
    }
  }

  // --- files -----------------------------------------------------------------------------------

  private readUnitFile(): UnitSpec[] {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(this.paths.units, 'utf8'));
    } catch (e) {
      throw new UnitError('UNIT_INVALID', `cannot read ${this.paths.units}: ${(e as Error).message}`);
    }
    return validateUnits(raw);
  }

  private readPreviousStatus(): Map<string, UnitStatus> {
    try {
      const s = JSON.parse(fs.readFileSync(this.paths.status, 'utf8')) as SupervisorStatus;
      return new Map((s.units ?? []).map((u) => [u.name, u]));
    } catch {
      return new Map();
    }
  }

  private unitStatus(u: Unit): UnitStatus {
    const last = u.decisions[u.decisions.length - 1];
    return {
      name: u.spec.name,
      state: u.state,
      ...(u.pid !== undefined ? { pid: u.pid } : {}),
      adopted: u.adopted,
      restarts: u.restarts,
      ...(u.startedAt !== undefined ? { startedAt: u.startedAt } : {}),
      ...(u.readyAt !== undefined ? { readyAt: u.readyAt } : {}),
      ...(u.lastExit ? { lastExit: u.lastExit } : {}),
      ...(last ? { lastDecision: last } : {}),
      decisions: u.decisions,
      ...(u.nextStartAt !== undefined ? { nextStartAt: u.nextStartAt } : {}),
      logFile: u.spec.logFile,
    };
  }

  private writeStatusSoon(): void {
    if (this.statusQueued) return;
    this.statusQueued = true;
    setImmediate(() => {
      this.statusQueued = false;
      this.guard('status', () => this.writeStatusNow());
    });
  }

  private writeStatusNow(): void {
    const tmp = `${this.paths.status}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.status(), null, 1) + '\n');
    fs.renameSync(tmp, this.paths.status);
  }

  /** The supervisor never dies of what happens to a unit: a failing handler is logged. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error({ err: (e as Error).message, during: what }, 'supervisor step failed');
    }
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    if (alive(pid)) process.kill(pid, sig);
  } catch {
    // already gone
  }
}
