import { strict as assert } from 'node:assert';
import { mostRecentSchedule, nextAfter, parseCronSchedule } from './cron-schedule';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron schedules', () => {
  const next: [string, string, string, string | undefined][] = [
    ['*/1 * * * *', 'UTC', '2026-01-01T00:00:30Z', '2026-01-01T00:01:00.000Z'],
    ['*/15 * * * *', 'UTC', '2026-01-01T00:15:00Z', '2026-01-01T00:30:00.000Z'],
    ['0 9 * * mon-fri', 'UTC', '2026-01-02T10:00:00Z', '2026-01-05T09:00:00.000Z'], // Friday 10:00 → Monday
    ['0 0 1,15 * 3', 'UTC', '2026-01-01T00:00:00Z', '2026-01-07T00:00:00.000Z'], // dom OR dow: Wednesday the 7th
    ['0 0 * * 3', 'UTC', '2026-01-01T00:00:00Z', '2026-01-07T00:00:00.000Z'],
    ['@monthly', 'UTC', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00.000Z'],
    ['@hourly', 'UTC', '2026-01-01T00:59:59Z', '2026-01-01T01:00:00.000Z'],
    ['30 2 * * *', 'America/New_York', '2026-01-01T00:00:00Z', '2026-01-01T07:30:00.000Z'],
    ['0 12 * jul *', 'Europe/Berlin', '2026-01-01T00:00:00Z', '2026-07-01T10:00:00.000Z'],
    ['0 0 30 feb *', 'UTC', '2026-01-01T00:00:00Z', undefined],
    ['@every 90s', 'UTC', '2026-01-01T00:00:00.500Z', '2026-01-01T00:01:30.000Z'],
  ];
  for (const [sched, tz, after, want] of next)
    it(`${sched} (${tz}) after ${after} is ${want}`, () => assert.equal(iso(nextAfter(parseCronSchedule(sched, tz), at(after))), want));

  it('finds the most recent time and counts missed ones', () => {
    const s = parseCronSchedule('*/5 * * * *', 'UTC');
    assert.deepEqual(mostRecentSchedule(s, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:17:00Z')), { time: at('2026-01-01T00:15:00Z'), missed: 3 });
    assert.deepEqual(mostRecentSchedule(s, at('2026-01-01T00:15:00Z'), at('2026-01-01T00:19:59Z')), { missed: 0 });
    const long = mostRecentSchedule(s, at('2025-01-01T00:00:00Z'), at('2026-01-01T00:07:00Z'));
    assert.equal(long.time, at('2026-01-01T00:05:00Z'));
    assert.equal(long.missed, 101);
  });

  it('refuses what it cannot parse', () => {
    assert.throws(() => parseCronSchedule('* * *'), /expected exactly 5 fields/);
    assert.throws(() => parseCronSchedule('@sometimes'), /unrecognized descriptor/);
    assert.throws(() => parseCronSchedule('61 * * * *', 'UTC'), /^CronScheduleError: end of range \(61\) above maximum \(59\): 61$/);
    assert.throws(() => parseCronSchedule('0 * * * *', 'Mars/Olympus'), /unknown time zone Mars\/Olympus/);
  });

  it('reads what the apiserver accepts: signed numbers, a TZ prefix, any Go duration', () => {
    assert.equal(iso(nextAfter(parseCronSchedule('+5 * * * *', 'UTC'), at('2026-01-01T00:00:00Z'))), '2026-01-01T00:05:00.000Z');
    // A schedule stored with TZ= before timeZone existed keeps its zone.
    assert.equal(iso(nextAfter(parseCronSchedule('TZ=America/New_York 30 2 * * *', 'UTC'), at('2026-01-01T00:00:00Z'))), '2026-01-01T07:30:00.000Z');
    assert.equal(iso(nextAfter(parseCronSchedule('CRON_TZ= 0 0 * * *', 'Europe/Berlin'), at('2026-01-01T00:00:00Z'))), '2026-01-02T00:00:00.000Z');
    // cron rounds @every down to whole seconds, and below one second up to one.
    assert.deepEqual(parseCronSchedule('@every 1m30.9s'), { kind: 'every', everyMs: 90_000 });
    assert.deepEqual(parseCronSchedule('@every -5m'), { kind: 'every', everyMs: 1000 });
    assert.throws(() => parseCronSchedule('TZ=UTC'), /no schedule after the time zone/);
  });
});

describe('cron schedules across clock changes', () => {
  it('keeps local midnight on the days after a spring-forward change', () => {
    const s = parseCronSchedule('0 0 * * *', 'America/New_York');
    // 2026-03-08 is 23 hours long in New York; midnight of the 9th is 04:00Z (EDT).
    assert.equal(iso(nextAfter(s, at('2026-03-08T05:00:00Z'))), '2026-03-09T04:00:00.000Z');
  });
});
