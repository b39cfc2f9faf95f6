// The human-readable log format: pino's JSON line turned into
// `2026-12-05T08:54:37.123Z INFO  scheduler: pod bound pod=default/web-1 node=vm`.
// Pure, so it is tested on strings.

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component']);

function show(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function formatTextLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : line + '\n';
  }
  const level = LEVEL_NAMES[rec.level as number] ?? String(rec.level);
  const who = rec.component ? `${String(rec.component)}: ` : '';
  const fields = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(' ');
  return `${String(rec.time ?? '')} ${level.padEnd(5)} ${who}${String(rec.msg ?? '')}${fields ? ' ' + fields : ''}\n`;
}
