// CronJob schedules evaluated as upstream's robfig/cron ParseStandard schedules are: five fields
// (minute, hour, day of month, month, day of week) or an @ descriptor, in a time zone. The
// apiserver has already validated the text (apiserver/resources/cron.ts gives the errors); this
// only turns valid text into sets and answers "the next minute after t". A day matches when both
// day fields match if either is a bare * or ?, else when either matches (cron's classic rule).
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const BOUNDS: [number, number, string[]?][] = [[0, 59], [0, 23], [1, 31], [1, 12, MONTHS], [0, 6, DAYS]];
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

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

function num(s: string, names?: string[], min = 0): number {
  const i = names?.indexOf(s.toLowerCase()) ?? -1;
  if (i >= 0) return i + min;
  if (!/^\d+$/.test(s)) throw new CronScheduleError(`not a number: ${s}`);
  return Number(s);
}

function parseField(text: string, [min, max, names]: [number, number, string[]?]): FieldSet {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',').filter((x) => x !== '')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined) throw new CronScheduleError(`too many slashes: ${part}`);
    const [lo, hi, more] = range.split('-');
    if (more !== undefined) throw new CronScheduleError(`too many hyphens: ${part}`);
    let start: number;
    let end: number;
    const isStar = lo === '*' || lo === '?';
    if (isStar) [start, end] = [min, max];
    else {
      start = num(lo, names, min);
      end = hi === undefined ? start : num(hi, names, min);
    }
    let step = 1;
    if (stepText !== undefined) {
      step = num(stepText);
      if (hi === undefined) end = max;
    }
    if (isStar && step === 1) star = true;
    if (start < min || end > max || start > end || step < 1) throw new CronScheduleError(`out of range: ${part}`);
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

function everyMs(text: string): number {
  let total = 0;
  let s = text.trim();
  if (!s) throw new CronScheduleError(`bad duration: ${text}`);
  while (s) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(s);
    if (!m) throw new CronScheduleError(`bad duration: ${text}`);
    total += Number(m[1]) * UNIT_MS[m[2]];
    s = s.slice(m[0].length);
  }
  // cron's ConstantDelaySchedule rounds below a second up to one second.
  return Math.max(1000, Math.floor(total / 1000) * 1000);
}

/** Parses a schedule already valid by the apiserver's rules; timeZone '' is the process's zone. */
export function parseCronSchedule(schedule: string, timeZone = ''): CronSchedule {
  let spec = schedule.trim();
  if (spec.startsWith('@every ')) return { kind: 'every', everyMs: everyMs(spec.slice('@every '.length)) };
  if (spec.startsWith('@')) {
    const d = DESCRIPTORS[spec];
    if (!d) throw new CronScheduleError(`unrecognized descriptor: ${spec}`);
    spec = d;
  }
  const f = spec.split(/\s+/).filter((x) => x !== '');
  if (f.length !== 5) throw new CronScheduleError(`expected exactly 5 fields, found ${f.length}: [${f.join(' ')}]`);
  const zone = timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new CronScheduleError(`unknown time zone ${zone}`);
  }
  const [minute, hour, dom, month, dow] = f.map((x, i) => parseField(x, BOUNDS[i]));
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
