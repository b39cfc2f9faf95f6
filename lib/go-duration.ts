// Go's time.Duration text form as Kubernetes flags take it (8760h, 2m, 1h30m, 90s, 500ms).

/** The duration in ms; undefined when it does not parse or is not positive. */
export function parseGoDuration(s: string): number | undefined {
  if (!/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(s)) return undefined;
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) ms += Number(m[1]) * { h: 3600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'h' | 'm' | 's' | 'ms'];
  return ms > 0 ? ms : undefined;
}
