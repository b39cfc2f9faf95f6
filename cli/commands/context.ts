// What every command runs with: the parsed flags, the I/O it may use, the REST client and
// discovery for the chosen kubeconfig context, and the effective namespace.
import type { CliFlags } from '../args';
import type { Discovery, ApiResource } from '../discovery';
import type { RestClient } from '../rest-client';
import { RestError } from '../rest-client';

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  now(): number;
  /** Aborted on SIGINT (or by a test) to end watches and waits. */
  signal: AbortSignal;
}

export interface Ctx {
  io: CliIO;
  flags: CliFlags;
  client: RestClient;
  discovery: Discovery;
  /** -n, else the context's namespace, else "default". */
  namespace: string;
  /** True when -n was given explicitly. */
  namespaceExplicit: boolean;
}

export const isNotFoundError = (e: unknown): boolean => e instanceof RestError && e.httpCode === 404;

/** `pods "web" not found`, the message kubectl prints for a missing named object. */
export function notFoundMessage(r: ApiResource, name: string): string {
  const what = r.group ? `${r.resource}.${r.group}` : r.resource;
  return `Error from server (NotFound): ${what} "${name}" not found`;
}

/** Resolves when the signal aborts; lets long waits end cleanly. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Splits `type name...` or `type/name ...` into (type, name) pairs, keeping order. */
export function targetPairs(args: string[]): { type: string; name: string }[] {
  if (args.length === 0) return [];
  if (args[0].includes('/'))
    return args.map((a) => {
      const i = a.indexOf('/');
      return { type: a.slice(0, i), name: a.slice(i + 1) };
    });
  return args.slice(1).map((name) => ({ type: args[0], name }));
}
