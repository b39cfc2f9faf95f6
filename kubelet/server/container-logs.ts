// Container logs from the CRI log files. Each line is `<RFC3339Nano time> <stream> <P|F> <msg>`;
// P marks a partial line continued by the next record. Pure parsing and selection here; the
// server streams the result (and follows the file when asked).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { queryBool } from '../../lib/api/query-bool';

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  timestamps: boolean;
  previous: boolean;
  sinceSeconds?: number;
  limitBytes?: number;
}

export class LogOptionsError extends Error {
  readonly code = 'LOG_OPTIONS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'LogOptionsError';
  }
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new LogOptionsError(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

/** The logs query; booleans as kube-apiserver reads them (`follow=True` from the Python client is true). */
export function parseLogOptions(q: URLSearchParams): LogOptions {
  return {
    follow: queryBool(q, 'follow'),
    tailLines: intParam(q, 'tailLines'),
    timestamps: queryBool(q, 'timestamps'),
    previous: queryBool(q, 'previous'),
    sinceSeconds: intParam(q, 'sinceSeconds'),
    limitBytes: intParam(q, 'limitBytes'),
  };
}

export interface LogRecord {
  time: string;
  stream: string;
  partial: boolean;
  msg: string;
}

export function parseLogLine(line: string): LogRecord | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return undefined;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  return { time: line.slice(0, a), stream: line.slice(a + 1, b), partial: tag === 'P', msg: c < 0 ? '' : line.slice(c + 1) };
}

/** One record rendered as the client sees it. */
export const renderRecord = (r: LogRecord, timestamps: boolean): string =>
  (timestamps ? `${r.time} ` : '') + r.msg + (r.partial ? '' : '\n');

/** Renders complete file text with since/tail applied (tail counts whole lines). */
export function selectLog(text: string, o: LogOptions, nowMs: number): string {
  let recs = text.split('\n').filter(Boolean).map(parseLogLine).filter((r): r is LogRecord => !!r);
  if (o.sinceSeconds !== undefined) {
    const min = nowMs - o.sinceSeconds * 1000;
    recs = recs.filter((r) => Date.parse(r.time) >= min);
  }
  if (o.tailLines !== undefined) {
    let complete = 0;
    let i = recs.length;
    while (i > 0 && (complete < o.tailLines || recs[i - 1].partial)) {
      if (!recs[i - 1].partial) complete++;
      if (complete > o.tailLines) break;
      i--;
    }
    recs = recs.slice(i);
  }
  return recs.map((r) => renderRecord(r, o.timestamps)).join('');
}

/**
 * The log file of a container attempt: `<podDir>/<container>/<attempt>.log`. The newest attempt
 * is the current one; `previous` is the one before it.
 */
export function logFileFor(podDir: string, container: string, previous: boolean): string | undefined {
  const dir = path.join(podDir, container);
  let attempts: number[];
  try {
    attempts = fs.readdirSync(dir).map((f) => /^(\d+)\.log$/.exec(f)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])).sort((x, y) => x - y);
  } catch {
    return undefined;
  }
  const pick = previous ? attempts[attempts.length - 2] : attempts[attempts.length - 1];
  return pick === undefined ? undefined : path.join(dir, `${pick}.log`);
}

/** The pod's log directory `<root>/pods/<ns>_<name>_<uid>`; the newest when the uid is not known. */
export function podLogDirFor(rootDir: string, ns: string, name: string, uid?: string): string | undefined {
  const base = path.join(rootDir, 'pods');
  if (uid) return path.join(base, `${ns}_${name}_${uid}`);
  let best: { dir: string; mtime: number } | undefined;
  try {
    for (const d of fs.readdirSync(base)) {
      if (!d.startsWith(`${ns}_${name}_`) || d.length <= ns.length + name.length + 2) continue;
      const full = path.join(base, d);
      const mtime = fs.statSync(full).mtimeMs;
      if (!best || mtime > best.mtime) best = { dir: full, mtime };
    }
  } catch {
    return undefined;
  }
  return best?.dir;
}
