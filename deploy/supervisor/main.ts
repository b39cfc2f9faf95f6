// `node dist/deploy/supervisor/main.js --dir <dir> [--log-file <file>]`: the supervisor process.
// Started detached (its own session) by launch.ts with stdout and stderr on its log file, where it
// writes JSON log lines. It stops on SIGTERM/SIGINT or a shutdown request, leaving its units
// running; nothing a unit does makes it exit.
import { FlagError, parseFlags, usage } from '../../lib/flags';
import { componentLogger } from '../../lib/log';
import type { ControlError } from './control';
import { procCmdline, writePidFile } from './proc';
import { Supervisor, supervisorPaths } from './supervisor';

const spec = { dir: '', logFile: '', help: false };

async function main(argv: string[]): Promise<void> {
  const f = parseFlags(argv, spec);
  if (f.help) {
    console.log(usage('k8ts-supervisor', spec));
    process.exit(0);
  }
  if (!f.dir) throw new FlagError('--dir is required (it holds units.json)');
  const paths = supervisorPaths(f.dir);
  const log = componentLogger('supervisor', { dir: paths.dir });
  process.on('uncaughtException', (err) => log.error({ err: err.message, stack: err.stack }, 'uncaught exception'));
  process.on('unhandledRejection', (err) => log.error({ err: String(err) }, 'unhandled rejection'));
  // a lost terminal is no reason to stop supervising
  process.on('SIGHUP', () => undefined);

  const sup = new Supervisor({ dir: paths.dir, logger: log, ...(f.logFile ? { logFile: f.logFile } : {}) });
  sup.onShutdown = () => process.exit(0);
  const stop = () => void sup.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await sup.start();
  } catch (e) {
    if ((e as ControlError).code !== 'ALREADY_RUNNING') throw e;
    log.error({}, 'another supervisor already serves this directory');
    process.exit(3);
  }
  writePidFile(paths.pidFile, { pid: process.pid, argv: procCmdline(process.pid) ?? process.argv });
}

main(process.argv.slice(2)).catch((err: Error & { code?: string }) => {
  componentLogger('supervisor').fatal({ err: err.message, code: err.code }, 'supervisor failed to start');
  console.error(`k8ts-supervisor: ${err.message}`);
  process.exit(1);
});
