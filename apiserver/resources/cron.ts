// Syntax check of a CronJob schedule: five fields (minute hour day-of-month month day-of-week)
// with lists, ranges, steps, names, and the @yearly-style macros. Returns an error text or ''.

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: [string, number, number, string[]][] = [
  ['minute', 0, 59, []],
  ['hour', 0, 23, []],
  ['day of month', 1, 31, []],
  ['month', 1, 12, MONTHS],
  ['day of week', 0, 7, DAYS],
];

function value(s: string, min: number, names: string[]): number {
  const i = names.indexOf(s.toLowerCase());
  if (i >= 0) return i + min;
  return /^\d+$/.test(s) ? Number(s) : NaN;
}

function checkField(text: string, [name, min, max, names]: (typeof FIELDS)[number]): string {
  for (const part of text.split(',')) {
    const [range, step] = part.split('/');
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `invalid step in ${name}: ${part}`;
    if (range === '*' || range === '?') continue;
    const [a, b] = range.split('-');
    const lo = value(a, min, names);
    const hi = b === undefined ? lo : value(b, min, names);
    if (Number.isNaN(lo) || Number.isNaN(hi)) return `failed to parse ${name}: ${part}`;
    if (lo < min || hi > max || lo > hi) return `${name} out of range (${min}-${max}): ${part}`;
  }
  return '';
}

/** '' when the schedule is valid, otherwise why not. */
export function cronScheduleError(schedule: string): string {
  let s = schedule.trim();
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  if (s.startsWith('@every ')) return /^@every \d+(\.\d+)?(ns|us|ms|s|m|h)+/.test(s) ? '' : `failed to parse duration ${s}`;
  if (s.startsWith('@')) return MACROS.has(s) ? '' : `unrecognized descriptor: ${s}`;
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return `expected exactly 5 fields, found ${parts.length}: ${s}`;
  for (let i = 0; i < 5; i++) {
    const err = checkField(parts[i], FIELDS[i]);
    if (err) return err;
  }
  s = '';
  return s;
}
