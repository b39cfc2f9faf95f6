// The launcher's own log. A library caller (tests, benchmarks) gets the process's usual logger;
// the CLI sends these lines to a file (logs/cluster.log) so that people see steps, not JSON, or
// keeps them on stdout with --log-format=json. Loggers are resolved at each call, so a module's
// logger created at load time follows a sink chosen later.
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import { componentLogger, type Logger } from '../../lib/log';

export type LauncherLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

let sink: Logger | undefined;

export function setLauncherLogSink(l: Logger | undefined): void {
  sink = l;
}

/** A JSON logger appending to file. */
export function fileLogger(file: string): Logger {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return pino(
    { level: 'info', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: file, sync: true, append: true }),
  );
}

export function launcherLog(component: string): LauncherLogger {
  const target = (): Logger => (sink ? sink.child({ component }) : componentLogger(component));
  return {
    info: ((...a: Parameters<Logger['info']>) => target().info(...a)) as Logger['info'],
    warn: ((...a: Parameters<Logger['warn']>) => target().warn(...a)) as Logger['warn'],
    error: ((...a: Parameters<Logger['error']>) => target().error(...a)) as Logger['error'],
    debug: ((...a: Parameters<Logger['debug']>) => target().debug(...a)) as Logger['debug'],
  };
}
