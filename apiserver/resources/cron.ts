// CronJob schedules and time zones as kube-apiserver checks them. The schedule is parsed by the
// project's one cron parser (lib/api/cron-schedule.ts), whose errors are robfig/cron/v3's own
// texts; here are the rules validation adds: TZ= / CRON_TZ= in the schedule refused (unless the
// stored schedule already had one), and a time zone that must be a real IANA zone.
import { bareTimeZonePrefix, CronScheduleError, knownZone, parseCronSchedule } from '../../lib/api/cron-schedule';
import { goDurationNs, GoDurationError } from '../../lib/go-duration';

/** time.ParseDuration's error for s, or '' when it parses. */
export function goDurationError(s: string): string {
  return errorOf(() => goDurationNs(s));
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
    return '';
  } catch (e) {
    if (e instanceof CronScheduleError || e instanceof GoDurationError) return e.message;
    throw e;
  }
}

/** robfig/cron/v3 ParseStandard's error for a schedule, or ''. */
function parseError(spec: string): string {
  // Upstream's parser cannot take a zone without a schedule after it; the TZ rule reports it.
  if (bareTimeZonePrefix(spec)) return '';
  // The zone is UTC here so that only a zone named in the schedule can be wrong.
  return errorOf(() => parseCronSchedule(spec, 'UTC'));
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
