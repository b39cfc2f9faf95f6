// Command-line options for every component: `--name=value` or `--name value`, booleans as bare
// `--name`. Each component declares its options with defaults and gets a typed config back.

export type FlagSpec = Record<string, string | number | boolean | string[]>;

export type Parsed<S extends FlagSpec> = { -readonly [K in keyof S]: S[K] extends string[] ? string[] : S[K] };

export class FlagError extends Error {
  readonly code = 'FLAG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** Parses argv against the defaults in spec (camelCase keys, kebab-case flags). Unknown flags fail. */
export function parseFlags<S extends FlagSpec>(argv: string[], spec: S): Parsed<S> & { _: string[] } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = Array.isArray(v) ? [...v] : v;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = camel(eq >= 0 ? a.slice(2, eq) : a.slice(2));
    if (!(name in spec)) throw new FlagError(`unknown flag --${kebab(name)}`);
    const def = spec[name];
    let raw: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
    if (typeof def === 'boolean') {
      out[name] = raw === undefined ? true : raw !== 'false';
      continue;
    }
    if (raw === undefined) {
      raw = argv[++i];
      if (raw === undefined) throw new FlagError(`flag --${kebab(name)} needs a value`);
    }
    if (typeof def === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new FlagError(`flag --${kebab(name)}: "${raw}" is not a number`);
      out[name] = n;
    } else if (Array.isArray(def)) {
      (out[name] as string[]).push(...raw.split(',').filter(Boolean));
    } else out[name] = raw;
  }
  return { ...(out as Parsed<S>), _: rest };
}

/**
 * The flags argv sets explicitly (camelCase names), so a caller can tell "--log-level=info" from
 * the default. A value given as the next argument never starts with "--".
 */
export function givenFlags(argv: string[]): Set<string> {
  const out = new Set<string>();
  for (const a of argv) {
    if (!a.startsWith('--') || a === '--') continue;
    const eq = a.indexOf('=');
    out.add(camel(eq >= 0 ? a.slice(2, eq) : a.slice(2)));
  }
  return out;
}

/** Usage text listing every flag with its default. */
export function usage(component: string, spec: FlagSpec): string {
  const lines = Object.entries(spec).map(([k, v]) => `  --${kebab(k)}  (default: ${JSON.stringify(v)})`);
  return `usage: ${component} [flags]\n${lines.join('\n')}`;
}
