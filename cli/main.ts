// The k8ts CLI: parses a kubectl-style command line, connects with the kubeconfig's credentials
// and runs one command. User errors print `error: ...` (server errors as kubectl words them) and
// exit 1; no stack traces unless K8TS_DEBUG is set.
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeconfigError, loadKubeconfig } from '../lib/client/kubeconfig';
import { parseArgs, type ParsedArgs } from './args';
import { runApply } from './commands/apply';
import type { CliIO, Ctx } from './commands/context';
import { runDelete } from './commands/delete';
import { runDescribe } from './commands/describe';
import { runExplainSchedule } from './commands/explain-schedule';
import { runGet } from './commands/get';
import { HELP } from './commands/help';
import { runScale } from './commands/scale';
import { runVersion } from './commands/version';
import { runLogs } from './commands/logs';
import { runExec } from './commands/exec';
import { splitStreamFlags } from './commands/stream-flags';
import { runImage } from './commands/image';
import { runDeploy } from './commands/deploy';
import { parseTokenArgs, runToken } from './commands/token';
import { Discovery } from './discovery';
import { CliError, SilentExit, UsageError } from './errors';
import { RestClient } from './rest-client';

export type { CliIO } from './commands/context';

type Command = (ctx: Ctx, args: string[]) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  get: runGet,
  apply: runApply,
  delete: runDelete,
  describe: runDescribe,
  scale: runScale,
  'explain-schedule': runExplainSchedule,
};

export function processIO(signal: AbortSignal): CliIO {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    now: () => Date.now(),
    signal,
  };
}

export function kubeconfigPath(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return flag;
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter(Boolean)[0];
  return path.join(env.HOME ?? os.homedir(), '.kube', 'config');
}

export function cacheDir(env: Record<string, string | undefined>): string {
  return env.K8TS_CACHE_DIR ?? path.join(env.HOME ?? os.homedir(), '.k8ts', 'cache');
}

function connect(parsed: ParsedArgs, io: CliIO): Ctx {
  const creds = loadKubeconfig(kubeconfigPath(parsed.flags.kubeconfig, io.env), parsed.flags.context);
  const client = new RestClient(creds);
  return {
    io,
    flags: parsed.flags,
    client,
    discovery: new Discovery(client, cacheDir(io.env)),
    namespace: parsed.flags.namespace ?? creds.namespace ?? 'default',
    namespaceExplicit: parsed.flags.namespace !== undefined,
  };
}

/** Runs one CLI invocation; resolves with the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let ctx: Ctx | undefined;
  try {
    // `image` has its own flags (-t, --push, --import) and needs no cluster.
    if (argv[0] === 'image') return await runImage(argv.slice(1), io).then(() => 0);
    // `deploy` reads an inventory, not a kubeconfig
    if (argv[0] === 'deploy') return await runDeploy(argv.slice(1), io).then(() => 0);
    // `token create` has its own flags (--ttl, --bootstrap-kubeconfig).
    if (argv[0] === 'token') {
      const t = parseTokenArgs(argv.slice(1));
      await runToken(t, loadKubeconfig(kubeconfigPath(t.kubeconfig, io.env)), io);
      return 0;
    }
    // logs and exec own -f/-c/-i/-t/--tail/-- (their meaning differs from the shared flags).
    if (argv[0] === 'logs' || argv[0] === 'exec') {
      const { own, rest } = splitStreamFlags(argv);
      const p = parseArgs(rest);
      const creds = loadKubeconfig(kubeconfigPath(p.flags.kubeconfig, io.env), p.flags.context);
      const ns = p.flags.namespace ?? creds.namespace ?? 'default';
      await (argv[0] === 'logs' ? runLogs : runExec)(creds, ns, p.args, own, io);
      return 0;
    }
    const parsed = parseArgs(argv);
    const cmd = parsed.command;
    if (!cmd || cmd === 'help' || parsed.flags.help) {
      io.stdout(HELP);
      return 0;
    }
    if (cmd === 'version') {
      if (parsed.flags.client) await runVersion(undefined, io);
      else await runVersion((ctx = connect(parsed, io)), io);
      return 0;
    }
    const run = COMMANDS[cmd];
    if (!run) throw new UsageError(`unknown command "${cmd}" for "k8ts"`);
    ctx = connect(parsed, io);
    await run(ctx, parsed.args);
    return 0;
  } catch (e) {
    reportError(e, io);
    return 1;
  } finally {
    ctx?.client.close();
  }
}

function reportError(e: unknown, io: CliIO): void {
  if (e instanceof SilentExit) return;
  if (e instanceof CliError && (e as { verbatim?: boolean }).verbatim) io.stderr(e.message + '\n');
  else if (e instanceof UsageError) io.stderr(`error: ${e.message}\nSee 'k8ts help' for usage.\n`);
  else if (e instanceof CliError || e instanceof KubeconfigError || (e instanceof Error && 'code' in e && typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)))
    io.stderr(`error: ${(e as Error).message}\n`);
  else {
    io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (io.env.K8TS_DEBUG && e instanceof Error && e.stack) io.stderr(e.stack + '\n');
  }
}

/** Runs as a process: SIGINT/SIGTERM end watches and waits; a second one exits at once. */
export function main(): void {
  const ac = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  runCli(process.argv.slice(2), processIO(ac.signal)).then((code) => {
    process.exitCode = code;
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  });
}

// Run directly (node dist/cli/main.js) or through bin/k8ts.js, which only requires this module.
const entry = require.main?.filename ?? '';
if (require.main === module || /[\\/]bin[\\/]k8ts(\.js)?$/.test(entry)) main();
