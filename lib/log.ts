// Structured logging: one pino root per process, child loggers carry {component, ...} fields and
// messages stay constant so logs can be grepped and counted.
import pino from 'pino';

export type Logger = pino.Logger;

let root: Logger | undefined;

export function rootLogger(): Logger {
  if (!root) {
    root = pino({
      level: process.env.K8TS_LOG_LEVEL ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    });
  }
  return root;
}

export function componentLogger(component: string, fields: Record<string, unknown> = {}): Logger {
  return rootLogger().child({ component, ...fields });
}
