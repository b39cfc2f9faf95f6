// Structured logging: one pino root per process, child loggers carry {component, ...} fields and
// messages stay constant so logs can be grepped and counted.
//
// Level and format are process settings (configureLogging). Modules create their loggers at load
// time, often before the entry point has read its flags, so every logger handed out here is
// remembered (weakly) and follows later level changes: `--log-level` reaches every module.
import pino from 'pino';
import { formatTextLine } from './log-text';

export type Logger = pino.Logger;
export type LogFormat = 'json' | 'text';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LogConfigError extends Error {
  readonly code = 'LOG_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'LogConfigError';
  }
}

let root: Logger | undefined;
let format: LogFormat = process.env.K8TS_LOG_FORMAT === 'text' ? 'text' : 'json';
const handedOut = new Set<WeakRef<Logger>>();

function initialLevel(): string {
  const l = process.env.K8TS_LOG_LEVEL;
  return l && (LOG_LEVELS as readonly string[]).includes(l) ? l : 'info';
}

function destination(f: LogFormat): pino.DestinationStream {
  if (f === 'json') return pino.destination({ dest: 1, sync: true });
  return { write: (line: string) => void process.stdout.write(formatTextLine(line)) };
}

export function rootLogger(): Logger {
  root ??= pino(
    {
      level: initialLevel(),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination(format),
  );
  return root;
}

/** Whether any logger exists yet (after that the format is fixed). */
export function loggingStarted(): boolean {
  return root !== undefined;
}

/** Rank of a level by how much it lets through: silent lets nothing through, trace everything. */
export function verbosityRank(l: LogLevel): number {
  return l === 'silent' ? 0 : LOG_LEVELS.indexOf(l) + 1;
}

export function componentLogger(component: string, fields: Record<string, unknown> = {}): Logger {
  const child = rootLogger().child({ component, ...fields });
  handedOut.add(new WeakRef(child));
  return child;
}

/**
 * klog's `--v` verbosity as a pino level: 0–1 info, 2–4 debug (upstream's "useful steady state"
 * and "debug" range), 5 and above trace.
 */
export function levelForVerbosity(v: number): LogLevel {
  if (!Number.isInteger(v) || v < 0) throw new LogConfigError(`--v must be a non-negative integer, got ${v}`);
  if (v <= 1) return 'info';
  if (v <= 4) return 'debug';
  return 'trace';
}

export function parseLogLevel(s: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(s)) {
    throw new LogConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${s}"`);
  }
  return s as LogLevel;
}

export function parseLogFormat(s: string): LogFormat {
  if (s !== 'json' && s !== 'text') throw new LogConfigError(`--log-format must be json or text, got "${s}"`);
  return s;
}

/**
 * Sets the level of the root and of every logger handed out so far (and so of all later ones).
 * The format can only be chosen before the first log line: the root's stream is fixed then.
 */
export function configureLogging(o: { level?: LogLevel; format?: LogFormat }): void {
  if (o.format && o.format !== format) {
    if (root) throw new LogConfigError('the log format must be set before the first logger is created');
    format = o.format;
  }
  if (o.format) process.env.K8TS_LOG_FORMAT = o.format;
  if (!o.level) return;
  // Child processes started from here (tests, the launcher) inherit the setting.
  process.env.K8TS_LOG_LEVEL = o.level;
  rootLogger().level = o.level;
  for (const ref of handedOut) {
    const l = ref.deref();
    if (l) l.level = o.level;
    else handedOut.delete(ref);
  }
}
