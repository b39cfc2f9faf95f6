// Unit definitions: what the supervisor runs, as plain data (the role of a systemd unit file). The
// supervisor knows nothing else about what it runs: whoever deploys a node writes these and talks
// to the supervisor through its control socket. Validation and start order are pure.

/** A readiness check; a unit is ready once every one of its probes passes. */
export type Probe =
  /** A TCP connect succeeds; from inside the network namespace at `netns` (a path) when given. */
  | { tcp: { host: string; port: number }; netns?: string }
  /** A unix socket accepts a connection. */
  | { unix: string };

/** Restart=always with exponential backoff for crash loops (see restart-policy.ts). */
export interface RestartPolicy {
  /** Delay before the first restart after a crash (systemd's RestartSec default). */
  baseDelayMs: number;
  /** Each further quick crash multiplies the delay by this. */
  factor: number;
  /** The delay never grows past this. */
  maxDelayMs: number;
  /** A process that stayed up this long counts as healthy: its next crash starts the backoff anew. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  baseDelayMs: 100,
  factor: 2,
  maxDelayMs: 10_000,
  stableAfterMs: 10_000,
};

export interface UnitSpec {
  name: string;
  /** argv[0] is looked up in env.PATH. */
  argv: string[];
  /** The whole environment of the process (nothing is inherited from the supervisor). */
  env?: Record<string, string>;
  cwd?: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** {pid, argv} of the running process: how a later supervisor recognises (adopts) it. */
  pidFile: string;
  ready?: Probe[];
  /** Units that must have been ready once before this one is first started. */
  after?: string[];
  restart?: Partial<RestartPolicy>;
  /** SIGTERM, then SIGKILL after this long (default 10 s). */
  stopTimeoutMs?: number;
}

/** The definition file the supervisor reads (`units.json` in its directory). */
export interface UnitFile {
  units: UnitSpec[];
}

export class UnitError extends Error {
  readonly code: 'UNIT_INVALID' | 'UNIT_CYCLE' | 'UNIT_UNKNOWN';
  constructor(code: 'UNIT_INVALID' | 'UNIT_CYCLE' | 'UNIT_UNKNOWN', message: string) {
    super(message);
    this.name = 'UnitError';
    this.code = code;
  }
}

export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

export function restartPolicyOf(u: UnitSpec): RestartPolicy {
  return { ...DEFAULT_RESTART_POLICY, ...(u.restart ?? {}) };
}

const NAME = /^[a-z0-9]([-a-z0-9_.]{0,62})$/;

function isProbe(p: unknown): p is Probe {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, any>;
  if ('unix' in o) return typeof o.unix === 'string' && o.unix !== '';
  return (
    typeof o.tcp === 'object' &&
    o.tcp !== null &&
    typeof o.tcp.host === 'string' &&
    Number.isInteger(o.tcp.port) &&
    o.tcp.port > 0 &&
    o.tcp.port < 65536 &&
    (o.netns === undefined || typeof o.netns === 'string')
  );
}

/** Checks a definition file's content; returns the units in the file's order. */
export function validateUnits(raw: unknown): UnitSpec[] {
  const units = (raw as UnitFile | undefined)?.units;
  if (!Array.isArray(units)) throw new UnitError('UNIT_INVALID', 'the unit file needs a "units" array');
  const seen = new Set<string>();
  for (const u of units as UnitSpec[]) {
    const where = `unit ${JSON.stringify(u?.name)}`;
    if (typeof u?.name !== 'string' || !NAME.test(u.name)) throw new UnitError('UNIT_INVALID', `${where}: name must match ${NAME}`);
    if (seen.has(u.name)) throw new UnitError('UNIT_INVALID', `${where}: defined twice`);
    seen.add(u.name);
    if (!Array.isArray(u.argv) || u.argv.length === 0 || !u.argv.every((a) => typeof a === 'string') || u.argv[0] === '') {
      throw new UnitError('UNIT_INVALID', `${where}: argv must be a non-empty list of strings`);
    }
    if (typeof u.logFile !== 'string' || typeof u.pidFile !== 'string' || !u.logFile || !u.pidFile) {
      throw new UnitError('UNIT_INVALID', `${where}: logFile and pidFile are required`);
    }
    if (u.env !== undefined && (typeof u.env !== 'object' || Object.values(u.env).some((v) => typeof v !== 'string'))) {
      throw new UnitError('UNIT_INVALID', `${where}: env must map names to strings`);
    }
    if (u.ready !== undefined && (!Array.isArray(u.ready) || !u.ready.every(isProbe))) {
      throw new UnitError('UNIT_INVALID', `${where}: ready must be a list of {tcp:{host,port},netns?} or {unix} probes`);
    }
    if (u.after !== undefined && (!Array.isArray(u.after) || !u.after.every((a) => typeof a === 'string'))) {
      throw new UnitError('UNIT_INVALID', `${where}: after must be a list of unit names`);
    }
    const r = u.restart ?? {};
    for (const [k, v] of Object.entries(r)) {
      if (!(k in DEFAULT_RESTART_POLICY) || typeof v !== 'number' || !(v >= 0)) {
        throw new UnitError('UNIT_INVALID', `${where}: restart.${k} must be a non-negative number`);
      }
    }
  }
  startOrder(units as UnitSpec[]);
  return units as UnitSpec[];
}

/**
 * Names in an order where every unit comes after its dependencies (stable: the file's order
 * otherwise). Fails on unknown dependencies and cycles.
 */
export function startOrder(units: Pick<UnitSpec, 'name' | 'after'>[]): string[] {
  const byName = new Map(units.map((u) => [u.name, u]));
  for (const u of units) {
    for (const d of u.after ?? []) {
      if (!byName.has(d)) throw new UnitError('UNIT_UNKNOWN', `unit "${u.name}" comes after "${d}", which is not defined`);
    }
  }
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new UnitError('UNIT_CYCLE', `units depend on each other in a cycle: ${[...path, name].join(' → ')}`);
    state.set(name, 'visiting');
    for (const d of byName.get(name)!.after ?? []) visit(d, [...path, name]);
    state.set(name, 'done');
    out.push(name);
  };
  for (const u of units) visit(u.name, []);
  return out;
}

/** Units whose dependencies have all been ready once: the ones allowed to start now. */
export function unblocked(units: Pick<UnitSpec, 'name' | 'after'>[], everReady: ReadonlySet<string>): string[] {
  return units.filter((u) => (u.after ?? []).every((d) => everReady.has(d))).map((u) => u.name);
}
