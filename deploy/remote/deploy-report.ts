// What `k8ts deploy` tells people: one line per host and step with its duration, and a table of
// the hosts at the end; or the same events as JSON lines (--log-format=json). Formatting is pure.
import type { LauncherLogger } from '../cluster/launcher-log';
import { formatSeconds } from '../cluster/progress';

export interface DeployStep {
  /** The host's label (node name or address), or "cluster" for steps of the whole cluster. */
  host: string;
  step: string;
  ok: boolean;
  ms?: number;
  detail?: string;
}

export type HostState = 'installed' | 'updated' | 'unchanged' | 'removed' | 'uninstalled' | 'unreachable' | 'failed';

export interface HostSummary {
  address: string;
  role: string;
  nodeName: string;
  state: HostState;
  /** The bundle's hash (short). */
  bundle: string;
  /** What changed, briefly ("3 files, restarted kubelet"). */
  changes?: string;
  ms: number;
}

export interface DeployReporter {
  step(e: DeployStep): void;
  summary(rows: HostSummary[], footer: string[]): void;
}

export const silentDeployReporter: DeployReporter = { step: () => undefined, summary: () => undefined };

const HOST_WIDTH = 16;
const STEP_WIDTH = 14;

export function formatDeployStep(e: DeployStep): string {
  const mark = e.ok ? '✓' : '✗';
  const time = e.ms !== undefined ? formatSeconds(e.ms).padStart(7) : ''.padStart(7);
  const detail = e.detail ? `  ${e.detail.split('\n')[0]}` : '';
  return `${mark} ${e.host.padEnd(HOST_WIDTH)} ${e.step.padEnd(STEP_WIDTH)}${time}${detail}`.trimEnd();
}

/** A plain text table, columns as wide as their widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatSummary(rows: HostSummary[]): string {
  return formatTable(
    ['HOST', 'ROLE', 'NODE', 'STATE', 'BUNDLE', 'TIME', 'CHANGES'],
    rows.map((r) => [r.address, r.role, r.nodeName, r.state, r.bundle.slice(0, 12), formatSeconds(r.ms), r.changes ?? '-']),
  );
}

export function textDeployReporter(write: (line: string) => void, writeErr: (line: string) => void = write): DeployReporter {
  return {
    step: (e) => (e.ok ? write : writeErr)(formatDeployStep(e)),
    summary: (rows, footer) => write(['', formatSummary(rows), ...(footer.length ? ['', ...footer] : [])].join('\n')),
  };
}

export function jsonDeployReporter(log: LauncherLogger): DeployReporter {
  return {
    step: (e) => (e.ok ? log.info({ ...e }, 'step') : log.error({ ...e }, 'step failed')),
    summary: (rows) => log.info({ hosts: rows }, 'summary'),
  };
}

/** Runs one step of one host, reporting its duration or its failure (then rethrows). */
export async function hostStep<T>(r: DeployReporter, host: string, step: string, fn: () => T | Promise<T>, detail?: (v: T) => string | undefined): Promise<T> {
  const t = performance.now();
  try {
    const v = await fn();
    const d = detail?.(v);
    r.step({ host, step, ok: true, ms: Math.round(performance.now() - t), ...(d ? { detail: d } : {}) });
    return v;
  } catch (e) {
    const err = e as Error & { reported?: boolean };
    if (!err.reported) {
      r.step({ host, step, ok: false, ms: Math.round(performance.now() - t), detail: err.message });
      err.reported = true;
    }
    throw e;
  }
}

/** "2 files, started kubelet, restarted kube-proxy" from an apply's result; undefined when nothing changed. */
export function describeChanges(a: { written: string[]; started: string[]; restarted: string[]; removed: string[]; supervisorStarted?: boolean }): string | undefined {
  const parts: string[] = [];
  if (a.written.length) parts.push(`${a.written.length} file${a.written.length === 1 ? '' : 's'}`);
  if (a.started.length) parts.push(`started ${a.started.join(' ')}`);
  if (a.restarted.length) parts.push(`restarted ${a.restarted.join(' ')}`);
  if (a.removed.length) parts.push(`removed ${a.removed.join(' ')}`);
  if (a.supervisorStarted) parts.push('started the supervisor');
  return parts.length ? parts.join(', ') : undefined;
}
