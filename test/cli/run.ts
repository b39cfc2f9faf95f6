// Runs the CLI in-process with captured output, a given environment and stdin, and an abort
// controller so tests can end watches.
import { runCli } from '../../cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  result: Promise<CliResult>;
  stdout(): string;
  abort(): void;
}

export function startCli(argv: string[], env: Record<string, string | undefined>, stdin = ''): CliRun {
  let out = '';
  let err = '';
  const ac = new AbortController();
  const result = runCli(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readStdin: async () => stdin,
    env,
    now: () => Date.now(),
    signal: ac.signal,
  }).then((code) => ({ code, stdout: out, stderr: err }));
  return { result, stdout: () => out, abort: () => ac.abort() };
}

export const cli = (argv: string[], env: Record<string, string | undefined>, stdin?: string): Promise<CliResult> => startCli(argv, env, stdin).result;

/** Polls until cond() holds; the test's own timeout bounds it. */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}
