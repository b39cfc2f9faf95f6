// The one cron parser of the project: CronJob schedules read as upstream's robfig/cron/v3
// ParseStandard reads them (five fields — minute 0-59, hour 0-23, day of month 1-31, month 1-12 or
// jan-dec, day of week 0-6 or sun-sat — or an @ descriptor, @every taking a Go duration, an
// optional TZ=/CRON_TZ= prefix), failing with the library's own error texts, which the apiserver
// returns as they are (apiserver/resources/cron.ts). The controller evaluates what it parses:
// "the next minute after t" in a time zone. A day matches when both day fields match if either is
// a bare * or ?, else when either matches (cron's classic rule).
import { goDurationNs, GoDurationError } from '../go-duration';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
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

export class CronScheduleError extends Error {
  readonly code = 'CRON_SCHEDULE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CronScheduleError';
  }
}

interface FieldSet {
  values: Set<number>;
  /** A bare * or ? (the day-matching rule depends on it). */
  star: boolean;
}

export type CronSchedule =
  | { kind: 'fields'; minute: FieldSet; hour: FieldSet; dom: FieldSet; month: FieldSet; dow: FieldSet; timeZone: string }
  | { kind: 'every'; everyMs: number };

/** Go's %q of a string (printable ASCII kept, the rest escaped like JSON does). */
const quote = (s: string) => JSON.stringify(s);

/** strconv.Atoi then the non-negative check of mustParseInt. */
function parseInt_(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new CronScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${quote(expr)}: invalid syntax`);
  const v = BigInt(expr);
  if (v > INT64_MAX || v < -INT64_MAX - 1n) throw new CronScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${quote(expr)}: value out of range`);
  if (v < 0n) throw new CronScheduleError(`negative number (${v}) not allowed: ${expr}`);
  return Number(v);
}

function parseIntOrName(expr: string, b: Bounds): number {
  const i = b.names?.indexOf(expr.toLowerCase()) ?? -1;
  return i >= 0 ? i + b.min : parseInt_(expr);
}

/** getRange: "*", "?", n, n-m, each with an optional /step, added to the field's set. */
function addRange(expr: string, b: Bounds, into: FieldSet): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const isStar = lowAndHigh[0] === '*' || lowAndHigh[0] === '?';
  let start: number;
  let end: number;
  if (isStar) {
    start = b.min;
    end = b.max;
  } else {
    start = parseIntOrName(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b);
    else throw new CronScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt_(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = b.max;
  } else if (rangeAndStep.length > 2) throw new CronScheduleError(`too many slashes: ${expr}`);
  if (start < b.min) throw new CronScheduleError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronScheduleError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronScheduleError(`step of range should be a positive number: ${expr}`);
  // cron keeps the star bit only for a step of 1 (*/2 is a list, not "any").
  if (isStar && step === 1) into.star = true;
  for (let v = start; v <= end; v += step) into.values.add(v);
}

function parseField(field: string, b: Bounds): FieldSet {
  const set: FieldSet = { values: new Set(), star: false };
  for (const r of field.split(',')) if (r !== '') addRange(r, b, set);
  return set;
}

/** Whether Go's time.LoadLocation would find this zone: Intl knows it, spelled as the zone database spells it. */
export function knownZone(name: string): boolean {
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

/** A TZ=/CRON_TZ= prefix with no schedule after it (upstream's parser cannot take one). */
export const bareTimeZonePrefix = (spec: string) => (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) && !spec.includes(' ');

/**
 * Parses a schedule as ParseStandard does; timeZone is the CronJob's spec.timeZone ('' is the
 * process's zone), a TZ= prefix in the schedule taking its place.
 */
export function parseCronSchedule(schedule: string, timeZone = ''): CronSchedule {
  let spec = schedule;
  if (spec.length === 0) throw new CronScheduleError('empty spec string');
  let zone = timeZone;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    if (bareTimeZonePrefix(spec)) throw new CronScheduleError(`no schedule after the time zone: ${spec}`);
    const i = spec.indexOf(' ');
    const name = spec.slice(spec.indexOf('=') + 1, i);
    if (name !== '' && !knownZone(name)) throw new CronScheduleError(`provided bad location ${name}: unknown time zone ${name}`);
    // Go's LoadLocation("") is UTC.
    zone = name || 'UTC';
    spec = spec.slice(i).trim();
  }
  if (spec.startsWith('@every ')) {
    const text = spec.slice('@every '.length);
    let ns: number;
    try {
      ns = goDurationNs(text);
    } catch (e) {
      throw e instanceof GoDurationError ? new CronScheduleError(`failed to parse duration ${spec}: ${e.message}`) : e;
    }
    // cron's ConstantDelaySchedule rounds down to whole seconds, and below a second up to one.
    return { kind: 'every', everyMs: Math.max(1000, Math.floor(ns / 1e9) * 1000) };
  }
  if (spec.startsWith('@')) {
    const d = DESCRIPTORS[spec];
    if (!d) throw new CronScheduleError(`unrecognized descriptor: ${spec}`);
    spec = d;
  }
  // Go's strings.Fields splits on Unicode white space, NEL and NBSP included.
  const f = spec.split(/[\s\u0085\u00a0]+/).filter((x) => x !== '');
  if (f.length !== 5) throw new CronScheduleError(`expected exactly 5 fields, found ${f.length}: [${f.join(' ')}]`);
  zone ||= Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new CronScheduleError(`unknown time zone ${zone}`);
  }
  const [minute, hour, dom, month, dow] = f.map((x, i) => parseField(x, FIELDS[i]));
  return { kind: 'fields', minute, hour, dom, month, dow, timeZone: zone };
}
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of an instant in a zone. */
export function wallClock(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; weekday: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour) % 24, minute: Number(parts.minute),
    weekday: DAYS.indexOf(parts.weekday.toLowerCase().slice(0, 3)),
  };
}

const MINUTE = 60_000;
/** Beyond this many years without a match, a schedule never fires (e.g. 30 February). */
const HORIZON_MS = 5 * 366 * 24 * 3600_000;

/** The first scheduled instant strictly after `after` (ms), or undefined when there is none. */
export function nextAfter(s: CronSchedule, after: number): number | undefined {
  if (s.kind === 'every') return after - (((after % 1000) + 1000) % 1000) + s.everyMs;
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  const limit = t + HORIZON_MS;
  while (t < limit) {
    const w = wallClock(t, s.timeZone);
    const dayOk = s.dom.star || s.dow.star ? s.dom.values.has(w.day) && s.dow.values.has(w.weekday) : s.dom.values.has(w.day) || s.dow.values.has(w.weekday);
    if (!s.month.values.has(w.month) || !dayOk) {
      // Towards the next wall-clock midnight, stopping an hour short: a day is 23 or 25 hours long
      // when the clocks change, and the hour steps below land on midnight exactly.
      const toLastHour = 23 * 60 - (w.hour * 60 + w.minute);
      t += (toLastHour > 0 ? toLastHour : 60 - w.minute) * MINUTE;
      continue;
    }
    if (!s.hour.values.has(w.hour)) {
      t += (60 - w.minute) * MINUTE;
      continue;
    }
    if (!s.minute.values.has(w.minute)) {
      t += MINUTE;
      continue;
    }
    return t;
  }
  return undefined;
}

/**
 * The most recent scheduled instant in (earliest, now], and how many were missed in that span
 * (counted up to 101: upstream only says "too many" past 100).
 */
export function mostRecentSchedule(s: CronSchedule, earliest: number, now: number): { time?: number; missed: number } {
  let missed = 0;
  for (let t = nextAfter(s, earliest); t !== undefined && t <= now && missed <= 100; t = nextAfter(s, t)) missed++;
  if (missed === 0) return { missed };
  // The most recent one: search back from now in widening windows, so a long-missed frequent
  // schedule costs a few steps, not one per missed minute.
  for (const window of [2 * MINUTE, 2 * 3600_000, 2 * 86400_000, 64 * 86400_000, 800 * 86400_000, Infinity]) {
    let last: number | undefined;
    for (let t = nextAfter(s, Math.max(earliest, now - window)); t !== undefined && t <= now; t = nextAfter(s, t)) last = t;
    if (last !== undefined) return { time: last, missed };
  }
  return { missed };
}
