// CronJob schedules and time zones as kube-apiserver checks them: the schedule parsed the way
// robfig/cron/v3's ParseStandard parses it (five fields — minute 0-59, hour 0-23, day of month
// 1-31, month 1-12 or jan-dec, day of week 0-6 or sun-sat — or an @ descriptor, @every taking a
// Go duration), with the library's own error texts; TZ= / CRON_TZ= in the schedule refused; a
// time zone must be a real IANA zone, which Node's Intl knows.
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const INT64_MAX = (1n << 63n) - 1n;

interface Bounds {
  min: number;
  max: number;
  names?: string[];
}
const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];

/** Go's %q of a string (printable ASCII kept, the rest escaped like JSON does). */
const quote = (s: string) => JSON.stringify(s);

class CronError extends Error {}

/** strconv.Atoi then the non-negative check of mustParseInt. */
function parseInt_(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${quote(expr)}: invalid syntax`);
  const v = BigInt(expr);
  if (v > INT64_MAX || v < -INT64_MAX - 1n) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${quote(expr)}: value out of range`);
  if (v < 0n) throw new CronError(`negative number (${v}) not allowed: ${expr}`);
  return Number(v);
}

function parseIntOrName(expr: string, b: Bounds): number {
  const i = b.names?.indexOf(expr.toLowerCase()) ?? -1;
  return i >= 0 ? i + (b.min === 1 ? 1 : 0) : parseInt_(expr);
}

/** getRange: "*", "?", n, n-m, each with an optional /step. */
function checkRange(expr: string, b: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    start = parseIntOrName(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt_(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = b.max;
  } else if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`);
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
}

const DURATION_UNITS = new Set(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h']);
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration's error for s, or '' when it parses. */
export function goDurationError(orig: string): string {
  const invalid = `time: invalid duration ${quote(orig)}`;
  let s = orig;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  if (s === '0') return '';
  if (s === '') return invalid;
  let total = 0;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid;
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[1] === '' && (m[2] ?? '') === '') return invalid;
    s = s.slice(m[0].length);
    const u = /^[^.0-9]*/.exec(s)![0];
    if (u === '') return `time: missing unit in duration ${quote(orig)}`;
    if (!DURATION_UNITS.has(u)) return `time: unknown unit ${quote(u)} in duration ${quote(orig)}`;
    s = s.slice(u.length);
    total += Number(`${m[1] || '0'}.${m[2] ?? ''}`) * UNIT_NS[u];
    if (total > 9223372036854775807) return invalid;
  }
  return '';
}

/** robfig/cron/v3 ParseStandard's error for a schedule, or ''. */
function parseError(spec: string): string {
  try {
    if (spec.length === 0) return 'empty spec string';
    if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
      const i = spec.indexOf(' ');
      // Upstream's parser cannot take a zone without a schedule after it; the TZ rule reports it.
      if (i < 0) return '';
      const name = spec.slice(spec.indexOf('=') + 1, i);
      if (name !== '' && !knownZone(name)) return `provided bad location ${name}: unknown time zone ${name}`;
      spec = spec.slice(i).trim();
    }
    if (spec.startsWith('@')) {
      if (DESCRIPTORS.has(spec)) return '';
      if (spec.startsWith('@every ')) {
        const why = goDurationError(spec.slice('@every '.length));
        return why ? `failed to parse duration ${spec}: ${why}` : '';
      }
      return `unrecognized descriptor: ${spec}`;
    }
    const fields = spec.split(/[\s\u0085\u00a0]+/).filter((f) => f !== '');
    if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
    fields.forEach((f, i) => f.split(',').filter((r) => r !== '').forEach((r) => checkRange(r, FIELDS[i])));
    return '';
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

/** validateScheduleFormat: parse errors, then the TZ rule (a TZ already in the stored schedule may stay). */
export function cronScheduleErrors(schedule: string, timeZone: unknown, oldSchedule?: string): string[] {
  const errs: string[] = [];
  const why = parseError(schedule);
  if (why) errs.push(why);
  const allowTZ = oldSchedule !== undefined && oldSchedule.includes('TZ');
  if (allowTZ && schedule.includes('TZ') && timeZone !== undefined && timeZone !== null) errs.push('cannot use both timeZone field and TZ or CRON_TZ in schedule');
  else if (!allowTZ && schedule.includes('TZ')) errs.push('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  return errs;
}

/** Whether Go's time.LoadLocation would find this zone: Intl knows it, spelled as the zone database spells it. */
function knownZone(name: string): boolean {
  if (name === 'UTC') return true;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // Intl also takes offsets and ignores case; the zone database does neither.
  if (/^[+-]\d/.test(resolved)) return false;
  return resolved.toLowerCase() !== name.toLowerCase() || resolved === name;
}

/** validateTimeZone's messages for a CronJob's spec.timeZone. */
export function timeZoneErrors(tz: string): string[] {
  if (tz.length === 0) return ['timeZone must be nil or non-empty string'];
  for (const part of tz.split('/'))
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) return [`unknown time zone ${tz}`];
  const errs: string[] = [];
  if (tz.toLowerCase() === 'local') errs.push('timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones');
  else if (!knownZone(tz)) errs.push(`unknown time zone ${tz}`);
  return errs;
}
