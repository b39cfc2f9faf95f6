import { strict as assert } from 'node:assert';
import { goDurationNs, parseGoDuration } from './go-duration';

describe('Go durations (time.ParseDuration)', () => {
  const ns: [string, number | string][] = [
    ['0', 0], ['1s', 1e9], ['1.5h', 5400e9], ['-2m', -120e9], ['+3ms', 3e6], ['1h2m3s4ms5us6ns', 3723004005006], ['.5s', 5e8], ['1.s', 1e9], ['1µs', 1e3],
    ['', 'time: invalid duration ""'], ['s', 'time: invalid duration "s"'], ['.s', 'time: invalid duration ".s"'], ['5', 'time: missing unit in duration "5"'],
    ['5y', 'time: unknown unit "y" in duration "5y"'], ['3000000h', 'time: invalid duration "3000000h"'],
  ];
  for (const [s, want] of ns)
    it(`${JSON.stringify(s)} → ${want}`, () => (typeof want === 'number' ? assert.equal(goDurationNs(s), want) : assert.throws(() => goDurationNs(s), { name: 'GoDurationError', message: want })));

  it('a flag value is a positive duration in ms, else undefined', () => {
    const cases: [string, number | undefined][] = [['8760h', 8760 * 3600_000], ['1h30m', 5400_000], ['500ms', 500], ['0s', undefined], ['-1h', undefined], ['10', undefined], ['', undefined]];
    for (const [s, want] of cases) assert.equal(parseGoDuration(s), want, s);
  });
});
