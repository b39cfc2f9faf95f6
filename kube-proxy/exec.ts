// Running the host tools kube-proxy drives (iptables, iptables-save/-restore, ip). One injectable
// runner, so tests can run everything inside a network namespace of their own (`ip netns exec`)
// and unit tests can record calls instead of running them.
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs cmd with args, feeding stdin if given. Never throws for a non-zero exit: callers decide. */
export type CommandRunner = (cmd: string, args: string[], stdin?: string) => Promise<CommandResult>;

export class CommandError extends Error {
  readonly code = 'COMMAND_FAILED';
  constructor(
    readonly command: string,
    readonly result: CommandResult,
  ) {
    super(`${command} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'CommandError';
  }
}

export interface RunnerOptions {
  /** Run every command inside this named network namespace (`ip netns exec <netns> ...`). */
  netns?: string;
  timeoutMs?: number;
}

export function localRunner(opts: RunnerOptions = {}): CommandRunner {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return (cmd, args, stdin) =>
    new Promise((resolve) => {
      const [file, argv] = opts.netns ? ['ip', ['netns', 'exec', opts.netns, cmd, ...args]] : [cmd, args];
      const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', (err) => resolve({ code: 127, stdout, stderr: stderr + String(err.message) }));
      child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
      child.stdin.on('error', () => undefined); // the tool may exit before reading all of stdin
      child.stdin.end(stdin ?? '');
    });
}

/** Runs and throws CommandError on a non-zero exit. */
export async function mustRun(run: CommandRunner, cmd: string, args: string[], stdin?: string): Promise<string> {
  const r = await run(cmd, args, stdin);
  if (r.code !== 0) throw new CommandError(`${cmd} ${args.join(' ')}`, r);
  return r.stdout;
}
