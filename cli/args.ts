// kubectl-style command-line parsing: a verb, positional arguments and flags in any order, with
// short aliases (`-n ns`, `-nns`, `-n=ns`), long forms (`--namespace ns`, `--namespace=ns`),
// bare booleans (`-A`, `--watch`, `--wait=false`) and `--` ending the flags.
import { UsageError } from './errors';

export interface CliFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces: boolean;
  output?: string;
  selector?: string;
  fieldSelector?: string;
  watch: boolean;
  filename: string[];
  showLabels: boolean;
  replicas?: number;
  wait: boolean;
  cascade: 'background' | 'foreground' | 'orphan';
  ignoreNotFound: boolean;
  recursive: boolean;
  client: boolean;
  help: boolean;
  /** explain-schedule: a KubeSchedulerConfiguration file. */
  config?: string;
}

export interface ParsedArgs {
  command?: string;
  args: string[];
  flags: CliFlags;
}

type Kind = 'string' | 'bool' | 'list' | 'int';
interface FlagDef {
  key: keyof CliFlags;
  kind: Kind;
  short?: string;
}

const DEFS: Record<string, FlagDef> = {
  kubeconfig: { key: 'kubeconfig', kind: 'string' },
  context: { key: 'context', kind: 'string' },
  namespace: { key: 'namespace', kind: 'string', short: 'n' },
  'all-namespaces': { key: 'allNamespaces', kind: 'bool', short: 'A' },
  output: { key: 'output', kind: 'string', short: 'o' },
  selector: { key: 'selector', kind: 'string', short: 'l' },
  'field-selector': { key: 'fieldSelector', kind: 'string' },
  watch: { key: 'watch', kind: 'bool', short: 'w' },
  filename: { key: 'filename', kind: 'list', short: 'f' },
  'show-labels': { key: 'showLabels', kind: 'bool' },
  replicas: { key: 'replicas', kind: 'int' },
  wait: { key: 'wait', kind: 'bool' },
  cascade: { key: 'cascade', kind: 'string' },
  'ignore-not-found': { key: 'ignoreNotFound', kind: 'bool' },
  recursive: { key: 'recursive', kind: 'bool', short: 'R' },
  client: { key: 'client', kind: 'bool' },
  help: { key: 'help', kind: 'bool', short: 'h' },
  config: { key: 'config', kind: 'string' },
};

const SHORT: Record<string, string> = Object.fromEntries(
  Object.entries(DEFS)
    .filter(([, d]) => d.short)
    .map(([long, d]) => [d.short as string, long]),
);

export function defaultFlags(): CliFlags {
  return {
    allNamespaces: false,
    watch: false,
    filename: [],
    showLabels: false,
    wait: true,
    cascade: 'background',
    ignoreNotFound: false,
    recursive: false,
    client: false,
    help: false,
  };
}

function setFlag(flags: CliFlags, long: string, def: FlagDef, raw: string | undefined): void {
  const f = flags as unknown as Record<string, unknown>;
  switch (def.kind) {
    case 'bool':
      if (raw === undefined || raw === 'true') f[def.key] = true;
      else if (raw === 'false') f[def.key] = false;
      else throw new UsageError(`invalid argument "${raw}" for "--${long}" flag: expected true or false`);
      return;
    case 'int': {
      const n = Number(raw);
      if (raw === undefined || raw === '' || !Number.isInteger(n))
        throw new UsageError(`invalid argument "${raw}" for "--${long}" flag: expected an integer`);
      f[def.key] = n;
      return;
    }
    case 'list':
      (f[def.key] as string[]).push(raw as string);
      return;
    default:
      f[def.key] = raw;
  }
}

/** Parses argv (without node and script). The first positional word is the command. */
export function parseArgs(argv: string[]): ParsedArgs {
  const flags = defaultFlags();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    let long: string;
    let raw: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      long = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      raw = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (!DEFS[long]) throw new UsageError(`unknown flag: --${long}`);
    } else {
      const s = a[1];
      if (!SHORT[s]) throw new UsageError(`unknown shorthand flag: '${s}' in ${a}`);
      long = SHORT[s];
      const rest = a.slice(2);
      if (DEFS[long].kind === 'bool') {
        // Grouped booleans like -Aw: every letter must itself be a boolean shorthand.
        if (rest.startsWith('=')) raw = rest.slice(1);
        else
          for (const c of rest) {
            const other = SHORT[c];
            if (!other || DEFS[other].kind !== 'bool') throw new UsageError(`unknown shorthand flag: '${c}' in ${a}`);
            setFlag(flags, other, DEFS[other], undefined);
          }
      } else if (rest) raw = rest.startsWith('=') ? rest.slice(1) : rest;
    }
    const def = DEFS[long];
    if (def.kind !== 'bool' && raw === undefined) {
      raw = argv[++i];
      if (raw === undefined) throw new UsageError(`flag needs an argument: --${long}`);
    }
    setFlag(flags, long, def, raw);
  }
  if (!['background', 'foreground', 'orphan'].includes(flags.cascade))
    throw new UsageError(`invalid --cascade value "${flags.cascade}": must be background, foreground or orphan`);
  return { command: positional[0], args: positional.slice(1), flags };
}

/** Splits `get` arguments: "pods,svc" + names, or "pod/a svc/b" pairs. */
export function parseTypeArgs(args: string[]): { types: string[]; names: string[] } | { pairs: { type: string; name: string }[] } {
  if (args.length === 0) throw new UsageError('you must specify the type of resource to get');
  if (args[0].includes('/')) {
    const pairs = args.map((a) => {
      const i = a.indexOf('/');
      if (i <= 0 || i === a.length - 1) throw new UsageError(`arguments in resource/name form must have a single resource and name: "${a}"`);
      return { type: a.slice(0, i), name: a.slice(i + 1) };
    });
    return { pairs };
  }
  const types = args[0].split(',').filter(Boolean);
  const names = args.slice(1);
  for (const n of names)
    if (n.includes('/')) throw new UsageError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
  return { types, names };
}
