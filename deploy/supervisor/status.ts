// The supervisor's status: what it writes to status.json and answers on its control socket, and
// its rendering for people (one line per unit: state, pid, restarts, last exit and when). Pure.

export type UnitState =
  /** Not started yet: a dependency has not been ready once. */
  | 'waiting'
  /** Spawned (or adopted), readiness probes not passed yet. */
  | 'starting'
  | 'running'
  /** Exited; restarts when the backoff delay is over. */
  | 'backoff'
  | 'stopping'
  /** Stopped on request; stays stopped until started. */
  | 'stopped';

export interface ExitRecord {
  /** Exit code, or null when a signal ended it or the status is unknown. */
  code: number | null;
  /** Signal name (SIGKILL), or null. */
  signal: string | null;
  /** ms since the epoch */
  at: number;
  /** How long it ran, when known. */
  uptimeMs?: number;
  /** The operator stopped or restarted it: not a crash. */
  requested: boolean;
  /** False for an adopted process reaped by someone else: it is gone, its status unknown. */
  known: boolean;
  /** Spawn failure (for example the program does not exist). */
  error?: string;
}

export interface DecisionRecord {
  at: number;
  reason: 'exited' | 'crash-loop' | 'stopped';
  action: 'restart' | 'stay-stopped';
  delayMs: number;
  failures: number;
  counted: boolean;
}

export interface UnitStatus {
  name: string;
  state: UnitState;
  pid?: number;
  /** Found running when this supervisor started (not its child: watched through /proc). */
  adopted: boolean;
  /** Automatic restarts after unrequested exits. */
  restarts: number;
  startedAt?: number;
  readyAt?: number;
  lastExit?: ExitRecord;
  lastDecision?: DecisionRecord;
  /** The most recent decisions, oldest first (bounded). */
  decisions: DecisionRecord[];
  /** When a unit in backoff starts again. */
  nextStartAt?: number;
  logFile: string;
}

export interface SupervisorStatus {
  supervisor: { pid: number; startedAt: number; running: boolean; socket: string; logFile?: string };
  units: UnitStatus[];
  writtenAt: number;
}

export const MAX_DECISIONS = 10;

/** "signal KILL" / "code 0" / "unknown (not our child)" / "could not start: …" */
export function formatExit(e: ExitRecord): string {
  if (e.error) return `could not start: ${e.error}`;
  if (!e.known) return 'gone (status unknown: not our child)';
  if (e.signal) return `signal ${e.signal.replace(/^SIG/, '')}`;
  return `code ${e.code ?? '?'}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.floor(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function lastExitText(u: UnitStatus, now: number): string {
  const e = u.lastExit;
  if (!e) return '-';
  const when = `${new Date(e.at).toISOString().replace(/\.\d+Z$/, 'Z')} (${formatDuration(now - e.at)} ago)`;
  return `${formatExit(e)}${e.requested ? ' (requested)' : ''} at ${when}`;
}

function stateText(u: UnitStatus, now: number): string {
  if (u.state === 'backoff' && u.nextStartAt !== undefined) return `backoff (restart in ${formatDuration(u.nextStartAt - now)})`;
  return u.state;
}

function pad(cells: string[][]): string[] {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}

/** The status as a table for people. */
export function renderStatus(s: SupervisorStatus, now: number): string {
  const sup = s.supervisor;
  const head = sup.running
    ? `supervisor  running  pid ${sup.pid}  up ${formatDuration(now - sup.startedAt)}${sup.logFile ? `  log ${sup.logFile}` : ''}`
    : `supervisor  not running${sup.pid ? ` (last pid ${sup.pid})` : ''}: nothing restarts a crashed process until the next up`;
  const rows = [['UNIT', 'STATE', 'PID', 'RESTARTS', 'LAST EXIT']];
  for (const u of s.units) {
    rows.push([u.name, stateText(u, now), u.pid !== undefined ? String(u.pid) : '-', String(u.restarts), lastExitText(u, now)]);
  }
  return [head, '', ...pad(rows)].join('\n');
}
