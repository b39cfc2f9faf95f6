// Go's time.Duration text form (time.ParseDuration): what Kubernetes flags take (8760h, 2m,
// 1h30m, 90s, 500ms) and what a CronJob's `@every` takes, with Go's own error texts, which the
// apiserver returns as they are.
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const MAX_NS = 9223372036854775807;

export class GoDurationError extends Error {
  readonly code = 'GO_DURATION_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'GoDurationError';
  }
}

/** Go's %q of a string (printable ASCII kept, the rest escaped like JSON does). */
const quote = (s: string) => JSON.stringify(s);

/** time.ParseDuration: the duration in nanoseconds (signed), or a GoDurationError with Go's message. */
export function goDurationNs(orig: string): number {
  const invalid = () => new GoDurationError(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  const negative = s[0] === '-';
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) throw invalid();
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[1] === '' && (m[2] ?? '') === '') throw invalid();
    s = s.slice(m[0].length);
    const u = /^[^.0-9]*/.exec(s)![0];
    if (u === '') throw new GoDurationError(`time: missing unit in duration ${quote(orig)}`);
    if (!(u in UNIT_NS)) throw new GoDurationError(`time: unknown unit ${quote(u)} in duration ${quote(orig)}`);
    s = s.slice(u.length);
    total += Number(`${m[1] || '0'}.${m[2] ?? ''}`) * UNIT_NS[u];
    if (total > MAX_NS) throw invalid();
  }
  return negative ? -total : total;
}

/** A positive duration in ms (a flag's value); undefined when it does not parse or is not positive. */
export function parseGoDuration(s: string): number | undefined {
  let ns: number;
  try {
    ns = goDurationNs(s);
  } catch (e) {
    if (e instanceof GoDurationError) return undefined;
    throw e;
  }
  return ns > 0 ? ns / 1e6 : undefined;
}
