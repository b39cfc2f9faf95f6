import assert from 'node:assert/strict';
import { cronScheduleErrors, goDurationError, timeZoneErrors } from './cron';

describe('cron schedules (robfig/cron/v3 ParseStandard as kube-apiserver uses it)', () => {
  const cases: [string, string[]][] = [
    ['*/5 * * * *', []], ['0 3 * * mon-fri', []], ['0 0 1 jan,jul *', []], ['15 2,14 * * SUN', []], ['0-59/15 * ? * *', []], ['5/10 * * * *', []],
    ['@hourly', []], ['@yearly', []], ['@annually', []], ['@midnight', []], ['@every 5m', []], ['@every 1h30m', []], ['@every 1.5h', []],
    ['', ['empty spec string']],
    ['* * *', ['expected exactly 5 fields, found 3: [* * *]']],
    ['* * * * * *', ['expected exactly 5 fields, found 6: [* * * * * *]']],
    ['61 * * * *', ['end of range (61) above maximum (59): 61']],
    ['* 24 * * *', ['end of range (24) above maximum (23): 24']],
    ['* * 0 * *', ['beginning of range (0) below minimum (1): 0']],
    ['* * * 13 *', ['end of range (13) above maximum (12): 13']],
    ['* * * * 7', ['end of range (7) above maximum (6): 7']],
    ['5-2 * * * *', ['beginning of range (5) beyond end of range (2): 5-2']],
    ['*/0 * * * *', ['step of range should be a positive number: */0']],
    ['1-2-3 * * * *', ['too many hyphens: 1-2-3']],
    ['1/2/3 * * * *', ['too many slashes: 1/2/3']],
    ['x * * * *', ['failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax']],
    ['-1 * * * *', ['failed to parse int from : strconv.Atoi: parsing "": invalid syntax']],
    ['99999999999999999999 * * * *', ['failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range']],
    ['* * * foo *', ['failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax']],
    ['@sometimes', ['unrecognized descriptor: @sometimes']],
    ['@daily ', ['unrecognized descriptor: @daily ']],
    ['@every 5', ['failed to parse duration @every 5: time: missing unit in duration "5"']],
    ['@every 5y', ['failed to parse duration @every 5y: time: unknown unit "y" in duration "5y"']],
    ['@every', ['unrecognized descriptor: @every']],
    ['TZ=UTC 0 * * * *', ['cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
    ['CRON_TZ=Europe/Paris 0 * * * *', ['cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
    ['CRON_TZ=Nowhere/City 0 * * * *', ['provided bad location Nowhere/City: unknown time zone Nowhere/City', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
  ];
  for (const [s, want] of cases) it(`${JSON.stringify(s)} → ${want.join(' | ') || 'valid'}`, () => assert.deepEqual(cronScheduleErrors(s, undefined), want));

  it('keeps a TZ the stored schedule already had, unless timeZone is set too', () => {
    assert.deepEqual(cronScheduleErrors('TZ=UTC 0 * * * *', undefined, 'TZ=UTC 5 * * * *'), []);
    assert.deepEqual(cronScheduleErrors('TZ=UTC 0 * * * *', 'UTC', 'TZ=UTC 5 * * * *'), ['cannot use both timeZone field and TZ or CRON_TZ in schedule']);
  });

  const zones: [string, string[]][] = [
    ['Etc/UTC', []], ['UTC', []], ['Europe/Paris', []], ['America/Argentina/Buenos_Aires', []], ['US/Eastern', []], ['Etc/GMT+5', []],
    ['', ['timeZone must be nil or non-empty string']],
    ['Europe/Pariss', ['unknown time zone Europe/Pariss']],
    ['europe/paris', ['unknown time zone europe/paris']],
    ['Local', ['timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']],
    ['../etc/passwd', ['unknown time zone ../etc/passwd']],
    ['+01:00', ['unknown time zone +01:00']],
    ['Europe/-Paris', ['unknown time zone Europe/-Paris']],
    ['America/VeryLongCityName', ['unknown time zone America/VeryLongCityName']],
  ];
  for (const [z, want] of zones) it(`time zone ${JSON.stringify(z)} → ${want.join(' | ') || 'valid'}`, () => assert.deepEqual(timeZoneErrors(z), want));

  it("parses Go durations as time.ParseDuration does", () => {
    for (const ok of ['0', '1s', '1.5h', '-2m', '+3ms', '1h2m3s4ms5us6ns', '.5s', '1µs']) assert.equal(goDurationError(ok), '', ok);
    assert.equal(goDurationError(''), 'time: invalid duration ""');
    assert.equal(goDurationError('s'), 'time: invalid duration "s"');
    assert.equal(goDurationError('.s'), 'time: invalid duration ".s"');
    assert.equal(goDurationError('3000000h'), 'time: invalid duration "3000000h"');
  });
});
