// The one way a component starts. Its main.ts imports only this helper and its flag spec, and hands
// over how to compile the options into its config and how to load and start it:
//
//   flags → options (defaults filled) → compiled config → logging configured → component module
//   loaded → started → stopped on SIGTERM/SIGINT.
//
// Logging is configured before the component module is loaded, so loggers created at module load
// start with the right level and format (lib/log also moves existing loggers on later changes,
// but the format cannot change once a logger exists). Exit codes: 0 after a clean stop or a
// finished one-shot command, 2 for bad flags, 1 for a failed start, a failed or overdue stop, a
// second signal, or an uncaught error — a supervisor restarts the process, so nothing is swallowed.
import { givenFlags, parseFlags, usage, type FlagSpec, type Parsed } from './flags';
import {
  componentLogger,
  configureLogging,
  levelForVerbosity,
  LOG_LEVELS,
  loggingStarted,
  parseLogFormat,
  parseLogLevel,
  verbosityRank,
  type LogFormat,
  type Logger,
  type LogLevel,
} from './log';

/** The flags every component takes besides its own. */
export const COMMON_FLAGS = {
  /** fatal, error, warn, info, debug, trace or silent. */
  logLevel: 'info',
  /** klog-style verbosity: 0–1 info, 2–4 debug, 5+ trace. */
  v: 0,
  /** json (one object per line) or text (for people). */
  logFormat: 'json',
  help: false,
};

export type CommonFlags = typeof COMMON_FLAGS;
export type Options<S extends FlagSpec> = Parsed<S> & Parsed<CommonFlags> & { _: string[] };

export interface RunningComponent {
  stop(): Promise<void>;
}

export interface ComponentEntry<S extends FlagSpec, C> {
  /** The component's name: usage line, log component field. */
  name: string;
  flags: S;
  /**
   * Options → config: validation and defaults that depend on other flags. Runs before logging is
   * configured and must not load the component module. A throw is a usage error (exit 2).
   * `options.logLevel` holds the effective level (after --v and K8TS_LOG_LEVEL).
   */
  config(options: Options<S>): C;
  /**
   * Loads the component module (lazily: `await import(...)`) and starts it. Resolving undefined
   * means a one-shot command ran to completion (kube-proxy --cleanup): the process exits 0.
   */
  start(config: C): Promise<RunningComponent | undefined>;
  /** How long a graceful stop may take before the process exits anyway (ms, or from the config);
   *  default 8 s, below the local supervisor's 10 s SIGKILL grace, so an overdue stop is logged. */
  stopTimeoutMs?: number | ((config: C) => number);
}

export type StartPlan<C> =
  | { action: 'help'; text: string }
  | { action: 'usage-error'; message: string; text: string }
  | { action: 'run'; config: C; options: Record<string, unknown>; level: LogLevel; format: LogFormat };

export const DEFAULT_STOP_TIMEOUT_MS = 8000;

/** The flag spec a component's usage and parser see: its own flags and the common ones. */
export function entryFlags<S extends FlagSpec>(flags: S): S & CommonFlags {
  return { ...flags, ...COMMON_FLAGS };
}

/**
 * The effective log level and format. Explicit flags win; with both --log-level and --v given the
 * more verbose one wins (--v raises verbosity as in klog). Without either flag the environment
 * (K8TS_LOG_LEVEL, K8TS_LOG_FORMAT, inherited from a launcher or a test run) applies, then the defaults.
 */
export function resolveLogging(
  o: { logLevel: string; v: number; logFormat: string },
  given: Set<string>,
  env: Record<string, string | undefined>,
): { level: LogLevel; format: LogFormat } {
  const byName = given.has('logLevel') ? parseLogLevel(o.logLevel) : undefined;
  const byV = given.has('v') ? levelForVerbosity(o.v) : undefined;
  const fromEnv = (LOG_LEVELS as readonly string[]).includes(env.K8TS_LOG_LEVEL ?? '') ? (env.K8TS_LOG_LEVEL as LogLevel) : undefined;
  let level: LogLevel;
  if (byName && byV) level = verbosityRank(byV) > verbosityRank(byName) ? byV : byName;
  else level = byName ?? byV ?? fromEnv ?? parseLogLevel(COMMON_FLAGS.logLevel);
  const envFormat = env.K8TS_LOG_FORMAT === 'text' || env.K8TS_LOG_FORMAT === 'json' ? env.K8TS_LOG_FORMAT : undefined;
  const format = given.has('logFormat') ? parseLogFormat(o.logFormat) : (envFormat ?? 'json');
  return { level, format };
}

/** Decides what the process does with argv, without doing it. */
export function planStart<S extends FlagSpec, C>(
  entry: Pick<ComponentEntry<S, C>, 'name' | 'flags' | 'config'>,
  argv: string[],
  env: Record<string, string | undefined>,
): StartPlan<C> {
  const spec = entryFlags(entry.flags);
  const text = usage(entry.name, spec);
  if (argv.includes('-h')) return { action: 'help', text };
  try {
    const options = parseFlags(argv, spec) as Options<S>;
    if (options.help) return { action: 'help', text };
    if (options._.length) throw new Error(`unexpected argument "${options._[0]}" (${entry.name} takes flags only)`);
    const { level, format } = resolveLogging(options, givenFlags(argv), env);
    (options as { logLevel: string }).logLevel = level;
    const config = entry.config(options);
    const { _, ...shown } = options;
    return { action: 'run', config, options: shown, level, format };
  } catch (e) {
    return { action: 'usage-error', message: (e as Error).message, text };
  }
}

/** Runs a component as this process. Call it from main.ts and nothing else. */
export function runComponentMain<S extends FlagSpec, C>(entry: ComponentEntry<S, C>): void {
  const plan = planStart(entry, process.argv.slice(2), process.env);
  if (plan.action === 'help') {
    process.stdout.write(plan.text + '\n');
    process.exit(0);
  }
  if (plan.action === 'usage-error') {
    process.stderr.write(`${entry.name}: ${plan.message}\n${plan.text}\n`);
    process.exit(2);
  }
  if (loggingStarted()) {
    // A module loaded by main.ts or the flag spec created a logger: it would keep the wrong format.
    process.stderr.write(`${entry.name}: a logger was created before logging was configured; main.ts must load only the entry helper and the flag spec\n`);
    process.exit(1);
  }
  configureLogging({ level: plan.level, format: plan.format });
  const log = componentLogger(entry.name);
  let exiting = false;
  const exit = (code: number): void => {
    if (exiting) return;
    exiting = true;
    process.exit(code);
  };
  installCrashHandlers(log, exit);
  log.info({ flags: plan.options }, 'starting');
  runLifecycle(entry, plan.config, log, exit);
}

/** An error as log fields: a coded error is an expected failure whose message says it all; any
 *  other error is a bug, and its stack goes into the same line. */
function errFields(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { err: String(e) };
  const code = (e as { code?: unknown }).code;
  return code !== undefined ? { err: e.message, code } : { err: e.message, stack: e.stack };
}

/** An uncaught error leaves the process in an unknown state: one fatal line, then exit 1. */
function installCrashHandlers(log: Logger, exit: (code: number) => void): void {
  process.on('uncaughtException', (e) => {
    log.fatal(errFields(e), 'uncaught exception');
    exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log.fatal(errFields(reason), 'unhandled rejection');
    exit(1);
  });
}

function runLifecycle<S extends FlagSpec, C>(entry: ComponentEntry<S, C>, config: C, log: Logger, exit: (code: number) => void): void {
  const t = entry.stopTimeoutMs;
  const timeoutMs = (typeof t === 'function' ? t(config) : t) ?? DEFAULT_STOP_TIMEOUT_MS;
  let state: 'starting' | 'running' | 'stopping' = 'starting';
  let running: RunningComponent | undefined;

  const finishStop = (r: RunningComponent) =>
    r.stop().then(
      () => {
        log.info('stopped');
        exit(0);
      },
      (e) => {
        log.error(errFields(e), 'stop failed');
        exit(1);
      },
    );

  const onSignal = (signal: NodeJS.Signals) => {
    if (state === 'stopping') {
      log.warn({ signal }, 'second signal: exiting without waiting for the stop');
      return exit(1);
    }
    state = 'stopping';
    log.info({ signal, timeoutMs }, 'stopping');
    setTimeout(() => {
      log.error({ timeoutMs }, 'stop did not finish in time: exiting');
      exit(1);
    }, timeoutMs);
    // A signal during start-up stops the component once start() returns (or the deadline hits).
    if (running) void finishStop(running);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  entry.start(config).then(
    (r) => {
      if (!r) {
        log.info('done');
        return exit(0);
      }
      running = r;
      if (state === 'stopping') void finishStop(r);
      else state = 'running';
    },
    (e) => {
      log.fatal(errFields(e), 'start-up failed');
      exit(1);
    },
  );
}
