// How a host runs its components: systemd service files where systemd is PID 1, the project's
// supervisor (deploy/supervisor) where it is not — with a boot hook so that it comes back after a
// reboot as an enabled systemd unit would. Runs on the host (inside the host agent).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureSupervisor, liveStatus, send, shutdownSupervisor, waitUnitsRunning, writeUnits } from '../supervisor/launch';
import { allReady } from '../supervisor/probe';
import { readPidFile, runningPid, stopRecorded } from '../supervisor/proc';
import { supervisorPaths } from '../supervisor/supervisor';
import type { UnitSpec } from '../supervisor/unit';
import type { InitSystem, UnitState } from './agent-protocol';
import { BOOT_HOOK, bundleDir, LOG_DIR, SUPERVISOR_DIR, SYSTEMD_DIR, systemdUnitFile } from './host-layout';
import type { DesiredUnit } from './host-plan';
import { renderSystemdUnit, unitName } from './systemd-units';

export class HostInitError extends Error {
  constructor(
    readonly code: 'UNITS_NOT_READY' | 'SYSTEMCTL_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'HostInitError';
  }
}

/** systemd is running as PID 1 (its own test: the directory exists only then). */
export function detectInit(root = '/'): InitSystem {
  return fs.existsSync(path.join(root, 'run/systemd/system')) ? 'systemd' : 'supervisor';
}

/** Writes file when its content differs; true when written. */
export function writeIfDifferent(file: string, content: string, mode: number): boolean {
  try {
    if (fs.readFileSync(file, 'utf8') === content && (fs.statSync(file).mode & 0o777) === mode) return false;
  } catch {
    // absent
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.k8ts-tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
  return true;
}

const specOf = (u: DesiredUnit): UnitSpec => {
  const { hash: _hash, ...spec } = u;
  return spec;
};

export interface InitApply {
  units: DesiredUnit[];
  start: string[];
  restart: string[];
  remove: string[];
  bundle: string;
  timeoutMs: number;
}

export interface InitApplied {
  pids: Record<string, number>;
  supervisor?: { pid: number; started: boolean };
}

export interface InitBackend {
  readonly kind: InitSystem;
  units(names: string[], pidFiles: Record<string, string>): UnitState[];
  apply(a: InitApply): Promise<InitApplied>;
  /** Uninstall, first step: nothing restarts a unit any more (the supervisor exits; systemd units are disabled). */
  release(names: string[]): Promise<void>;
  /** Uninstall: stops one unit; true when it was running. */
  stop(name: string, pidFile: string): Promise<boolean>;
  /** Uninstall, last step: removes the unit files or boot hook. */
  uninstallFiles(): void;
}

// --- the project's supervisor -------------------------------------------------------------------

const supervisorScript = (bundle: string) => path.join(bundleDir(bundle), 'dist', 'deploy', 'supervisor', 'main.js');
const agentScript = (bundle: string) => path.join(bundleDir(bundle), 'dist', 'deploy', 'remote', 'host-agent.js');
const nodeOf = (bundle: string) => path.join(bundleDir(bundle), 'node');
export const SUPERVISOR_LOG = path.join(LOG_DIR, 'supervisor.log');

/** The boot hook: the machine's init runs it at every start; it starts the supervisor, detached. */
export function bootHook(bundle: string): string {
  return [
    '#!/bin/sh',
    '# Written by k8ts deploy: this machine has no systemd, so its boot starts the k8ts supervisor',
    '# (which starts the node components) as enabled systemd units would be started.',
    `exec ${nodeOf(bundle)} ${agentScript(bundle)} boot`,
    '',
  ].join('\n');
}

/** Starts the supervisor from the bundle (a running one from another bundle is replaced: its units stay). */
export async function ensureBundleSupervisor(bundle: string): Promise<{ pid: number; started: boolean }> {
  const script = supervisorScript(bundle);
  const rec = readPidFile(supervisorPaths(SUPERVISOR_DIR).pidFile);
  const live = await liveStatus(SUPERVISOR_DIR);
  if (live && rec && rec.argv[1] !== script) await shutdownSupervisor(SUPERVISOR_DIR);
  return ensureSupervisor({ dir: SUPERVISOR_DIR, logFile: SUPERVISOR_LOG, nodeBin: nodeOf(bundle), script, env: { K8TS_LOG_LEVEL: 'info' } });
}

export class SupervisorBackend implements InitBackend {
  readonly kind = 'supervisor' as const;

  units(names: string[], pidFiles: Record<string, string>): UnitState[] {
    return names.map((name) => {
      const pid = pidFiles[name] ? runningPid(pidFiles[name]) : undefined;
      return { name, running: pid !== undefined, ...(pid !== undefined ? { pid } : {}) };
    });
  }

  async apply(a: InitApply): Promise<InitApplied> {
    const specs = a.units.map(specOf);
    const file = supervisorPaths(SUPERVISOR_DIR).units;
    let current = '';
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      // first apply
    }
    if (current !== JSON.stringify({ units: specs }, null, 1) + '\n') writeUnits(SUPERVISOR_DIR, specs);
    writeIfDifferent(BOOT_HOOK, bootHook(a.bundle), 0o755);
    const since = Date.now();
    const supervisor = await ensureBundleSupervisor(a.bundle);
    // starts what is not running (new units, stopped ones) and stops units no longer defined
    await send(SUPERVISOR_DIR, { cmd: 'apply' });
    for (const name of a.restart) await send(SUPERVISOR_DIR, { cmd: 'restart', unit: name });
    const status = await waitUnitsRunning(SUPERVISOR_DIR, specs.map((s) => s.name), { since, timeoutMs: a.timeoutMs });
    const pids: Record<string, number> = {};
    for (const u of status.units) if (u.pid !== undefined) pids[u.name] = u.pid;
    return { pids, supervisor };
  }

  async release(): Promise<void> {
    // the supervisor first, or it would start again what is stopped next
    await shutdownSupervisor(SUPERVISOR_DIR);
    fs.rmSync(BOOT_HOOK, { force: true });
  }

  stop(_name: string, pidFile: string): Promise<boolean> {
    return stopRecorded(pidFile);
  }

  uninstallFiles(): void {
    fs.rmSync(BOOT_HOOK, { force: true });
  }
}

// --- systemd -----------------------------------------------------------------------------------------

function systemctl(args: string[]): string {
  const r = spawnSync('systemctl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new HostInitError('SYSTEMCTL_FAILED', `systemctl ${args.join(' ')}: ${(r.stderr || r.stdout || `exit ${r.status}`).trim()}`);
  return r.stdout;
}

function mainPid(name: string): number | undefined {
  const r = spawnSync('systemctl', ['show', '-p', 'MainPID', '--value', unitName(name)], { encoding: 'utf8' });
  const pid = Number(r.stdout?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SystemdBackend implements InitBackend {
  readonly kind = 'systemd' as const;

  units(names: string[]): UnitState[] {
    return names.map((name) => {
      const active = spawnSync('systemctl', ['is-active', '--quiet', unitName(name)]).status === 0;
      const pid = active ? mainPid(name) : undefined;
      return { name, running: active, ...(pid !== undefined ? { pid } : {}) };
    });
  }

  async apply(a: InitApply): Promise<InitApplied> {
    let reload = false;
    for (const u of a.units) reload = writeIfDifferent(systemdUnitFile(u.name), renderSystemdUnit(specOf(u)), 0o644) || reload;
    for (const name of a.remove) {
      spawnSync('systemctl', ['disable', '--now', unitName(name)], { stdio: 'ignore' });
      fs.rmSync(systemdUnitFile(name), { force: true });
      reload = true;
    }
    if (reload) systemctl(['daemon-reload']);
    systemctl(['enable', '--quiet', ...a.units.map((u) => unitName(u.name))]);
    for (const u of a.units) {
      if (a.restart.includes(u.name)) systemctl(['restart', unitName(u.name)]);
      else if (a.start.includes(u.name)) systemctl(['start', unitName(u.name)]);
    }
    const deadline = Date.now() + a.timeoutMs;
    for (const u of a.units) {
      while (!(await allReady(u.ready))) {
        if (Date.now() > deadline) throw new HostInitError('UNITS_NOT_READY', `${unitName(u.name)} not ready in time; see ${u.logFile} and journalctl -u ${unitName(u.name)}`);
        await sleep(200);
      }
    }
    const pids: Record<string, number> = {};
    for (const u of a.units) {
      const pid = mainPid(u.name);
      if (pid !== undefined) pids[u.name] = pid;
    }
    return { pids };
  }

  async release(names: string[]): Promise<void> {
    if (names.length) spawnSync('systemctl', ['disable', '--quiet', ...names.map(unitName)], { stdio: 'ignore' });
  }

  async stop(name: string): Promise<boolean> {
    const active = spawnSync('systemctl', ['is-active', '--quiet', unitName(name)]).status === 0;
    spawnSync('systemctl', ['stop', unitName(name)], { stdio: 'ignore' });
    return active;
  }

  uninstallFiles(): void {
    for (const f of fs.existsSync(SYSTEMD_DIR) ? fs.readdirSync(SYSTEMD_DIR) : []) {
      if (/^k8ts-.*\.service$/.test(f)) fs.rmSync(path.join(SYSTEMD_DIR, f), { force: true });
    }
    spawnSync('systemctl', ['daemon-reload'], { stdio: 'ignore' });
  }
}

export function backendFor(kind: InitSystem): InitBackend {
  return kind === 'systemd' ? new SystemdBackend() : new SupervisorBackend();
}

/** `host-agent boot`: what the boot hook runs (supervisor hosts only). */
export function bootSupervisor(bundle: string): Promise<{ pid: number; started: boolean }> {
  return ensureBundleSupervisor(bundle);
}
