// The shared tail of every component entry point: parse flags, print usage on --help, start the
// component, stop it cleanly on SIGTERM/SIGINT, and exit non-zero with one fatal log line when
// start-up fails.
import { parseFlags, usage, type FlagSpec, type Parsed } from './flags';
import { componentLogger } from './log';

export function runComponentMain<S extends FlagSpec & { help: boolean; logLevel: string }>(
  name: string,
  spec: S,
  start: (cfg: Parsed<S> & { _: string[] }) => Promise<{ stop(): Promise<void> }>,
): void {
  let cfg: Parsed<S> & { _: string[] };
  try {
    cfg = parseFlags(process.argv.slice(2), spec);
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}\n${usage(name, spec)}`);
    process.exit(2);
  }
  if (cfg.help) {
    console.log(usage(name, spec));
    process.exit(0);
  }
  process.env.K8TS_LOG_LEVEL ??= String(cfg.logLevel);
  start(cfg).then(
    (s) => {
      const shutdown = () => void s.stop().then(() => process.exit(0));
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    },
    (err) => {
      componentLogger(name).fatal({ err: (err as Error).message }, 'failed to start');
      process.exit(1);
    },
  );
}
